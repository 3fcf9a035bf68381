"""The work of a mentorship: the agreement, goals, meetings, action items and check-ins."""
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .mentorship import Mentorship, Role


class Agreement(models.Model):
    """Goals and expectations, written together at the start and accepted by both people."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month")
        AS_NEEDED = "as_needed", _("When one of us asks")

    CONTENT_FIELDS = ("meeting_frequency", "communication", "mentor_expectations", "mentee_expectations", "mentee_goals")

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="agreement")
    meeting_frequency = models.CharField(
        _("how often you meet"), max_length=16, choices=Frequency.choices, default=Frequency.FORTNIGHTLY,
    )
    communication = models.TextField(
        _("how you keep in touch"),
        help_text=_("Channels (chat, email, video calls), when you are available, how soon you answer."),
    )
    mentor_expectations = models.TextField(
        _("what the mentor expects of the mentee"), blank=True,
        help_text=_("For example: come with an agenda, share work early, say when you are stuck."),
    )
    mentee_expectations = models.TextField(
        _("what the mentee expects of the mentor"), blank=True,
        help_text=_("For example: code review within a week, introductions to the community, honest feedback."),
    )
    mentee_goals = models.TextField(
        _("the mentee's goals"), help_text=_("What the mentee wants to achieve by the end of the mentorship."),
    )
    mentor_accepted_at = models.DateTimeField(_("accepted by the mentor"), null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(_("accepted by the mentee"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return f"Agreement for {self.mentorship_id}"

    @property
    def is_accepted(self) -> bool:
        return self.mentor_accepted_at is not None and self.mentee_accepted_at is not None

    def accepted_at(self, role: str):
        return self.mentor_accepted_at if role == Role.MENTOR else self.mentee_accepted_at


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("What done looks like, and how you will get there."))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="mentoring_goals", verbose_name=_("skills this goal builds"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_at_most_100")]

    def __str__(self):
        return self.title


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal comment")
        verbose_name_plural = _("goal comments")

    def __str__(self):
        return self.body[:60]


class Meeting(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    # Stable identity for calendar programs (the VEVENT UID); never reused.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(480)],
    )
    location = models.CharField(
        _("where"), max_length=300, blank=True, help_text=_("A video-call link or a place."),
    )
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("What you want to talk about. Written before the meeting."))
    notes = models.TextField(
        _("shared notes"), blank=True,
        help_text=_("What you discussed and decided. Both of you and the coordinators can read these."),
    )
    # Calendar programs replace an event when its SEQUENCE grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["mentorship", "starts_at"])]

    def __str__(self):
        return f"{self.mentorship_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def location_is_link(self) -> bool:
        return self.location.startswith(("https://", "http://"))


class MeetingPrivateNote(models.Model):
    """Notes for oneself: only their author ever sees them (not the other person, not coordinators)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("private notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private meeting note")
        verbose_name_plural = _("private meeting notes")
        constraints = [models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_per_author")]

    def __str__(self):
        return f"Private note {self.pk}"


class ActionItem(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items")
    owner_role = models.CharField(_("who does it"), max_length=8, choices=Role.choices)
    title = models.CharField(_("action"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class CheckIn(models.Model):
    """A short, periodic reflection by the mentee."""

    class Mood(models.IntegerChoices):
        STRUGGLING = 1, _("1 — struggling")
        LOW = 2, _("2 — low")
        OKAY = 3, _("3 — okay")
        GOOD = 4, _("4 — good")
        GREAT = 5, _("5 — great")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    progress = models.TextField(_("what moved forward"))
    blockers = models.TextField(_("what is in the way"), blank=True)
    mood = models.PositiveSmallIntegerField(_("how you feel about it"), choices=Mood.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.CheckConstraint(condition=Q(mood__gte=1, mood__lte=5), name="check_in_mood_1_to_5")]
        indexes = [models.Index(fields=["mentorship", "created_at"])]

    def __str__(self):
        return f"Check-in {self.created_at:%Y-%m-%d}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address. Anyone with the token can read the feed, so it can be replaced or revoked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"Calendar feed of {self.user}"
