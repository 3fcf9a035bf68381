from django.contrib import admin

from .models import (
    CountryAmount,
    ExportBatch,
    Instalment,
    InstalmentDecision,
    PaymentDetails,
    PlanInstalment,
    Sponsor,
    StipendPlan,
)


class PlanInstalmentInline(admin.TabularInline):
    """Read-only: the split changes only through the plan page (stipends.services.plan_set checks decisions)."""

    model = PlanInstalment
    extra = 0
    can_delete = False
    readonly_fields = ["event", "percent"]

    def has_add_permission(self, request, obj=None):
        return False


class CountryAmountInline(admin.TabularInline):
    model = CountryAmount
    extra = 0


@admin.register(StipendPlan)
class StipendPlanAdmin(admin.ModelAdmin):
    """Plans are set on the coordinator's plan page; here site admins read them and keep the per-country table."""

    list_display = ["cohort", "amount", "updated_at"]
    inlines = [PlanInstalmentInline, CountryAmountInline]
    readonly_fields = ["cohort", "amount", "updated_by"]

    def has_add_permission(self, request):
        return False


class DecisionInline(admin.TabularInline):
    model = InstalmentDecision
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "note", "batch", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instalment)
class InstalmentAdmin(admin.ModelAdmin):
    """Read-only: decisions go through the payment page (stipends.services)."""

    list_display = ["mentorship", "event", "amount", "status", "approved_at", "batch"]
    list_filter = ["status", "event"]
    search_fields = ["mentorship__mentee__email", "mentorship__mentee__profile__display_name"]
    readonly_fields = [f.name for f in Instalment._meta.fields]
    inlines = [DecisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(ExportBatch)
class ExportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "cohort", "created_by", "created_at"]
    readonly_fields = ["cohort", "created_by", "created_at"]


@admin.register(PaymentDetails)
class PaymentDetailsAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "country", "updated_at"]
    search_fields = ["user__email", "legal_name"]
    raw_id_fields = ["user", "cohort"]


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["organization", "cohort", "pledged", "status"]
    list_filter = ["status"]
    # Statuses are read-only in the admin, as everywhere: the sponsors page moves them (stipends.services.sponsor_save).
    readonly_fields = ["status"]
