"""Applicants that are not one person: organizations (affiliation, partners) and projects (incubator, package support)."""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University or research institute")
        COMPANY = "company", _("Company")
        COMMUNITY = "community", _("Community")
        NONPROFIT = "nonprofit", _("Nonprofit")
        GOVERNMENT = "government", _("Government")

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("what the organization does"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organizations", verbose_name=_("people who can edit it"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:organization_detail", args=[self.pk])


class Project(models.Model):
    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea or prototype")
        EARLY = "early", _("First releases")
        GROWING = "growing", _("Growing user base")
        MATURE = "mature", _("Mature and widely used")

    name = models.CharField(_("name"), max_length=160)
    repository_url = models.URLField(_("repository"))
    license = models.CharField(_("license"), max_length=60, help_text=_("An SPDX identifier such as MIT or BSD-3-Clause."))
    description = models.TextField(_("description"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.EARLY)
    users_estimate = models.PositiveIntegerField(_("about how many users"), null=True, blank=True)
    maintainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="maintained_projects", verbose_name=_("maintainers"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:project_detail", args=[self.pk])
