from django.contrib import admin

from .models import Contribution, ContributionPeriod, ContributionTask, LinkedAccount


class TaskInline(admin.TabularInline):
    model = ContributionTask
    extra = 0
    filter_horizontal = ("prerequisites",)


@admin.register(ContributionPeriod)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("cohort", "opens_at", "closes_at")
    search_fields = ("cohort__name", "cohort__program__name")
    inlines = [TaskInline]


@admin.register(LinkedAccount)
class LinkedAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "username", "method", "confirmed_at")
    list_filter = ("platform", "method")
    search_fields = ("username", "user__email")
    readonly_fields = ("confirmed_at", "code", "problem")


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ("url", "applicant", "cohort", "state", "verified_at", "author_matches", "repository_counts", "in_window")
    list_filter = ("platform", "kind", "state")
    search_fields = ("url", "applicant__email", "repository")
    readonly_fields = ("verified_at", "problem", "title", "state", "author", "repository", "opened_at", "merged_at",
                       "closed_at", "additions", "deletions", "labels", "languages", "topics", "author_matches",
                       "repository_counts", "in_window", "attempts", "checked_at", "next_check_at")
    exclude = ("api_cache",)
