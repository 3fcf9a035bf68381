"""Mentorships with status and their evaluations; the evaluations due in the cohorts you coordinate."""
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response

from mentoring.deadlines import EvaluationState, evaluation_slots, today
from mentoring.selectors import mentorship_get_for_user

from .. import selectors
from ..filters import EvaluationsDueFilter, MentorshipFilter
from ..serializers import MentorshipSerializer
from .base import PrivateDetail, PrivateList

DUE_STATES = (EvaluationState.DUE, EvaluationState.OVERDUE)


def _slots(mentorships, *, due_only: bool = False) -> dict:
    """{mentorship id: evaluation slots} for one page (mentoring.deadlines, from rows already loaded)."""
    on = today()
    found = {}
    for mentorship in mentorships:
        slots = evaluation_slots(mentorship, list(mentorship.evaluations.all()), on=on)
        found[mentorship.pk] = [s for s in slots if s.state in DUE_STATES] if due_only else slots
    return found


class MentorshipPageMixin:
    serializer_class = MentorshipSerializer
    filter_backends = [DjangoFilterBackend]
    due_only = False

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "slots": _slots(page, due_only=self.due_only)}
        return self.get_paginated_response(MentorshipSerializer(page, many=True, context=context).data)


class MentorshipList(MentorshipPageMixin, PrivateList):
    api_description = _("Mentorships you are in, or of the cohorts you coordinate, with status and evaluations.")

    filterset_class = MentorshipFilter

    def get_queryset(self):
        return selectors.mentorships_visible_to(user=self.request.user)


class MentorshipDetail(PrivateDetail):
    api_description = _("A mentorship you are in, or of a cohort you coordinate, with status and evaluations.")
    serializer_class = MentorshipSerializer

    def retrieve(self, request, *args, **kwargs):
        mentorship, _role = mentorship_get_for_user(user=request.user, pk=kwargs["pk"])
        mentorship = selectors.mentorships_visible_to(user=request.user).get(pk=mentorship.pk)
        return Response(MentorshipSerializer(mentorship, context={"slots": _slots([mentorship])}).data)


class EvaluationsDueList(MentorshipPageMixin, PrivateList):
    api_description = _("Running mentorships of the cohorts you coordinate, each with its evaluations due or overdue "
                        "now (empty when none is: the dates are computed for each pair).")

    filterset_class = EvaluationsDueFilter
    due_only = True

    def get_queryset(self):
        return selectors.evaluations_due_for_coordinator(user=self.request.user)
