from django.contrib import admin

from .models import PlanItem, SupportPlan


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    readonly_fields = ("done_by", "done_at", "added_by")


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mentorship", "updated_at")
    search_fields = ("registry_name", "repository_url")
    inlines = [PlanItemInline]
