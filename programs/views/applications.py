"""Being written: see programs/urls.py for the routes."""
from django.http import Http404


def application_cv(request, *args, **kwargs):
    raise Http404


def application_detail(request, *args, **kwargs):
    raise Http404


def application_edit(request, *args, **kwargs):
    raise Http404


def application_submit(request, *args, **kwargs):
    raise Http404


def application_withdraw(request, *args, **kwargs):
    raise Http404


def my_applications(request, *args, **kwargs):
    raise Http404
