"""Matching a cohort: its settings, each run of the engine, the pairs it proposes and the coordinator's rules."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentorship.history import audit_history

from .engine import COMPONENTS, Weights

_DEFAULT_WEIGHTS = Weights()

COMPONENT_LABELS = {
    "skills": _("Skills"),
    "interests": _("Interests"),
    "text": _("Goals and bio"),
    "language": _("Language"),
    "timezone": _("Time zone overlap"),
    "availability": _("Hours per week"),
    "preference": _("Mentee's preference"),
    "review": _("Reviews"),
    "evidence": _("Verified contributions"),
}


class Mode(models.TextChoices):
    OPTIMAL = "optimal", _("Best total fit (optimal)")
    STABLE = "stable", _("Stable (no pair would rather swap)")


class Objective(models.TextChoices):
    TOTAL = "total", _("Highest total score")
    MOST_MATCHED = "most_matched", _("Most people matched, then highest score")


def _weight_field(component: str):
    return models.PositiveSmallIntegerField(
        COMPONENT_LABELS[component], default=int(getattr(_DEFAULT_WEIGHTS, component)),
        validators=[MaxValueValidator(100)],
    )


class MatchingSettings(models.Model):
    """How a cohort is matched. One per cohort, created with the defaults on first use."""

    cohort = models.OneToOneField("programs.Cohort", on_delete=models.CASCADE, related_name="matching_settings")
    weight_skills = _weight_field("skills")
    weight_interests = _weight_field("interests")
    weight_text = _weight_field("text")
    weight_language = _weight_field("language")
    weight_timezone = _weight_field("timezone")
    weight_availability = _weight_field("availability")
    weight_preference = _weight_field("preference")
    weight_review = _weight_field("review")
    weight_evidence = _weight_field("evidence")
    min_score = models.PositiveSmallIntegerField(
        _("minimum score"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("Pairs scoring below this (0-100) are never proposed. 0 means no minimum."),
    )
    mode = models.CharField(_("assignment"), max_length=16, choices=Mode.choices, default=Mode.OPTIMAL)
    objective = models.CharField(_("objective"), max_length=16, choices=Objective.choices, default=Objective.TOTAL)
    require_shared_language = models.BooleanField(
        _("require a shared language"), default=True,
        help_text=_("When on, a mentor and a mentee without a common language are never paired."),
    )
    top_k = models.PositiveSmallIntegerField(
        _("candidates per mentee"), default=50, validators=[MinValueValidator(5), MaxValueValidator(500)],
        help_text=_("How many best-fitting mentors the solver considers for each mentee."),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(actor_field="updated_by")

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    weight_skills__lte=100, weight_interests__lte=100, weight_text__lte=100, weight_language__lte=100,
                    weight_timezone__lte=100, weight_availability__lte=100, weight_preference__lte=100,
                    weight_review__lte=100, min_score__lte=100,
                ),
                name="matching_weights_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(weight_skills__gt=0) | Q(weight_interests__gt=0) | Q(weight_text__gt=0)
                | Q(weight_timezone__gt=0) | Q(weight_availability__gt=0),
                name="matching_some_weight_always_counts",
            ),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="matching_mode_valid"),
            models.CheckConstraint(condition=Q(objective__in=Objective.values), name="matching_objective_valid"),
            models.CheckConstraint(condition=Q(top_k__gte=5, top_k__lte=500), name="matching_top_k_range"),
        ]

    def __str__(self):
        return f"{self.cohort}"

    def weights(self) -> Weights:
        return Weights(**{c: float(getattr(self, f"weight_{c}")) for c in COMPONENTS})

    def parameters(self) -> dict:
        """The snapshot a run keeps, so that later edits do not change what a run meant."""
        return {
            "weights": {c: int(getattr(self, f"weight_{c}")) for c in COMPONENTS},
            "min_score": int(self.min_score),
            "mode": self.mode,
            "objective": self.objective,
            "require_shared_language": bool(self.require_shared_language),
            "top_k": int(self.top_k),
        }


def default_parameters() -> dict:
    return MatchingSettings().parameters()


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("matching run", "Queued")
    RUNNING = "running", pgettext_lazy("matching run", "Running")
    DONE = "done", pgettext_lazy("matching run", "Done")
    FAILED = "failed", pgettext_lazy("matching run", "Failed")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchRun(models.Model):
    """One computation of the proposals for a cohort, with its parameters, timings and totals."""

    Status = RunStatus

    class Phase(models.TextChoices):
        LOADING = "loading", _("Loading the cohort")
        SCORING = "scoring", _("Scoring every pair")
        ASSIGNING = "assigning", _("Assigning mentees to mentors")
        WRITING = "writing", _("Writing the proposals")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="match_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Empty when the run was started automatically after a change."),
    )
    automatic = models.BooleanField(_("started automatically"), default=False)
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.CharField(_("progress"), max_length=16, choices=Phase.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Last sign of life from the worker (or the last time the run was queued)."),
    )
    timings = models.JSONField(_("seconds per phase"), default=dict, blank=True)
    query_count = models.PositiveIntegerField(_("SQL queries"), null=True, blank=True)
    n_applications = models.PositiveIntegerField(_("applications"), default=0)
    n_mentors = models.PositiveIntegerField(_("mentors"), default=0)
    places = models.PositiveIntegerField(_("places"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    unmatched_count = models.PositiveIntegerField(_("unmatched"), default=0)
    unmatched_by_reason = models.JSONField(_("unmatched by reason"), default=dict, blank=True)
    total_score = models.FloatField(_("total score"), null=True, blank=True)
    mean_score = models.FloatField(_("mean score"), null=True, blank=True)
    optimal_total = models.FloatField(_("optimal total"), null=True, blank=True)
    stable_total = models.FloatField(_("stable total"), null=True, blank=True)
    greedy_total = models.FloatField(_("greedy total"), null=True, blank=True)
    optimal_matched = models.PositiveIntegerField(null=True, blank=True)
    stable_matched = models.PositiveIntegerField(null=True, blank=True)
    greedy_matched = models.PositiveIntegerField(null=True, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    stale = models.BooleanField(_("stale"), default=False, help_text=_("People or settings changed after this run."))
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_reason = models.CharField(max_length=40, blank=True)
    recompute_after = models.DateTimeField(
        null=True, blank=True, help_text=_("A debounced automatic re-run is due after this time."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            # Clicking "Run" twice, a re-queue and an automatic recompute never run side by side.
            models.UniqueConstraint(
                fields=["cohort"], condition=Q(status__in=["queued", "running"]), name="one_active_match_run_per_cohort",
            ),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="match_run_status_valid"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(started_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="match_run_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(mean_score__isnull=True) | Q(mean_score__gte=0, mean_score__lte=100),
                name="match_run_mean_score_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(finished_at__isnull=False), name="match_run_done_has_finish_time",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.cohort} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("matching:run_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    OVERRIDDEN = "overridden", _("Changed by a coordinator")
    CONFIRMED = "confirmed", _("Confirmed")


class UnmatchedReason(models.TextChoices):
    """The engine's reasons (matching.engine.UNMATCHED_REASONS), in words."""

    NO_ELIGIBLE_MENTOR = "no_eligible_mentor", _("No eligible mentor (no shared language, conflicts or ruled out)")
    BELOW_MIN_SCORE = "below_min_score", _("Every possible mentor scores below the minimum")
    CAPACITY_FULL = "capacity_full", _("The mentors who fit are full")
    COHORT_FULL = "cohort_full", _("The cohort has reached its maximum mentees")



def latest_run(cohort_id: int):
    """The cohort's newest run (whatever its status): only its pairs may be confirmed."""
    return MatchRun.objects.filter(cohort_id=cohort_id).order_by("-created_at", "-pk").first()


class MatchProposalQuerySet(models.QuerySet):
    def with_ruled_out(self):
        """`ruled_out`: a coordinator ruled this pair out (possibly after the run proposed it)."""
        return self.annotate(ruled_out=Exists(PairRule.objects.filter(
            application_id=OuterRef("application_id"), enrollment_id=OuterRef("enrollment_id"),
            kind=PairRule.Kind.RULED_OUT,
        )))

    def confirmable(self):
        """Open pairs with a mentor that no rule-out forbids."""
        return self.with_ruled_out().filter(
            status__in=(ProposalStatus.PROPOSED, ProposalStatus.OVERRIDDEN), enrollment__isnull=False, ruled_out=False,
        )


class MatchProposal(models.Model):
    """One application in one run: the mentor place proposed (or why none), the score and its reasons."""

    Status = ProposalStatus

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    application = models.ForeignKey("programs.Application", on_delete=models.CASCADE, related_name="match_proposals")
    enrollment = models.ForeignKey(
        "programs.MentorEnrollment", null=True, blank=True, on_delete=models.CASCADE, related_name="match_proposals",
        help_text=_("The mentor's place; empty when the application could not be matched."),
    )
    proposed_enrollment = models.ForeignKey(
        "programs.MentorEnrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("What the engine proposed, kept when a coordinator changes the pair."),
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    components = models.JSONField(_("score breakdown"), default=dict, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    unmatched_reason = models.CharField(_("why unmatched"), max_length=24, choices=UnmatchedReason.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    rank = models.PositiveSmallIntegerField(
        _("rank for the mentee"), null=True, blank=True,
        help_text=_("1 when this mentor is the mentee's best-scoring mentor, 2 for the second best..."),
    )
    locked = models.BooleanField(_("locked by a coordinator"), default=False)
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = MatchProposalQuerySet.as_manager()

    history = audit_history(actor_field="decided_by", excluded_fields=["components", "reasons"])

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="one_proposal_per_application_run"),
            # An application is confirmed with one mentor at most, whichever run proposed it.
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="confirmed"), name="one_confirmed_proposal_per_application",
            ),
            models.CheckConstraint(
                condition=(Q(enrollment__isnull=True) & ~Q(unmatched_reason=""))
                | (Q(enrollment__isnull=False) & Q(unmatched_reason="")),
                name="proposal_has_mentor_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(enrollment__isnull=False), name="confirmed_proposal_has_mentor",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="proposal_score_range",
            ),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
        ]
        indexes = [models.Index(fields=["run", "status"]), models.Index(fields=["run", "enrollment"])]

    def __str__(self):
        return f"{self.application_id} → {self.enrollment_id or '-'} ({self.score})"

    @property
    def is_open(self) -> bool:
        """Can still be changed or confirmed."""
        return self.status in (ProposalStatus.PROPOSED, ProposalStatus.OVERRIDDEN)

    @property
    def may_confirm(self) -> bool:
        """Offered for confirmation (needs `with_ruled_out()`): open, with a mentor, not ruled out."""
        return self.is_open and self.enrollment_id is not None and not getattr(self, "ruled_out", False)

    @property
    def facts(self) -> dict:
        return (self.components or {}).get("facts", {})


class PairRule(models.Model):
    """A coordinator's decision that survives re-runs: keep this pair (locked), or never propose it."""

    class Kind(models.TextChoices):
        LOCKED = "locked", _("Locked: always pair them")
        RULED_OUT = "ruled_out", _("Ruled out: never pair them")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="pair_rules")
    application = models.ForeignKey("programs.Application", on_delete=models.CASCADE, related_name="pair_rules")
    enrollment = models.ForeignKey("programs.MentorEnrollment", on_delete=models.CASCADE, related_name="pair_rules")
    kind = models.CharField(_("rule"), max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history(actor_field="created_by")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pair rule")
        verbose_name_plural = _("pair rules")
        constraints = [
            models.UniqueConstraint(fields=["application", "enrollment"], name="one_rule_per_pair"),
            models.UniqueConstraint(fields=["application"], condition=Q(kind="locked"), name="one_lock_per_application"),
            models.CheckConstraint(condition=Q(kind__in=["locked", "ruled_out"]), name="pair_rule_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.application_id} / {self.enrollment_id}"
