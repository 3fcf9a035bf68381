from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    ActionItem,
    Agreement,
    CalendarFeed,
    CheckIn,
    Closure,
    CohortMentoringSettings,
    EarlyEndRequest,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    Goal,
    GoalComment,
    Meeting,
    Mentorship,
    MentorshipEvent,
    MentorshipExtension,
)

PEOPLE_SEARCH = ("mentorship__mentor__email", "mentorship__mentee__email",
                 "mentorship__mentor__profile__display_name", "mentorship__mentee__profile__display_name")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = MentorshipEvent
    fields = ("created_at", "actor", "action", "from_status", "to_status", "note")
    readonly_fields = fields


class ExtensionInline(ReadOnlyInline):
    model = MentorshipExtension
    fields = ("created_at", "created_by", "previous_ends_on", "new_ends_on", "reason")
    readonly_fields = fields


class EarlyEndInline(ReadOnlyInline):
    model = EarlyEndRequest
    fields = ("created_at", "requested_by", "reason", "status", "decided_by", "decided_at")
    readonly_fields = fields


def _run(modeladmin, request, queryset, service, done):
    count = 0
    for mentorship in queryset:
        try:
            service(mentorship=mentorship, actor=request.user)
            count += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{mentorship}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", messages.WARNING)
    if count:
        modeladmin.message_user(request, f"{done}: {count}", messages.SUCCESS)


@admin.action(description=_("Activate (proposed → active)"))
def activate(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.mentorship_activate, _("Activated"))


@admin.action(description=_("Pause"))
def pause(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.mentorship_pause, _("Paused"))


@admin.action(description=_("Resume (paused → active)"))
def resume(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.mentorship_resume, _("Resumed"))


@admin.action(description=_("Mark completed"))
def complete(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.mentorship_complete, _("Completed"))


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("mentor", "mentee", "cohort", "status", "starts_on", "ends_on", "completed_at")
    list_filter = ("status", "cohort__program", "cohort")
    search_fields = ("mentor__email", "mentee__email", "mentor__profile__display_name", "mentee__profile__display_name")
    list_select_related = ("mentor", "mentee", "cohort__program")
    raw_id_fields = ("mentor", "mentee", "cohort", "enrollment", "application", "created_by")
    # Status changes only through the named transitions (actions, pages), never a free edit; who is
    # paired with whom and on which place only through `mentorship_create` (capacity checked, locked);
    # dates through the coordinator's dates and extension pages (evaluations and reminders follow them).
    readonly_fields = ("mentor", "mentee", "cohort", "enrollment", "application", "created_by", "status",
                       "starts_on", "ends_on", "completed_at", "ended_early_at", "end_reason", "created_at")
    actions = [activate, pause, resume, complete]
    inlines = [EventInline, ExtensionInline, EarlyEndInline]
    date_hierarchy = "starts_on"

    def has_add_permission(self, request):
        # A pair starts through matching, a direct request, or the coordinator's "pair by hand" page:
        # each goes through mentorship_create, which checks the mentor's places under a lock.
        return False


@admin.register(CohortMentoringSettings)
class CohortMentoringSettingsAdmin(admin.ModelAdmin):
    list_display = ("cohort", "share_mentee_feedback_with_mentor", "check_in_every_days")
    list_filter = ("share_mentee_feedback_with_mentor", "cohort__program")
    list_select_related = ("cohort__program",)
    raw_id_fields = ("cohort",)


@admin.register(EvaluationQuestion)
class EvaluationQuestionAdmin(admin.ModelAdmin):
    list_display = ("prompt", "cohort", "stage", "direction", "kind", "required", "order")
    list_filter = ("stage", "direction", "kind", "cohort__program", "cohort")
    list_editable = ("order",)
    search_fields = ("prompt",)
    list_select_related = ("cohort__program",)
    raw_id_fields = ("cohort",)


class EvaluationAnswerInline(ReadOnlyInline):
    model = EvaluationAnswer
    fields = ("prompt", "kind", "rating", "text")
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "stage", "direction", "author", "due_on", "submitted_at", "late", "mentee_completed")
    list_filter = ("stage", "direction", "mentee_completed", "mentorship__cohort__program")
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program", "author")
    raw_id_fields = ("mentorship", "author")
    inlines = [EvaluationAnswerInline]

    # An evaluation is what its author submitted (evaluation_submit checks the window and the role):
    # the admin reads it, never writes one.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("late"))
    def late(self, obj):
        return obj.is_late


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "meeting_frequency", "mentor_accepted_at", "mentee_accepted_at", "updated_at")
    list_filter = ("meeting_frequency",)
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
    raw_id_fields = ("mentorship", "updated_by")
    # Acceptance is each person's own act on the agreement page.
    readonly_fields = ("mentor_accepted_at", "mentee_accepted_at")


class GoalCommentInline(admin.TabularInline):
    model = GoalComment
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("title", "mentorship", "status", "progress", "target_date")
    list_filter = ("status", "skills", "mentorship__cohort__program")
    search_fields = ("title",) + PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
    raw_id_fields = ("mentorship", "created_by")
    filter_horizontal = ("skills",)
    readonly_fields = ("status", "progress")  # the mentee moves a goal on, on the goal's page
    inlines = [GoalCommentInline]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("title", "owner_role", "due_on", "done_at")
    readonly_fields = ("done_at",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Private notes are deliberately not shown here: only their author reads them.
    list_display = ("mentorship", "starts_at", "duration_minutes", "location", "cancelled_at")
    list_filter = ("mentorship__cohort__program", "cancelled_at")
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
    raw_id_fields = ("mentorship", "created_by")
    # Cancelling tells both people and bumps the calendar sequence: the meeting page does it.
    readonly_fields = ("uid", "sequence", "cancelled_at")
    date_hierarchy = "starts_at"
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "mentorship", "owner_role", "due_on", "done_at")
    list_filter = ("owner_role", "mentorship__cohort__program")
    search_fields = ("title",) + PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
    raw_id_fields = ("mentorship", "meeting", "created_by")
    readonly_fields = ("done_at",)


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "mood", "created_at")
    list_filter = ("mood", "mentorship__cohort__program")
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program")
    raw_id_fields = ("mentorship", "author")


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "role", "author", "list_as_alumni", "created_at")
    list_filter = ("role", "list_as_alumni", "mentorship__cohort__program")
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program", "author")
    raw_id_fields = ("mentorship", "author")


@admin.register(EarlyEndRequest)
class EarlyEndRequestAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "requested_by", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "mentorship__cohort__program")
    search_fields = PEOPLE_SEARCH
    list_select_related = ("mentorship__mentor", "mentorship__mentee", "mentorship__cohort__program", "requested_by")
    raw_id_fields = ("mentorship", "requested_by", "decided_by")
    # Deciding changes the mentorship's status: do it on the mentorship page, through the service.
    readonly_fields = ("mentorship", "requested_by", "status", "decided_by", "decided_at")

    def has_add_permission(self, request):
        return False  # asked for on the mentorship page, which checks who may ask


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    # The token is a secret: admins may revoke a feed (delete) but never read it.
    exclude = ("token",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
