from django.contrib import admin

from .models import PersonalAccessToken


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "scope", "hint", "created_at", "expires_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "user__email", "hint")
    readonly_fields = ("user", "name", "scope", "hint", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request):
        return False  # tokens are made by their owners on the tokens page (shown once)
