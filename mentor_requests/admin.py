from django.contrib import admin

from .models import MentorshipRequest


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    list_display = ("mentee", "mentor", "cohort", "status", "created_at", "expires_at", "responded_at")
    list_filter = ("status", "cohort__program")
    search_fields = ("mentee__email", "mentor__email")
    list_select_related = ("mentee", "mentor", "cohort__program")
    raw_id_fields = ("mentee", "mentor", "cohort", "suggested_mentor", "mentorship")
