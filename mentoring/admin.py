from django.contrib import admin

from .models import Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("mentor", "mentee", "cohort", "status", "starts_on", "ends_on")
    list_filter = ("status", "cohort__program")
    search_fields = ("mentor__email", "mentee__email", "mentor__profile__display_name", "mentee__profile__display_name")
    list_select_related = ("mentor", "mentee", "cohort__program")
    raw_id_fields = ("mentor", "mentee", "cohort", "enrollment", "application", "created_by")
