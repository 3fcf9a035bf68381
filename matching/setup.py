"""Matching's part of a cohort's set-up: a link to its defaults, and copying them with the cohort."""
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import MatchingSettings


def setup_section(cohort) -> dict:
    return {"title": _("Matching defaults"), "url": reverse("matching:cohort", args=[cohort.pk]),
            "summary": _("Weights, mode and minimum score, on the matching page")}


def copy_matching_settings(source, target, shift) -> None:
    row = MatchingSettings.objects.filter(cohort=source).first()
    if row is not None:
        row.pk, row.id, row.cohort = None, None, target
        row._state.adding = True
        row.save()
