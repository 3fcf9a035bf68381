"""The outbox: one row per thing we tell a person, unique by key. What a crash mid-send means is the
kind's delivery guarantee (notifications/kinds.py)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SUPPRESSED = "suppressed", _("turned off by the person")
        DIGEST = "digest", _("waiting for the daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
    )
    to_email = models.EmailField(_("to"))
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    key = models.CharField(
        _("key"), max_length=255, unique=True,
        help_text=_("What makes this message unique: one row per key; its Message-ID is derived from it."),
    )
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Files sent with the message ({"filename", "content", "mimetype"}, text content), stored with the row so
    # that a retry or an operator's "send again" carries the same files (e.g. a meeting's .ics).
    attachments = models.JSONField(default=list, blank=True)
    link = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("The page this message is about (the digest lists it)."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    dispatched_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the send task was last queued."),
    )
    send_after = models.DateTimeField(
        _("not before"), null=True, blank=True, help_text=_("Held until then (quiet hours of the recipient)."),
    )
    topic = models.CharField(
        _("topic"), max_length=64, blank=True, db_index=True,
        help_text=_("What it is about, e.g. cohort:12, so pages can count what went out."),
    )
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="digested",
        help_text=_("The digest email that carried this message."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    lease_until = models.DateTimeField(
        null=True, blank=True,
        help_text=_("While sending: after this time the sender is presumed dead (see the kind's delivery guarantee)."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} → {self.to_email} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """A person's choice for one kind of email. No row means the kind's default: on, right away."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("as it happens")
        DIGEST = "digest", _("in a daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
    )
    kind = models.CharField(max_length=64)
    email_enabled = models.BooleanField(default=True)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user_id}:{self.kind}={'on' if self.email_enabled else 'off'}"
