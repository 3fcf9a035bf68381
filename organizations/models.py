"""Applicants that are not one person: organizations (affiliation, partners), projects (incubator, package
support) and groups (virtual labs). People join each of them only by accepting an invitation."""
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_organizations",
        verbose_name=_("owner"),
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_projects",
        verbose_name=_("owner"),
    )
    languages = models.ManyToManyField(
        "accounts.Language", blank=True, related_name="projects", verbose_name=_("languages the project works in"),
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


class Group(models.Model):
    """People who apply and work together as one applicant (a virtual lab). Its owner applied for it;
    the others join by accepting an invitation."""

    name = models.CharField(_("name"), max_length=160, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="owned_groups", verbose_name=_("owner"),
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="applicant_groups", verbose_name=_("members"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return self.name or _("Group %(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return reverse("organizations:group_detail", args=[self.pk])


class Invitation(models.Model):
    """An invitation to join an organization, a project or a group. The person appears only after
    accepting; the link is signed, expires and works once (organizations.invitations)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Invited")
        ACCEPTED = "accepted", _("Joined")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Withdrawn")

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    digest = models.CharField(max_length=64, unique=True, editable=False)  # sha256 of the link's secret part
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="accepted_invitations")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organization__isnull=False, project__isnull=True, group__isnull=True)
                    | models.Q(organization__isnull=True, project__isnull=False, group__isnull=True)
                    | models.Q(organization__isnull=True, project__isnull=True, group__isnull=False)
                ),
                name="invitation_has_one_target",
            ),
        ]
        indexes = [models.Index(fields=["email", "status"])]

    def __str__(self):
        return f"{self.email} → {self.target}"

    @property
    def target(self):
        return self.organization or self.project or self.group

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at <= timezone.now()
