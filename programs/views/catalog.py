"""Being written: see programs/urls.py for the routes."""
from django.http import Http404


def catalog(request, *args, **kwargs):
    raise Http404


def cohort_detail(request, *args, **kwargs):
    raise Http404


def program_detail(request, *args, **kwargs):
    raise Http404
