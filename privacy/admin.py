"""Site admins see every history through simple-history's admin (a "History" button on each historied
model's change page), plus the exports and purges. The apps' admin classes stay theirs: the history view is
mixed in here, at the top of the layering, so no app imports simple-history's admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from matching.models import MatchingSettings, MatchProposal, PairRule
from mentoring.models import CohortMentoringSettings, EvaluationQuestion
from programs.models import Application, ApplicationQuestion, Cohort, MentorEnrollment, Program, Review, ReviewCriterion

from .models import CohortPurge, DataExport

HISTORIED = [Program, Cohort, ApplicationQuestion, ReviewCriterion, MentorEnrollment, Application, Review,
             MatchingSettings, MatchProposal, PairRule, CohortMentoringSettings, EvaluationQuestion]


def with_history(model) -> None:
    """Re-register `model`'s admin with simple-history's views mixed in (or a plain one if it had none)."""
    existing = admin.site._registry.get(model)
    base = type(existing) if existing is not None else admin.ModelAdmin
    if issubclass(base, SimpleHistoryAdmin):
        return
    if existing is not None:
        admin.site.unregister(model)
    admin.site.register(model, type(f"{model.__name__}HistoryAdmin", (SimpleHistoryAdmin, base), {}))


for _model in HISTORIED:
    with_history(_model)


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "status", "size", "created_at", "expires_at")
    list_filter = ("status",)
    raw_id_fields = ("user",)
    readonly_fields = ("user", "status", "file_name", "size", "created_at", "ready_at", "expires_at")


@admin.register(CohortPurge)
class CohortPurgeAdmin(admin.ModelAdmin):
    list_display = ("cohort", "purged_at")
    readonly_fields = ("cohort", "purged_at", "removed", "statistics")
