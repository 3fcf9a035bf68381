"""Being written: see programs/urls.py for the routes."""
from django.http import Http404


def bulk_decide(request, *args, **kwargs):
    raise Http404


def cohort_dashboard(request, *args, **kwargs):
    raise Http404


def export_csv(request, *args, **kwargs):
    raise Http404


def mentor_enrollments(request, *args, **kwargs):
    raise Http404


def my_cohorts(request, *args, **kwargs):
    raise Http404
