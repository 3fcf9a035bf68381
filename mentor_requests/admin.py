"""Requests are sent by mentees and answered by mentors; the admin reads them and answers through
the same services (same locks, same capacity check, same emails), never by editing the status."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import MentorshipRequest

DECIDED = ("status", "response_message", "suggested_mentor", "mentorship", "expires_at", "responded_at", "created_at")


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ("mentee", "mentor", "cohort", "status", "created_at", "expires_at", "responded_at")
    list_filter = ("status", "cohort__program")
    search_fields = ("mentee__email", "mentor__email")
    list_select_related = ("mentee", "mentor", "cohort__program")
    raw_id_fields = ("mentee", "mentor", "cohort", "suggested_mentor", "mentorship")
    readonly_fields = ("mentee", "mentor", "cohort") + DECIDED
    actions = ["accept", "decline"]

    def has_add_permission(self, request):
        return False  # a mentee sends a request from the mentor's profile page

    def _answer(self, request, queryset, answer, done_message):
        done = 0
        # Oldest first: when places run out, the people who asked first get them.
        for mentorship_request in queryset.select_related("mentee", "mentor", "cohort__program").order_by("created_at", "pk"):
            try:
                answer(request=mentorship_request, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [])) or _("You may not answer this request.")
                self.message_user(request, f"{mentorship_request}: {reason}", messages.WARNING)
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Accept the selected requests (starts the mentorships)"))
    def accept(self, request, queryset):
        self._answer(request, queryset, services.request_accept,
                     lambda n: ngettext("%(count)d request accepted.", "%(count)d requests accepted.", n))

    @admin.action(description=_("Decline the selected requests"))
    def decline(self, request, queryset):
        self._answer(request, queryset, services.request_decline,
                     lambda n: ngettext("%(count)d request declined.", "%(count)d requests declined.", n))
