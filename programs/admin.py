"""Site admins enroll programs here: program with cohorts inline, cohort with questions and rubric inline."""
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentorship.fields import LocalSplitDateTimeField

from . import exports, services
from .models import (
    Application,
    ApplicationEvent,
    ApplicationQuestion,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
    Phase,
    Program,
    Review,
    ReviewCriterion,
)
from .services import setup as setup_services


class CohortInline(admin.StackedInline):
    model = Cohort
    extra = 0
    show_change_link = True
    fields = (
        ("name", "season", "rolling"),
        ("applications_open_at", "applications_close_at", "review_deadline"),
        ("starts_on", "ends_on"),
        ("midpoint_evaluation_due", "final_evaluation_due"),
        ("max_mentees", "max_applications_per_season", "phase_override"),
    )


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "published", "cohort_count", "view_on_site_link")
    list_filter = ("kind", "published")
    search_fields = ("name", "summary", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("coordinators", "skills")
    inlines = [CohortInline]
    actions = ["publish", "unpublish"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "coordinators":
            # Only staff and mentors can be named, by name (not every account's bare address).
            field.queryset = coordinator_candidates(field.queryset)
            field.label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_cohorts=Count("cohorts"))

    @admin.display(description=_("cohorts"), ordering="_cohorts")
    def cohort_count(self, obj):
        return obj._cohorts

    @admin.display(description=_("page"))
    def view_on_site_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))

    @admin.action(description=_("Publish the selected programs"))
    def publish(self, request, queryset):
        count = queryset.update(published=True)
        self.message_user(request, ngettext("%d program published.", "%d programs published.", count) % count)

    @admin.action(description=_("Unpublish the selected programs"))
    def unpublish(self, request, queryset):
        count = queryset.update(published=False)
        self.message_user(request, ngettext("%d program unpublished.", "%d programs unpublished.", count) % count)


def coordinator_candidates(users):
    return users.filter(Q(is_staff=True) | Q(profile__is_mentor=True)).select_related("profile").order_by(
        "profile__display_name", "email")


# Stacked, with narrow text boxes: the cohort page fits a 1,280 px window.
NARROW_TEXT = {models.TextField: {"widget": admin_widgets.AdminTextareaWidget(attrs={"rows": 2, "cols": 40})}}


class QuestionInline(admin.StackedInline):
    model = ApplicationQuestion
    extra = 0
    show_change_link = True
    fields = (("order", "kind", "required", "sensitive"), "prompt", "help_text", "choices")
    formfield_overrides = NARROW_TEXT


class CriterionInline(admin.StackedInline):
    model = ReviewCriterion
    extra = 0
    show_change_link = True
    fields = (("order", "weight"), "name", "description")


@admin.register(ApplicationQuestion)
class ApplicationQuestionAdmin(admin.ModelAdmin):
    """Questions are reachable on their own too, not only inside their cohort's page."""

    list_display = ("prompt", "cohort", "kind", "required", "order")
    list_filter = ("kind", "cohort__program")
    search_fields = ("prompt", "cohort__name", "cohort__program__name")
    list_select_related = ("cohort__program",)
    raw_id_fields = ("cohort",)
    formfield_overrides = NARROW_TEXT


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "cohort", "weight", "order")
    list_filter = ("cohort__program",)
    search_fields = ("name", "cohort__name", "cohort__program__name")
    list_select_related = ("cohort__program",)
    raw_id_fields = ("cohort",)


class PhaseFilter(admin.SimpleListFilter):
    title = _("phase")
    parameter_name = "phase"

    def lookups(self, request, model_admin):
        return Phase.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.in_phase(self.value())  # the one phase rule, in SQL


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = (
        "name", "program", "phase_label", "applications_open_at", "applications_close_at",
        "submitted_count", "accepted_count", "mentor_count", "setup_links",
    )
    list_filter = ("program__kind", PhaseFilter, "program__published", "rolling")
    search_fields = ("name", "program__name", "season")
    list_select_related = ("program",)
    inlines = [QuestionInline, CriterionInline]
    actions = ["open_applications_now", "close_applications_now", "export_applications_csv"]
    readonly_fields = ("status_counts",)
    # A date typed into a daylight-saving gap or repeat gets a plain message beside the field.
    formfield_overrides = {
        models.DateTimeField: {"form_class": LocalSplitDateTimeField, "widget": admin_widgets.AdminSplitDateTime},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _submitted=Count("applications", filter=~Q(applications__status__in=["draft", "withdrawn"]), distinct=True),
            _accepted=Count("applications", filter=Q(applications__status="accepted"), distinct=True),
            _mentors=Count("mentor_enrollments", filter=Q(mentor_enrollments__status="approved"), distinct=True),
        )

    @admin.display(description=_("phase"))
    def phase_label(self, obj):
        return obj.get_phase_display()

    @admin.display(description=_("applications"), ordering="_submitted")
    def submitted_count(self, obj):
        return obj._submitted

    @admin.display(description=_("accepted"), ordering="_accepted")
    def accepted_count(self, obj):
        return obj._accepted

    @admin.display(description=_("approved mentors"), ordering="_mentors")
    def mentor_count(self, obj):
        return obj._mentors

    @admin.display(description=_("set up"))
    def setup_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:programs_applicationquestion_changelist") + f"?cohort__id__exact={obj.pk}", _("questions"),
            reverse("admin:programs_reviewcriterion_changelist") + f"?cohort__id__exact={obj.pk}", _("rubric"),
        )

    @admin.display(description=_("applications by status"))
    def status_counts(self, obj):
        if not obj.pk:
            return "—"
        counts = dict(obj.applications.values_list("status").annotate(n=Count("pk")))
        labels = dict(Application.Status.choices)
        return ", ".join(f"{labels[s]}: {counts.get(s, 0)}" for s in labels) or "—"

    @admin.action(description=_("Open applications now"))
    def open_applications_now(self, request, queryset):
        self._window(request, queryset, open_now=True)

    @admin.action(description=_("Close applications now"))
    def close_applications_now(self, request, queryset):
        self._window(request, queryset, open_now=False)

    def _window(self, request, queryset, *, open_now):
        """The coordinators' service (services.setup): an open cohort is left as it is, and said so."""
        done = 0
        for cohort in queryset.select_related("program"):
            try:
                setup_services.applications_window_set(actor=request.user, cohort=cohort, open_now=open_now)
            except ValidationError as exc:
                self.message_user(request, f"{cohort}: {' '.join(exc.messages)}", messages.WARNING)
            except PermissionDenied:
                self.message_user(request, f"{cohort}: {_('You may not change this program.')}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, _("Applications are open.") if open_now else _("Applications are closed."),
                              messages.SUCCESS)

    @admin.action(description=_("Export applications as CSV"))
    def export_applications_csv(self, request, queryset):
        # The same export as the coordinator's page (programs.exports): one module, one set of columns.
        return exports.applications_csv_response(list(queryset.select_related("program").order_by("pk")))


@admin.register(MentorEnrollment)
class MentorEnrollmentAdmin(admin.ModelAdmin):
    list_display = ("mentor", "cohort", "capacity", "status", "created_at", "decided_at")
    list_filter = ("status", "cohort__program")
    search_fields = ("mentor__email", "mentor__profile__display_name", "cohort__name")
    list_select_related = ("mentor", "cohort__program")
    raw_id_fields = ("mentor", "cohort", "decided_by")
    # Approval goes through the actions (the service sends the email); the capacity is the mentor's
    # offer, changed on the volunteer page, where it cannot fall below the mentees already paired.
    readonly_fields = ("mentor", "cohort", "capacity", "status", "decided_by", "decided_at", "created_at")
    actions = ["approve", "decline"]

    def has_add_permission(self, request):
        return False  # mentors volunteer on the cohort's page (or are invited by its coordinators)

    def _decide(self, request, queryset, approve):
        done = 0
        for enrollment in queryset.filter(status__in=[ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.DECLINED]):
            try:
                services.mentor_enrollment_decide(enrollment=enrollment, approve=approve, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or _("You may not decide for this program.")
                self.message_user(request, f"{enrollment.mentor}: {reason}", messages.WARNING)
                continue
            done += 1
        self.message_user(request, ngettext("%d mentor updated.", "%d mentors updated.", done) % done)

    @admin.action(description=_("Approve the selected mentors"))
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("Decline the selected mentors"))
    def decline(self, request, queryset):
        self._decide(request, queryset, False)


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("applicant", "cohort", "status", "submitted_at", "review_count", "open_link")
    list_filter = ("status", "cohort__program__kind", "cohort__program")
    search_fields = ("applicant__email", "applicant__profile__display_name", "goals")
    list_select_related = ("applicant", "cohort__program")
    raw_id_fields = ("applicant", "cohort")
    # Decisions go through the actions (the service checks the transition, writes the event, emails).
    readonly_fields = ("applicant", "cohort", "status", "submitted_at", "decided_at")
    inlines = [EventInline]
    actions = ["accept", "waitlist", "decline"]

    def has_add_permission(self, request):
        return False  # applicants start their own application on the cohort's page

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_reviews=Count("reviews"))

    @admin.display(description=_("reviews"), ordering="_reviews")
    def review_count(self, obj):
        return obj._reviews

    @admin.display(description=_("page"))
    def open_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("programs:application_detail", args=[obj.pk]), _("open"))

    def _decide(self, request, queryset, status):
        try:
            done, errors = services.applications_decide_bulk(
                applications=list(queryset.select_related("cohort")), status=status, actor=request.user)
        except PermissionDenied:
            self.message_user(request, _("You may not decide applications of these programs."), messages.ERROR)
            return
        self.message_user(request, ngettext("%d application updated.", "%d applications updated.", done) % done)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Accept the selected applications"))
    def accept(self, request, queryset):
        self._decide(request, queryset, Application.Status.ACCEPTED)

    @admin.action(description=_("Waitlist the selected applications"))
    def waitlist(self, request, queryset):
        self._decide(request, queryset, Application.Status.WAITLISTED)

    @admin.action(description=_("Decline the selected applications"))
    def decline(self, request, queryset):
        self._decide(request, queryset, Application.Status.DECLINED)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("application", "reviewer", "weighted_score", "recommendation", "conflict_of_interest", "updated_at")
    list_filter = ("recommendation", "conflict_of_interest", "application__cohort__program")
    list_select_related = ("application__applicant", "application__cohort", "reviewer")
    raw_id_fields = ("application", "reviewer")

    # A review is what its reviewer submitted (review_submit checks who may review and computes the
    # weighted score from the rubric): the admin reads it, never writes one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
