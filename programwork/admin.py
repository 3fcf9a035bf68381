from django.contrib import admin

from .models import Activity, Milestone, PartnershipTerm, PlanItem, SupportPlan


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    readonly_fields = ("done_by", "done_at", "added_by")


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mentorship", "updated_at")
    search_fields = ("registry_name", "repository_url")
    inlines = [PlanItemInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "ambassador", "cohort", "held_on", "audience", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "ambassador__email")
    readonly_fields = ("status", "reviewed_by", "reviewed_at")


@admin.register(PartnershipTerm)
class PartnershipTermAdmin(admin.ModelAdmin):
    list_display = ("organization", "program", "starts_on", "renews_on", "listed")
    list_filter = ("program", "listed")
    search_fields = ("organization__name",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "stage", "mentorship", "target_date", "status")
    list_filter = ("stage", "status")
    readonly_fields = ("status", "confirmed_by", "confirmed_at")
