"""A confirmed mentor-mentee pair in a cohort, and what happens after the match."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MentorshipQuerySet(models.QuerySet):
    def holding_a_place(self):
        """Mentorships that count against a mentor's capacity."""
        return self.filter(status__in=Mentorship.CAPACITY_STATUSES)


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    CAPACITY_STATUSES = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED)

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee")
    enrollment = models.ForeignKey(
        "programs.MentorEnrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships",
        help_text=_("The mentor's place in the cohort whose capacity this mentorship uses."),
    )
    application = models.OneToOneField(
        "programs.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorship",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            # A mentee has at most one running mentorship per cohort.
            models.UniqueConstraint(
                fields=["cohort", "mentee"], condition=Q(status__in=["proposed", "active", "paused"]),
                name="one_open_mentorship_per_mentee_cohort",
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="mentor_is_not_mentee"),
        ]

    def __str__(self):
        return f"{self.mentor} ↔ {self.mentee} ({self.cohort})"

    def get_absolute_url(self):
        return reverse("mentoring:mentorship_detail", args=[self.pk])
