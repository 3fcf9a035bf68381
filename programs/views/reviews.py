"""Being written: see programs/urls.py for the routes."""
from django.http import Http404


def review_application(request, *args, **kwargs):
    raise Http404


def review_queue(request, *args, **kwargs):
    raise Http404


def volunteer(request, *args, **kwargs):
    raise Http404
