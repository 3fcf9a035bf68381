"""Filters people ask for: status, cohort, updated since (django-filter; each shows in the schema)."""
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from matching.models import MatchRun
from mentoring.models import Mentorship
from programs.models import Application, ApprovalStatus, MentorEnrollment
from stipends.models import Instalment

from .selectors import changed_since

MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CohortFilterMixin(filters.FilterSet):
    cohort = IdFilter(field_name="cohort_id", label=_("cohort id"))


class ApplicationFilter(CohortFilterMixin):
    status = filters.ChoiceFilter(choices=Application.Status.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("changed at or after"))

    class Meta:
        model = Application
        fields = ["cohort", "status", "updated_since"]


class EnrollmentFilter(CohortFilterMixin):
    status = filters.ChoiceFilter(choices=ApprovalStatus.choices)

    class Meta:
        model = MentorEnrollment
        fields = ["cohort", "status"]


class MatchRunFilter(CohortFilterMixin):
    status = filters.ChoiceFilter(choices=MatchRun.Status.choices)

    class Meta:
        model = MatchRun
        fields = ["cohort", "status"]


class MentorshipFilter(CohortFilterMixin):
    status = filters.ChoiceFilter(choices=Mentorship.Status.choices)
    updated_since = filters.IsoDateTimeFilter(
        method="filter_updated_since", label=_("created, or with an event, at or after"),
    )

    class Meta:
        model = Mentorship
        fields = ["cohort", "status", "updated_since"]

    def filter_updated_since(self, queryset, name, value):
        return changed_since(queryset, value)


class EvaluationsDueFilter(CohortFilterMixin):
    class Meta:
        model = Mentorship
        fields = ["cohort"]


class InstalmentFilter(filters.FilterSet):
    cohort = IdFilter(field_name="mentorship__cohort_id", label=_("cohort id"))
    state = filters.ChoiceFilter(field_name="status", choices=Instalment.Status.choices)
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte",
                                              label=_("changed at or after"))

    class Meta:
        model = Instalment
        fields = ["cohort", "state", "updated_since"]
