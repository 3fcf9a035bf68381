"""Package support: the package a mentorship supports and its plan in three areas, ticked off by the
maintainers and the mentor."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportPlan(models.Model):
    mentorship = models.OneToOneField("mentoring.Mentorship", on_delete=models.CASCADE, related_name="support_plan")
    repository_url = models.URLField(_("repository"))
    registry_name = models.CharField(
        _("name in the package registry"), max_length=120, blank=True, help_text=_("For example its name on PyPI or CRAN."),
    )
    documentation_url = models.URLField(_("documentation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self):
        return self.registry_name or self.repository_url


class PlanItem(models.Model):
    class Area(models.TextChoices):
        QUALITY = "quality", _("Quality assurance")
        DOCUMENTATION = "documentation", _("Documentation")
        COMMUNITY = "community", _("Community engagement")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    title = models.CharField(_("what to do"), max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(condition=models.Q(done_at__isnull=True) | models.Q(done_by__isnull=False),
                                   name="plan_item_done_by_someone"),
        ]

    def __str__(self):
        return self.title
