"""A private "raise a concern" on a mentorship or an application, read only by the program's coordinators
(and the person who raised it)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .mentorship import Mentorship


class Concern(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="concerns")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="concerns_raised")
    mentorship = models.ForeignKey(Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="concerns")
    application = models.ForeignKey("programs.Application", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="concerns")
    body = models.TextField(_("what worries you"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(_("reply to the person who raised it"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        constraints = [
            models.CheckConstraint(
                condition=Q(mentorship__isnull=False, application__isnull=True)
                | Q(mentorship__isnull=True, application__isnull=False),
                name="concern_about_one_thing",
            ),
        ]

    def __str__(self):
        return f"concern {self.pk} ({self.get_status_display()})"
