"""Coordinators run their programs: invitations (mentors, co-coordinators) and announcements.

Imported by programs.models, so these are models of the programs app.
"""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A coordinator invites a person by email: to mentor a cohort, or to coordinate the program.

    The link carries a signed (id, nonce); it works once, until `expires_at`.
    """

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        COORDINATOR = "coordinator", _("Coordinator")

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey("programs.Cohort", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    email = models.EmailField(_("email address"))
    message = models.TextField(_("a personal note"), blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=Q(role="coordinator") | Q(cohort__isnull=False),
                                   name="mentor_invitation_names_a_cohort"),
        ]

    def __str__(self):
        return f"{self.email} → {self.get_role_display()} ({self.program_id})"

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and self.revoked_at is None and (now or timezone.now()) < self.expires_at


class Announcement(models.Model):
    """A coordinator's message to a segment of a cohort, sent once through the notifications core."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    segment = models.CharField(_("recipients"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    language = models.CharField(_("language of the message"), max_length=10)
    # {language code: {"subject": ..., "body": ...}}: each recipient reads their own language when given.
    translations = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.subject

    @property
    def topic(self) -> str:
        return f"announcement:{self.pk}"

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language` when a translation was given, else as written."""
        for code in (language, language.split("-")[0].split("_")[0]):
            found = self.translations.get(code)
            if found and found.get("subject") and found.get("body"):
                return found["subject"], found["body"]
        return self.subject, self.body
