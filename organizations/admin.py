from django.contrib import admin

from .models import Group, Invitation, Organization, Project


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "owner", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "country", "members__email")
    filter_horizontal = ("members",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "license", "repository_url", "owner", "created_at")
    list_filter = ("stage",)
    search_fields = ("name", "repository_url", "maintainers__email")
    filter_horizontal = ("maintainers", "languages")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    search_fields = ("name", "members__email")
    filter_horizontal = ("members",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations change only through their links (organizations.invitations): read-only here."""

    list_display = ("email", "target", "status", "expires_at", "created_at")
    list_filter = ("status",)
    search_fields = ("email",)
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False
