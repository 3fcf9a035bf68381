from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Language, Profile, Skill, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ("languages", "skills", "interests")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "profile__is_mentor", "profile__is_mentee")
    search_fields = ("email", "profile__display_name")
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile")

    @admin.display(description=_("display name"), ordering="profile__display_name")
    def display_name(self, obj):
        return obj.profile.display_name if hasattr(obj, "profile") else ""


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "user", "country", "timezone", "is_mentee", "is_mentor", "open_to_mentoring", "mentor_capacity",
    )
    list_filter = ("is_mentee", "is_mentor", "open_to_mentoring", "languages")
    search_fields = ("display_name", "user__email", "country", "bio")
    filter_horizontal = ("languages", "skills", "interests")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "approved", "suggested_by", "created_at")
    list_filter = ("approved", "category")
    search_fields = ("name", "category")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("suggested_by",)
    actions = ["approve"]

    @admin.action(description=_("Approve the selected skills"))
    def approve(self, request, queryset):
        queryset.update(approved=True)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
