"""Programs, their cohorts (rounds), mentors who volunteer, applications and reviews."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill
from mentorship.history import audit_history

from .phases import CohortQuerySet, Phase, phase_of  # noqa: F401  (Phase lives with its rules)


class ProgramKind(models.TextChoices):
    AFFILIATION = "affiliation", _("Affiliation")
    AMBASSADORS = "ambassadors", _("Ambassadors")
    INCUBATOR = "incubator", _("Incubator")
    INTERNSHIP = "internship", _("Internship")
    MENTORING = "mentoring", _("Mentoring")
    PACKAGE_SUPPORT = "package_support", _("Package support")
    PARTNERS = "partners", _("Partners")
    VIRTUAL_LABS = "virtual_labs", _("Virtual labs")


class Program(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ProgramKind.choices)
    summary = models.CharField(_("summary"), max_length=280, help_text=_("One or two sentences for the catalog."))
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown. Raw HTML is removed."))
    contact_email = models.EmailField(_("contact email"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_programs", verbose_name=_("coordinators"),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="programs", verbose_name=_("skills"))
    published = models.BooleanField(_("published"), default=False)
    retention_months = models.PositiveSmallIntegerField(
        _("keep sensitive data for (months)"), default=12,
        help_text=_("After a cohort ends, its CVs, sensitive answers and private notes are purged after this many months."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:program_detail", args=[self.slug])


class Cohort(models.Model):
    """One round or term of a program, with its timeline."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("program"))
    name = models.CharField(_("name"), max_length=120, help_text=_("For example “2026 Term 3” or “Spring 2027”."))
    season = models.CharField(
        _("season"), max_length=40, blank=True,
        help_text=_("Cohorts that share a season share the per-applicant application limit."),
    )
    rolling = models.BooleanField(
        _("rolling admission"), default=False,
        help_text=_("Open all year: no closing date, applications reviewed as they arrive."),
    )
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    starts_on = models.DateField(_("mentorships start"))
    ends_on = models.DateField(_("mentorships end"))
    midpoint_evaluation_due = models.DateField(_("midpoint evaluation due"), null=True, blank=True)
    final_evaluation_due = models.DateField(_("final evaluation due"), null=True, blank=True)
    max_mentees = models.PositiveIntegerField(_("maximum mentees"), null=True, blank=True)
    max_applications_per_season = models.PositiveSmallIntegerField(
        _("applications per person per season"), null=True, blank=True,
        help_text=_("Leave empty for no limit. LFX, for example, allows 3 per term."),
    )
    phase_override = models.CharField(
        _("phase override"), max_length=16, choices=Phase.choices, blank=True,
        help_text=_("Leave empty to follow the dates."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    history = audit_history()

    class Meta:
        ordering = ["-applications_open_at"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(applications_close_at__isnull=True) | Q(applications_close_at__gt=models.F("applications_open_at")),
                name="cohort_closes_after_opening",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.program.name} · {self.name}"

    def get_absolute_url(self):
        return reverse("programs:cohort_detail", args=[self.program.slug, self.pk])

    def clean(self):
        errors = {}
        if not self.rolling and not self.applications_close_at:
            errors["applications_close_at"] = _("Set a closing date, or make the cohort rolling.")
        if self.applications_close_at and self.applications_open_at and self.applications_close_at <= self.applications_open_at:
            errors["applications_close_at"] = _("Applications must close after they open.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end must not be before the start.")
        if errors:
            raise ValidationError(errors)

    def phase_at(self, now=None) -> str:
        """The phase follows the dates unless a coordinator overrides it (rules: programs.phases)."""
        return phase_of(self, now)

    @property
    def phase(self) -> str:
        return self.phase_at()

    def get_phase_display(self) -> str:
        return Phase(self.phase).label

    def is_accepting(self, now=None) -> bool:
        return self.phase_at(now) == Phase.ACCEPTING


class DerivedNumbersMixin:
    """Columns listed in DERIVED_FIELDS are written only by `services.review_numbers` (one
    refresh per cohort, in the review's transaction): a full `save()` of an instance loaded earlier
    leaves them alone instead of writing back stale numbers."""

    DERIVED_FIELDS: frozenset = frozenset()

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None \
                and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorEnrollment(DerivedNumbersMixin, models.Model):
    """A mentor volunteers for a cohort; a coordinator approves or declines."""

    DERIVED_FIELDS = frozenset({"reviews_written"})

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentor_enrollments")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_enrollments")
    capacity = models.PositiveSmallIntegerField(
        _("how many mentees"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    offer = models.TextField(_("what you can offer"), blank=True)
    topics = models.CharField(_("projects or topics"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviews_written = models.PositiveIntegerField(default=0, editable=False)  # in this cohort; derived

    history = audit_history(actor_field="decided_by", excluded_fields=["offer", "topics", "reviews_written"])

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("mentor enrollment")
        verbose_name_plural = _("mentor enrollments")
        constraints = [models.UniqueConstraint(fields=["cohort", "mentor"], name="one_enrollment_per_mentor_cohort")]

    def __str__(self):
        return f"{self.mentor} → {self.cohort} ({self.get_status_display()})"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    URL = "url", _("Link (URL)")
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")


class ApplicationQuestion(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.LONG_TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For choice questions: one choice per line."))
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sensitive = models.BooleanField(
        _("sensitive (demographic)"), default=False,
        help_text=_("Answers are purged once the program's retention period after the cohort has passed."),
    )

    history = audit_history()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("application question")
        verbose_name_plural = _("application questions")

    def __str__(self):
        return self.prompt

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two choices, one per line.")})


class ReviewCriterion(models.Model):
    """One line of a cohort's review rubric, scored 1-5, with a weight."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = audit_history()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self):
        return self.name


def cv_upload_path(instance, filename):
    # Never the person's file name: a random name in a private folder.
    import uuid

    return f"private/cv/{instance.cohort_id}/{uuid.uuid4().hex}.pdf"


# What the applicant wrote: never copied into the audit history, so erasing and purging it is complete.
PERSONAL_APPLICATION_FIELDS = ["goals", "motivation", "cv", "offer", "wants", "contact_person", "support_needed",
                               "group_members"]
# An application that holds its organization's or project's place in a cohort: not withdrawn, not declined.
# The one definition, used by the database constraint and by services.application_save's check.
HOLDS_APPLICANT_PLACE = ~Q(status__in=["withdrawn", "declined"])


class Application(DerivedNumbersMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED)
    # Which status may follow which: everything else is refused.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.UNDER_REVIEW, Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED, Status.WITHDRAWN},
        Status.WAITLISTED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.WITHDRAWN},
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    goals = models.TextField(_("goals for this mentorship"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    skills_wanted = models.ManyToManyField(
        Skill, blank=True, related_name="applications", verbose_name=_("skills you want to learn"),
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week you can give"), null=True, blank=True, validators=[MaxValueValidator(60)],
    )
    cv = models.FileField(_("CV (PDF)"), upload_to=cv_upload_path, blank=True)
    # Applications on behalf of an organization, a project or a group (the program kind decides which).
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("organization"),
    )
    project = models.ForeignKey(
        "organizations.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("project"),
    )
    offer = models.TextField(_("what you offer"), blank=True)
    wants = models.TextField(_("what you hope to get"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=160, blank=True)
    support_needed = models.JSONField(_("support needed"), default=list, blank=True)
    group_members = models.TextField(
        _("group members"), blank=True, help_text=_("Email addresses of the people in your group, one per line."),
    )
    group = models.ForeignKey(
        "organizations.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("group"), help_text=_("Made when a group application is submitted; members join by invitation."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Review numbers, kept by services.review_numbers when a review is written (never per request).
    DERIVED_FIELDS = frozenset({"review_total", "usable_reviews", "scored_reviews", "review_mean", "ranking_mean",
                                "normalised_score"})
    review_total = models.PositiveIntegerField(default=0, editable=False)  # every review
    usable_reviews = models.PositiveIntegerField(default=0, editable=False)  # without a conflict of interest
    scored_reviews = models.PositiveIntegerField(default=0, editable=False)  # usable and scored
    review_mean = models.FloatField(null=True, editable=False)  # mean weighted score of the scored ones
    ranking_mean = models.FloatField(null=True, editable=False)  # the same, rounded to 3 (the ranking's tie-break)
    normalised_score = models.FloatField(null=True, editable=False)  # strictness-normalised, rounded to 3

    history = audit_history(excluded_fields=PERSONAL_APPLICATION_FIELDS)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "applicant"], name="one_application_per_person_cohort"),
            # One application per organization or project per cohort (whoever of its people applies).
            models.UniqueConstraint(fields=["cohort", "organization"], condition=HOLDS_APPLICANT_PLACE,
                                    name="one_application_per_organization_cohort"),
            models.UniqueConstraint(fields=["cohort", "project"], condition=HOLDS_APPLICANT_PLACE,
                                    name="one_application_per_project_cohort"),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"]),
            models.Index(fields=["cohort", "status", "usable_reviews"], name="application_review_coverage"),
            models.Index(F("cohort"), F("submitted_at").desc(), F("id"), name="application_queue_newest"),
            models.Index(F("cohort"), F("review_total"), F("id"), name="application_queue_fewest"),
            models.Index(F("cohort"), Coalesce(F("review_mean"), -1.0).desc(), F("id"), name="application_queue_best_mean"),
            models.Index(F("cohort"), F("normalised_score").desc(nulls_last=True), F("ranking_mean").desc(nulls_last=True),
                         F("id"), name="application_ranking"),
            # The dashboard's "fewer than 2 reviews" list: its first rows in order, without sorting the cohort.
            models.Index(F("cohort"), F("usable_reviews"), F("submitted_at").asc(nulls_first=True), F("id"),
                         condition=Q(status__in=["submitted", "under_review"]), name="application_thin_coverage"),
            # The review queue's default order over what reviewers see: the review page's position and
            # neighbour queries and the queue's count read this index alone (no table rows).
            models.Index(F("cohort"), F("submitted_at").desc(), F("id"), condition=~Q(status__in=["draft", "withdrawn"]),
                         name="application_queue_reviewable"),
        ]

    def __str__(self):
        return f"{self.applicant} → {self.cohort}"

    def get_absolute_url(self):
        return reverse("programs:application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_editable(self, now=None) -> bool:
        """The applicant may change a draft, or a submitted application while the window is open."""
        if self.status == self.Status.DRAFT:
            return True
        return self.status == self.Status.SUBMITTED and self.cohort.is_accepting(now)

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class ApplicationPreference(models.Model):
    """A mentor the applicant would like, ranked 1 (first choice) to 3."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="preferences")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3)])

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="one_mentor_per_rank"),
            models.UniqueConstraint(fields=["application", "mentor"], name="mentor_ranked_once"),
        ]

    def __str__(self):
        return f"#{self.rank}: {self.mentor_id}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    # A question removed later leaves its answers (and what was asked) in place.
    question = models.ForeignKey(
        ApplicationQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers",
    )
    value = models.TextField(blank=True)
    prompt = models.CharField(max_length=300, blank=True)  # the question as it was asked when answered

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question_id}: {self.value[:40]}"


class Recommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strong yes")
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class Review(models.Model):
    """A mentor's review of an application. Never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    scores = models.JSONField(_("scores"), default=dict, help_text=_("Criterion id → score 1-5."))
    weighted_score = models.FloatField(_("weighted score"), null=True, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("comment for staff"), blank=True)
    conflict_of_interest = models.BooleanField(_("I have a conflict of interest"), default=False)
    conflict_details = models.CharField(_("conflict details"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(actor_field="reviewer", excluded_fields=["comment", "conflict_details"])

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self):
        return f"{self.reviewer} on {self.application_id}"


class ApplicationEvent(models.Model):
    """Audit trail: every status change, who made it and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class DuplicateScan(models.Model):
    """The stored result of the near-duplicate check of a cohort's applications (programs.tasks)."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="duplicate_scan")
    pairs = models.JSONField(default=list)  # [[first id, second id, similarity], ...], most similar first
    fingerprint = models.CharField(max_length=64, blank=True)  # of the applications the scan saw
    computed_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=False)  # an application changed since; a new scan is queued

    def __str__(self):
        return f"duplicates of {self.cohort_id}"

from .setup_models import *  # noqa: E402, F401, F403  (coordinators: invitations, announcements, eligibility, conduct)
