"""Site admins see every history through simple-history's admin (a "History" button on each historied
model's change page) and the cohort purges. Data exports are not listed: they are the person's own and
short-lived. The apps' admin classes stay theirs: the history views are mixed in here, at the top of the
layering, so no app imports simple-history's admin."""
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from matching.models import MatchingSettings, MatchProposal, PairRule
from mentoring.models import CohortMentoringSettings, EvaluationQuestion
from programs.models import Application, ApplicationQuestion, Cohort, MentorEnrollment, Program, Review, ReviewCriterion

from .models import CohortPurge

HISTORIED = [Program, Cohort, ApplicationQuestion, ReviewCriterion, MentorEnrollment, Application, Review,
             MatchingSettings, MatchProposal, PairRule, CohortMentoringSettings, EvaluationQuestion]


class HistoryAdmin(SimpleHistoryAdmin):
    def get_urls(self):
        """simple-history's page of one version, with named parameters (its own pattern has positional groups,
        which `reverse(..., kwargs=...)` and the site's URL walks cannot fill)."""
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_simple_history"
        version = path("<path:object_id>/history/<str:version_id>/", self.admin_site.admin_view(self.history_form_view),
                       name=name)
        return [version] + [url for url in super().get_urls() if getattr(url, "name", None) != name]

    def _valid_id(self, object_id: str, field) -> None:
        """simple-history's views pass the address's id straight to the ORM: a malformed one is not found."""
        try:
            field.to_python(unquote(object_id))
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._valid_id(object_id, self.model._meta.pk)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._valid_id(object_id, self.model._meta.pk)
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        self._valid_id(version_id, history_model._meta.pk)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


def with_history(model) -> None:
    """Re-register `model`'s admin with simple-history's views mixed in (or a plain one if it had none)."""
    existing = admin.site._registry.get(model)
    base = type(existing) if existing is not None else admin.ModelAdmin
    if issubclass(base, SimpleHistoryAdmin):
        return
    if existing is not None:
        admin.site.unregister(model)
    admin.site.register(model, type(f"{model.__name__}HistoryAdmin", (HistoryAdmin, base), {}))


for _model in HISTORIED:
    with_history(_model)


@admin.register(CohortPurge)
class CohortPurgeAdmin(admin.ModelAdmin):
    list_display = ("cohort", "purged_at")
    readonly_fields = ("cohort", "purged_at", "removed", "statistics")
