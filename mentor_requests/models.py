"""A mentee asks a chosen mentor directly, in a rolling cohort (OSL's Mentoring Program takes requests all year)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MentorshipRequestQuerySet(models.QuerySet):
    def awaiting_answer(self, now=None):
        """Pending and still inside the answer-by time: the SQL form of `MentorshipRequest.awaits_answer`."""
        return self.filter(status=MentorshipRequest.Status.PENDING, expires_at__gt=now or timezone.now())

    def past_answer_by(self, now=None):
        """Pending but past the answer-by time: the due scan expires these."""
        return self.filter(status=MentorshipRequest.Status.PENDING, expires_at__lte=now or timezone.now())


class MentorshipRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the mentor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired without an answer")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_mentorship_requests")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_mentorship_requests",
    )
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="mentorship_requests")
    # What the seed framework tells a mentee to write to a mentor.
    about_me = models.TextField(_("who I am"))
    experience = models.TextField(_("what I have done so far"))
    learning_goals = models.TextField(_("what I want to learn"))
    why_you = models.TextField(_("why I am asking you"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week I can give"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    response_message = models.TextField(_("message from the mentor"), blank=True)
    suggested_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("suggested mentor"),
    )
    mentorship = models.OneToOneField(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="request",
    )
    expires_at = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentorship request")
        verbose_name_plural = _("mentorship requests")
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"], condition=Q(status="pending"), name="one_pending_request_per_pair",
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="request_not_to_self"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.mentee} → {self.mentor} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("mentor_requests:detail", args=[self.pk])

    def awaits_answer(self, now=None) -> bool:
        """The mentor may still accept or decline (the Python form of `awaiting_answer()`)."""
        return self.status == self.Status.PENDING and self.expires_at > (now or timezone.now())
