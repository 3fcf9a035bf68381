"""Initial (optional), midpoint and final evaluations in both directions, and the closing reflection."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.history import audit_history

from .mentorship import Mentorship, Role


class Stage(models.TextChoices):
    # The initial evaluation is asked only in cohorts that turn it on (CohortMentoringSettings.initial_opens_percent).
    INITIAL = "initial", _("Initial")
    MIDPOINT = "midpoint", _("Midpoint")
    FINAL = "final", _("Final")


class Direction(models.TextChoices):
    ABOUT_MENTEE = "about_mentee", _("Mentor about mentee")
    ABOUT_MENTOR = "about_mentor", _("Mentee about mentor")

    @classmethod
    def written_by(cls, role: str) -> "Direction":
        return cls.ABOUT_MENTEE if role == Role.MENTOR else cls.ABOUT_MENTOR

    @property
    def author_role(self) -> str:
        return Role.MENTOR if self == Direction.ABOUT_MENTEE else Role.MENTEE


class EvaluationQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        TEXT = "text", _("Text")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="evaluation_questions")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    prompt = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.RATING)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = audit_history()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        indexes = [models.Index(fields=["cohort", "stage", "direction"])]

    def __str__(self):
        return self.prompt

    @property
    def key(self) -> str:
        """How a form names this question: its id, or its place among the defaults when it is not stored."""
        return str(self.pk) if self.pk else f"default-{self.order}"


class Evaluation(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="evaluations")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    mentee_completed = models.BooleanField(
        _("the mentee completed the program"), null=True, blank=True,
        help_text=_("Asked of the mentor in the final evaluation."),
    )

    class Meta:
        ordering = ["mentorship", "stage", "direction"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "stage", "direction"], name="one_evaluation_per_stage_direction"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} · {self.get_direction_display()}"

    @property
    def is_late(self) -> bool:
        """Late when it arrived after its due date (dates in UTC)."""
        from programs.dates import cohort_today

        return self.due_on is not None and cohort_today(self.submitted_at) > self.due_on


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EvaluationQuestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers")
    # What was asked, kept even if the question is later edited or removed.
    prompt = models.CharField(max_length=300)
    kind = models.CharField(max_length=8, choices=EvaluationQuestion.Kind.choices)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.prompt}: {self.rating if self.rating is not None else self.text[:40]}"


class Closure(models.Model):
    """Each person's closing reflection, and a thank-you note for the other."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="closures")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices)
    achieved = models.TextField(_("what was achieved"))
    do_differently = models.TextField(_("what you would do differently"), blank=True)
    thank_you = models.TextField(_("a thank-you note for the other person"), blank=True)
    list_as_alumni = models.BooleanField(_("list me as an alumnus/alumna on the program page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [models.UniqueConstraint(fields=["mentorship", "role"], name="one_closure_per_side")]

    def __str__(self):
        return f"Closure by the {self.role} of {self.mentorship_id}"
