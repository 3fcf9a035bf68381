"""Data exports a person asked for, and the record of each cohort's purge (with the numbers kept)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    """One "download my data" archive. The file lives outside MEDIA_ROOT (PRIVACY_EXPORT_ROOT)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=80, blank=True)  # a random name in PRIVACY_EXPORT_ROOT
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [
            # One archive in preparation per person: asking twice does not queue twice.
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="one_pending_export_per_user"),
        ]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    def is_downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.READY and self.expires_at is not None and self.expires_at > now


class CohortPurge(models.Model):
    """A cohort whose sensitive data was purged: when, what went, and its statistics computed just before."""

    cohort = models.OneToOneField("programs.Cohort", on_delete=models.CASCADE, related_name="privacy_purge")
    purged_at = models.DateTimeField(default=timezone.now)
    removed = models.JSONField(default=dict)  # {"programs.cv": 12, ...}
    statistics = models.JSONField(default=dict)  # the cohort's row of the program statistics, before the purge

    class Meta:
        verbose_name = _("cohort purge")
        verbose_name_plural = _("cohort purges")

    def __str__(self):
        return f"purge of cohort {self.cohort_id}"
