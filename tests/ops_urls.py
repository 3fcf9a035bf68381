"""The project's URLs plus two views that fail, for the error-page tests."""
from django.db import OperationalError
from django.urls import include, path


def boom(request):
    raise RuntimeError("a bug")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("test-boom/", boom),
    path("test-database-gone/", database_gone),
    path("", include("mentorship.urls")),
]
