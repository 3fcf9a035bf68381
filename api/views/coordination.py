"""For coordinators: their cohorts' mentors and capacities, matching runs and proposals; approving and confirming."""
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from matching.selectors import proposal_get_for_coordinator, run_get_for_coordinator, run_proposals
from matching.services import proposal_confirm
from programs.services import mentor_enrollment_decide

from .. import selectors
from ..filters import EnrollmentFilter, MatchRunFilter
from ..serializers import EnrollmentDecisionSerializer, EnrollmentSerializer, MatchRunSerializer, ProposalSerializer
from .base import PrivateAction, PrivateDetail, PrivateList


class EnrollmentList(PrivateList):
    api_description = _("Mentors who volunteered for the cohorts you coordinate, with capacity and places taken and left.")

    serializer_class = EnrollmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EnrollmentFilter

    def get_queryset(self):
        return selectors.enrollments_for_coordinator(user=self.request.user)


class EnrollmentDecision(PrivateAction):
    api_description = _("Approve or decline a mentor who volunteered for a cohort you coordinate.")

    @extend_schema(request=EnrollmentDecisionSerializer, responses=EnrollmentSerializer)
    def post(self, request, pk):
        enrollment = selectors.enrollment_get_for_coordinator(user=request.user, pk=pk)
        data = EnrollmentDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mentor_enrollment_decide(enrollment=enrollment, approve=data.validated_data["approve"], actor=request.user)
        enrollment = selectors.enrollment_get_for_coordinator(user=request.user, pk=pk)
        return Response(EnrollmentSerializer(enrollment).data)


class MatchRunList(PrivateList):
    api_description = _("Matching runs of the cohorts you coordinate.")

    serializer_class = MatchRunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MatchRunFilter

    def get_queryset(self):
        return selectors.runs_for_coordinator(user=self.request.user)


class MatchRunDetail(PrivateDetail):
    api_description = _("A matching run of a cohort you coordinate, with its totals.")
    serializer_class = MatchRunSerializer

    def get_object(self):
        return run_get_for_coordinator(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema(parameters=[OpenApiParameter(
    "unmatched", bool, description="true: the applications the run left without a mentor, with the reason.",
)])
class RunProposalList(PrivateList):
    api_description = _("A run’s proposed pairs with their score and its components.")

    serializer_class = ProposalSerializer

    def get_queryset(self):
        run = run_get_for_coordinator(user=self.request.user, pk=self.kwargs["pk"])
        unmatched = self.request.query_params.get("unmatched", "").lower() in ("1", "true")
        return run_proposals(run, unmatched=unmatched)


class ProposalConfirm(PrivateAction):
    api_description = _("Confirm a proposed pair: accepts the application and creates the mentorship.")

    @extend_schema(request=None, responses=ProposalSerializer)
    def post(self, request, pk):
        proposal = proposal_get_for_coordinator(user=request.user, pk=pk)
        proposal_confirm(proposal_id=proposal.pk, actor=request.user)
        proposal = run_proposals(proposal.run, unmatched=proposal.enrollment_id is None).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal).data)
