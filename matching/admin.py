from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import MatchingSettings, MatchProposal, MatchRun, PairRule


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ("cohort", "mode", "objective", "min_score", "require_shared_language", "updated_at")
    list_select_related = ("cohort__program",)
    search_fields = ("cohort__name", "cohort__program__name")
    raw_id_fields = ("cohort", "updated_by")

    # Settings change on the cohort's matching page, through matching_settings_update, which checks
    # them and marks the last run outdated; an edit here would skip both.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = (
        "pk", "cohort", "status", "stale", "automatic", "matched_count", "unmatched_count", "mean_score", "created_at",
    )
    list_filter = ("status", "stale", "automatic")
    list_select_related = ("cohort__program",)
    search_fields = ("cohort__name", "cohort__program__name")
    date_hierarchy = "created_at"
    raw_id_fields = ("cohort", "requested_by")
    readonly_fields = (
        "parameters", "status", "progress", "error", "attempts", "started_at", "finished_at", "heartbeat_at", "timings",
        "query_count", "n_applications", "n_mentors", "places", "matched_count", "unmatched_count", "unmatched_by_reason",
        "total_score", "mean_score", "optimal_total", "stable_total", "greedy_total", "optimal_matched", "stable_matched",
        "greedy_matched", "warnings", "stale_since", "stale_reason", "recompute_after",
    )
    actions = ["run_again_for_cohort"]

    def has_add_permission(self, request):
        return False  # a run is requested through run_request (one at a time per cohort), not typed in

    @admin.action(description=_("Run matching again for this cohort"))
    def run_again_for_cohort(self, request, queryset):
        started = 0
        for cohort in {run.cohort for run in queryset.select_related("cohort__program")}:
            _run, created = services.run_request(cohort=cohort, actor=request.user)
            started += created
        self.message_user(request, ngettext(
            "%(count)d run queued.", "%(count)d runs queued.", started,
        ) % {"count": started}, messages.SUCCESS)


@admin.register(MatchProposal)
class MatchProposalAdmin(admin.ModelAdmin):
    list_display = ("pk", "run", "application", "enrollment", "score", "status", "unmatched_reason", "locked")
    list_filter = ("status", "unmatched_reason", "locked")
    list_select_related = ("run", "application__applicant", "enrollment__mentor")
    raw_id_fields = ("run", "application", "enrollment", "proposed_enrollment", "mentorship", "decided_by")
    search_fields = ("application__applicant__email", "enrollment__mentor__email")
    # A proposal is what a run computed; coordinators change it on the run page (swap, lock, rule out)
    # and confirm it through proposal_confirm, here too.
    readonly_fields = ("run", "application", "enrollment", "proposed_enrollment", "score", "rank", "status",
                       "unmatched_reason", "locked", "mentorship", "decided_by", "decided_at", "components", "reasons")
    actions = ["confirm"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Confirm the selected proposals (starts the mentorships)"))
    def confirm(self, request, queryset):
        confirmed = 0
        for proposal in queryset.select_related("application__applicant"):
            try:
                services.proposal_confirm(proposal_id=proposal.pk, actor=request.user)
                confirmed += 1
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or _("You may not confirm this proposal.")
                self.message_user(request, f"{proposal.application.applicant}: {reason}", messages.WARNING)
        if confirmed:
            self.message_user(request, ngettext(
                "%(count)d proposal confirmed.", "%(count)d proposals confirmed.", confirmed,
            ) % {"count": confirmed}, messages.SUCCESS)


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ("cohort", "application", "enrollment", "kind", "created_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("cohort__program", "application__applicant", "enrollment__mentor", "created_by")
    raw_id_fields = ("cohort", "application", "enrollment", "created_by")

    # Locks and rule-outs are set on the run page, where pair_rule_set checks places and conflicts.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.pair_rule_remove(rule=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services.pair_rule_remove(rule=rule, actor=request.user)
