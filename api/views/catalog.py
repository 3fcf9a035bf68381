"""The public catalog: programs, cohorts (with phase and dates) and the mentor directory."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination

from accounts.selectors import mentor_directory_list
from programs.phases import Phase
from programs.selectors import cohort_get_visible, program_get_visible, programs_published

from .. import selectors
from ..serializers import CohortSerializer, MentorDirectorySerializer, ProgramSerializer
from .base import PublicDetail, PublicList


class ProgramList(PublicList):
    api_description = _("Published programs.")

    serializer_class = ProgramSerializer

    def get_queryset(self):
        return programs_published()


class ProgramDetail(PublicDetail):
    api_description = _("A program: published, or one you coordinate.")

    serializer_class = ProgramSerializer
    lookup_field = "slug"

    def get_object(self):
        return program_get_visible(user=self.request.user, slug=self.kwargs["slug"])


@extend_schema(parameters=[
    OpenApiParameter("program", str, description="A program's slug."),
    OpenApiParameter("phase", str, enum=Phase.values, description="The phase now (programs.phases)."),
])
class CohortList(PublicList):
    api_description = _("Cohorts of published programs, with their phase now and their dates.")

    serializer_class = CohortSerializer

    def get_queryset(self):
        qs = selectors.cohorts_listed()
        program, phase = self.request.query_params.get("program"), self.request.query_params.get("phase")
        if program:
            qs = qs.filter(program__slug=program)
        if phase in Phase.values:
            qs = qs.filter(current_phase=phase)
        return qs


class CohortDetail(PublicDetail):
    api_description = _("A cohort of a published program (or of one you coordinate).")

    serializer_class = CohortSerializer

    def get_object(self):
        return cohort_get_visible(user=self.request.user, pk=self.kwargs["pk"])


class DirectoryPagination(CursorPagination):
    ordering = ("display_name", "pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema(parameters=[OpenApiParameter("q", str, description="Words in the name or bio.")])
class MentorList(PublicList):
    api_description = _("The public mentor directory: mentors who list themselves, with what their cards show.")

    serializer_class = MentorDirectorySerializer
    pagination_class = DirectoryPagination

    def get_queryset(self):
        return mentor_directory_list(q=self.request.query_params.get("q", "").strip()[:100])
