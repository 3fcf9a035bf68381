"""A confirmed mentor-mentee pair in a cohort, its life cycle and the cohort's mentoring settings."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.history import audit_history


class Role(models.TextChoices):
    """The two people in a mentorship."""

    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


def really_completed_q(prefix: str = "") -> Q:
    """Completed through the state machine, never before the pair's start (rows completed early by the
    old rules are left out of statistics)."""
    return Q(**{f"{prefix}status": "completed", f"{prefix}completed_at__date__gte": models.F(f"{prefix}starts_on")})


class MentorshipQuerySet(models.QuerySet):
    def holding_a_place(self):
        """Mentorships that count against a mentor's capacity."""
        return self.filter(status__in=Mentorship.CAPACITY_STATUSES)

    def open(self):
        return self.filter(status__in=Mentorship.OPEN_STATUSES)

    def really_completed(self):
        return self.filter(really_completed_q())

    def for_person(self, user):
        return self.filter(Q(mentor=user) | Q(mentee=user))


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    CAPACITY_STATUSES = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED)
    OPEN_STATUSES = CAPACITY_STATUSES
    # Which status may follow which; everything else is refused by the services.
    TRANSITIONS = {
        Status.PROPOSED: {Status.ACTIVE, Status.ENDED_EARLY},
        Status.ACTIVE: {Status.PAUSED, Status.COMPLETED, Status.ENDED_EARLY},
        Status.PAUSED: {Status.ACTIVE, Status.COMPLETED, Status.ENDED_EARLY},
        Status.COMPLETED: set(),
        Status.ENDED_EARLY: set(),
    }

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
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_early_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended early"), blank=True)
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
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="mentorship_ends_after_start"),
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self):
        return f"{self.mentor} ↔ {self.mentee} ({self.cohort})"

    def get_absolute_url(self):
        return reverse("mentoring:mentorship_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def person(self, role: str):
        return self.mentor if role == Role.MENTOR else self.mentee

    def other_role(self, role: str) -> str:
        return Role.MENTEE if role == Role.MENTOR else Role.MENTOR


class MentorshipEvent(models.Model):
    """Audit trail: who changed what in a mentorship, and when."""

    class Action(models.TextChoices):
        STATUS = "status", _("Status changed")
        DATES = "dates", _("Dates changed")
        EXTENDED = "extended", _("Extended")
        EARLY_END_REQUESTED = "early_end_requested", _("Early end requested")
        EARLY_END_DECLINED = "early_end_declined", _("Early end declined")
        AGREEMENT_SAVED = "agreement_saved", _("Agreement saved")
        AGREEMENT_ACCEPTED = "agreement_accepted", _("Agreement accepted")
        CLOSED = "closed", _("Closure written")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("mentorship event")
        verbose_name_plural = _("mentorship events")

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class MentorshipExtension(models.Model):
    """A later end date, and why."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="extensions")
    previous_ends_on = models.DateField(_("previous end"))
    new_ends_on = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(condition=Q(new_ends_on__gt=models.F("previous_ends_on")), name="extension_moves_end_later"),
        ]

    def __str__(self):
        return f"{self.previous_ends_on} → {self.new_ends_on}"


class EarlyEndRequest(models.Model):
    """Either person may ask to end the mentorship early; a coordinator of the program decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="early_end_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note from the coordinator"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("early end request")
        verbose_name_plural = _("early end requests")
        constraints = [
            models.UniqueConstraint(fields=["mentorship"], condition=Q(status="pending"), name="one_pending_early_end"),
        ]

    def __str__(self):
        return f"{self.mentorship_id}: {self.get_status_display()}"


class CohortMentoringSettings(models.Model):
    """How mentorships run in a cohort. Cohorts without a row use the defaults below."""

    cohort = models.OneToOneField("programs.Cohort", on_delete=models.CASCADE, related_name="mentoring_settings")
    share_mentee_feedback_with_mentor = models.BooleanField(
        _("show mentors what their mentees answered about them"), default=False,
        help_text=_("Off: only coordinators read the mentees' evaluations of their mentors."),
    )
    check_in_every_days = models.PositiveSmallIntegerField(
        _("ask mentees to check in every (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    mentorship_length_weeks = models.PositiveSmallIntegerField(
        _("length of a mentorship in a rolling cohort (weeks)"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text=_("In a cohort open all year, each pair starts when it is confirmed and lasts this long."),
    )
    initial_opens_percent = models.PositiveSmallIntegerField(
        _("initial evaluation opens at (% of the pair's time)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(98)],
        help_text=_("Empty: no initial evaluation. It is due ten points of the pair's time after it opens."),
    )
    midpoint_opens_percent = models.PositiveSmallIntegerField(
        _("midpoint evaluation opens at (% of the pair's time)"), default=40,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    final_opens_percent = models.PositiveSmallIntegerField(
        _("final evaluation opens at (% of the pair's time)"), default=85,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_extension_weeks = models.PositiveSmallIntegerField(
        _("longest extension without a coordinator (weeks)"), default=4,
        validators=[MinValueValidator(0), MaxValueValidator(52)],
        help_text=_("Mentors may extend a mentorship by up to this much in total; beyond it only a coordinator may."),
    )

    DEFAULT_CHECK_IN_EVERY_DAYS = 14

    history = audit_history()

    class Meta:
        verbose_name = _("cohort mentoring settings")
        verbose_name_plural = _("cohort mentoring settings")

    def __str__(self):
        return str(self.cohort)

    def clean(self):
        if self.final_opens_percent is not None and self.midpoint_opens_percent is not None \
                and self.final_opens_percent <= self.midpoint_opens_percent:
            raise ValidationError({"final_opens_percent": _("The final evaluation must open after the midpoint one.")})
        if self.initial_opens_percent is not None and self.midpoint_opens_percent is not None \
                and self.initial_opens_percent >= self.midpoint_opens_percent:
            raise ValidationError({"initial_opens_percent": _("The initial evaluation must open before the midpoint one.")})


def cohort_settings(cohort) -> CohortMentoringSettings:
    """The cohort's settings row, or unsaved defaults (reads select_related data when it is there)."""
    try:
        return cohort.mentoring_settings
    except CohortMentoringSettings.DoesNotExist:
        return CohortMentoringSettings(cohort=cohort)
