"""What the API shows. Read-only representations; writes take small input serializers and call services."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Profile
from matching.models import MatchProposal, MatchRun
from mentoring.deadlines import EvaluationState
from mentoring.models import Direction, Mentorship, Stage
from programs.models import Application, Cohort, MentorEnrollment, Phase, Program
from programs.selectors import application_score
from programs.services.applications import DECISIONS
from stipends.models import Event, Instalment, Recommendation
from stipends.selectors import decimal_text


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="get_full_name")


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["slug", "name", "kind", "summary", "description", "contact_email"]


class CohortSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase = serializers.SerializerMethodField(help_text=_("programs.phases: the dates, or a coordinator's override."))

    class Meta:
        model = Cohort
        fields = [
            "id", "program", "name", "season", "rolling", "phase", "applications_open_at", "applications_close_at",
            "review_deadline", "starts_on", "ends_on", "midpoint_evaluation_due", "final_evaluation_due", "max_mentees",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Phase.choices))
    def get_phase(self, cohort) -> str:
        # Lists carry the SQL form (with_phase); one cohort the Python form: the same rule table.
        return getattr(cohort, "current_phase", None) or cohort.phase


class MentorDirectorySerializer(serializers.ModelSerializer):
    """What a card of the public mentor directory shows, and no more."""

    name = serializers.CharField()
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Profile
        fields = ["id", "name", "bio", "country", "timezone", "languages", "skills"]


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    prompt = serializers.CharField(source="question.prompt")
    value = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    mean = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class ApplicationSerializer(serializers.ModelSerializer):
    """An application. Review numbers (scores, rank, count) only for the cohort's coordinators: null otherwise."""

    applicant = PersonSerializer(read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    scores = serializers.SerializerMethodField()
    normalised_rank = serializers.SerializerMethodField(
        help_text=_("1 + how many reviewable applications of the cohort have a higher normalised score."),
    )
    review_count = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "cohort", "applicant", "status", "goals", "motivation", "hours_per_week", "answers",
            "scores", "normalised_rank", "review_count", "submitted_at", "decided_at", "created_at", "updated_at",
        ]

    def _coordinator(self) -> bool:
        return self.context.get("role") == "coordinator"

    @extend_schema_field(ScoreSerializer(allow_null=True))
    def get_scores(self, application):
        return application_score(application) if self._coordinator() else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_normalised_rank(self, application):
        return getattr(application, "normalised_rank", None) if self._coordinator() else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_count(self, application):
        return application.review_total if self._coordinator() else None


class DecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in DECISIONS])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EnrollmentSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    places_taken = serializers.IntegerField(read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = MentorEnrollment
        fields = ["id", "cohort", "mentor", "status", "capacity", "places_taken", "places_left", "offer", "topics",
                  "created_at", "decided_at"]


class EnrollmentDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true approves the mentor, false declines."))


class MatchRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchRun
        fields = [
            "id", "cohort", "status", "automatic", "created_at", "started_at", "finished_at", "n_applications",
            "n_mentors", "places", "matched_count", "unmatched_count", "unmatched_by_reason", "total_score",
            "mean_score", "optimal_total", "stable_total", "greedy_total", "stale",
        ]


class ProposalSerializer(serializers.ModelSerializer):
    applicant = PersonSerializer(source="application.applicant", read_only=True)
    mentor = PersonSerializer(source="enrollment.mentor", read_only=True, allow_null=True)
    components = serializers.JSONField(read_only=True, help_text=_("The score's parts: values, points and facts."))
    ruled_out = serializers.BooleanField(read_only=True)

    class Meta:
        model = MatchProposal
        fields = ["id", "run", "application", "applicant", "enrollment", "mentor", "score", "components", "reasons",
                  "unmatched_reason", "status", "rank", "locked", "ruled_out", "mentorship"]


class EvaluationSlotSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    opens_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField()
    state = serializers.ChoiceField(choices=[(v, v) for k, v in vars(EvaluationState).items() if k.isupper()])


class MentorshipSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    mentee = PersonSerializer(read_only=True)
    evaluations = serializers.SerializerMethodField(help_text=_("The four evaluations and where each stands."))

    class Meta:
        model = Mentorship
        fields = ["id", "cohort", "mentor", "mentee", "status", "starts_on", "ends_on", "completed_at",
                  "ended_early_at", "created_at", "evaluations"]

    @extend_schema_field(EvaluationSlotSerializer(many=True))
    def get_evaluations(self, mentorship):
        slots = self.context["slots"].get(mentorship.pk, [])
        return EvaluationSlotSerializer(slots, many=True).data


class InstalmentSerializer(serializers.ModelSerializer):
    """A stipend instalment. Amounts are exact decimal strings in the currency's smallest unit, never floats."""

    mentorship = serializers.IntegerField(source="mentorship_id", read_only=True)
    cohort = serializers.IntegerField(source="mentorship.cohort_id", read_only=True)
    mentee = PersonSerializer(source="mentorship.mentee", read_only=True)
    instalment = serializers.ChoiceField(source="event", choices=Event.choices, read_only=True,
                                         help_text=_("The event that releases it."))
    amount = serializers.SerializerMethodField(help_text=_("An exact decimal, such as \"300.00\"."))
    currency = serializers.SerializerMethodField(help_text=_("ISO 4217."))
    state = serializers.ChoiceField(source="status", choices=Instalment.Status.choices, read_only=True)
    recommendation = serializers.ChoiceField(
        choices=Recommendation.Choice.choices, read_only=True, allow_null=True,
        help_text=_("The mentor's recommendation: for the cohort's coordinators only (null otherwise or when none)."),
    )
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    hold_reason = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Instalment
        fields = ["id", "mentorship", "cohort", "mentee", "instalment", "amount", "currency", "state",
                  "recommendation", "approved_at", "hold_reason", "updated_at"]

    def get_amount(self, instalment) -> str:
        return decimal_text(instalment.amount)

    def get_currency(self, instalment) -> str:
        return str(instalment.amount.currency)
