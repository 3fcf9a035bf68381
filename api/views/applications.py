"""Applications: your own (read, submit, withdraw) and, for coordinators, their cohorts' (read, decide)."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from programs import services
from programs.models import Application
from programs.selectors import application_get_for_user, applications_for_applicant

from .. import selectors
from ..filters import ApplicationFilter
from ..serializers import ApplicationSerializer, DecisionSerializer
from .base import PrivateAction, PrivateDetail, PrivateList

API_ROLES = ("applicant", "coordinator")  # reviewers read applications on their review pages, not here


def _application_for(request, pk: int, *, role: str | None = None):
    """programs.selectors.application_get_for_user (404 for anyone who may not see it), narrowed to `role`."""
    application, found_role = application_get_for_user(user=request.user, pk=pk)
    if found_role not in ((role,) if role else API_ROLES):
        raise Http404
    return application, found_role


def _answer(application, role: str, status: int = 200) -> Response:
    application = selectors.application_with_numbers(application)
    return Response(ApplicationSerializer(application, context={"role": role}).data, status=status)


class ApplicationList(PrivateList):
    api_description = _("Applications (not drafts) of the cohorts you coordinate, with answers, scores and normalised rank.")

    serializer_class = ApplicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return selectors.applications_for_coordinator(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "role": "coordinator"}


class MyApplicationList(PrivateList):
    api_description = _("Your own applications (review numbers are never shown to applicants).")

    serializer_class = ApplicationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApplicationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return Application.objects.none()
        return selectors.with_answers(applications_for_applicant(user=self.request.user))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "role": "applicant"}


class ApplicationDetail(PrivateDetail):
    api_description = _("One application: yours, or one of a cohort you coordinate.")

    serializer_class = ApplicationSerializer

    def retrieve(self, request, *args, **kwargs):
        application, role = _application_for(request, kwargs["pk"])
        return _answer(application, role)


class ApplicationSubmit(PrivateAction):
    api_description = _("Submit your draft while the cohort accepts applications.")

    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request, pk):
        application, role = _application_for(request, pk, role="applicant")
        return _answer(services.application_submit(application=application, actor=request.user), role)


class ApplicationWithdraw(PrivateAction):
    api_description = _("Withdraw your application.")

    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request, pk):
        application, role = _application_for(request, pk, role="applicant")
        return _answer(services.application_withdraw(application=application, actor=request.user), role)


class ApplicationDecision(PrivateAction):
    api_description = _("Accept, waitlist or decline an application of a cohort you coordinate.")

    @extend_schema(request=DecisionSerializer, responses=ApplicationSerializer)
    def post(self, request, pk):
        application, role = _application_for(request, pk, role="coordinator")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_decide(
            application=application, status=data.validated_data["status"], actor=request.user,
            note=data.validated_data["note"],
        )
        return _answer(application, role)
