"""Stipend instalments: a mentee's own, and those of the cohorts you coordinate (stipends.selectors: the
pages' rules; anyone else, the mentor included, gets 404)."""
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from stipends.selectors import instalment_get_for_user, instalments_visible_to

from ..filters import InstalmentFilter
from ..serializers import InstalmentSerializer
from .base import PrivateDetail, PrivateList


class InstalmentList(PrivateList):
    api_description = _("Stipend instalments: your own, or those of the cohorts you coordinate, with amount, state "
                        "and (for coordinators) the mentor's recommendation.")

    serializer_class = InstalmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = InstalmentFilter

    def get_queryset(self):
        return instalments_visible_to(user=self.request.user)


class InstalmentDetail(PrivateDetail):
    api_description = _("One stipend instalment: yours, or of a cohort you coordinate.")

    serializer_class = InstalmentSerializer

    def get_object(self):
        return instalment_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
