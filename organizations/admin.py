from django.contrib import admin

from .models import Organization, Project


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "country", "members__email")
    filter_horizontal = ("members",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "stage", "license", "repository_url", "created_at")
    list_filter = ("stage",)
    search_fields = ("name", "repository_url", "maintainers__email")
    filter_horizontal = ("maintainers",)
