"""Package support: the package a mentorship supports and its plan in three areas, ticked off by the
maintainers and the mentor."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportPlan(models.Model):
    mentorship = models.OneToOneField("mentoring.Mentorship", on_delete=models.CASCADE, related_name="support_plan")
    repository_url = models.URLField(_("repository"))
    registry_name = models.CharField(
        _("name in the package registry"), max_length=120, blank=True, help_text=_("For example its name on PyPI or CRAN."),
    )
    documentation_url = models.URLField(_("documentation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")

    def __str__(self):
        return self.registry_name or self.repository_url


class PlanItem(models.Model):
    class Area(models.TextChoices):
        QUALITY = "quality", _("Quality assurance")
        DOCUMENTATION = "documentation", _("Documentation")
        COMMUNITY = "community", _("Community engagement")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    title = models.CharField(_("what to do"), max_length=200)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(condition=models.Q(done_at__isnull=True) | models.Q(done_by__isnull=False),
                                   name="plan_item_done_by_someone"),
        ]

    def __str__(self):
        return self.title


class Activity(models.Model):
    """Something an ambassador did to promote open science (an event, a workshop, a talk, a campaign),
    logged by them and reviewed by the program's coordinator."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        WORKSHOP = "workshop", _("Workshop")
        TALK = "talk", _("Talk")
        CAMPAIGN = "campaign", _("Campaign")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="activities")
    ambassador = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True, help_text=_("The event page or the online meeting."))
    audience = models.PositiveIntegerField(_("audience size"), help_text=_("About how many people took part."))
    materials_url = models.URLField(_("materials"), blank=True, help_text=_("Slides, recordings or handouts."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.CharField(_("note from the coordinator"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("ambassador activity")
        verbose_name_plural = _("ambassador activities")
        constraints = [
            models.CheckConstraint(condition=~models.Q(place="", link=""), name="activity_has_place_or_link"),
        ]

    def __str__(self):
        return self.title


class AmbassadorListing(models.Model):
    """An ambassador's consent to appear on the program's public list of ambassadors."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="ambassador_listings")
    ambassador = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "ambassador"], name="one_listing_per_ambassador")]

    def __str__(self):
        return f"{self.ambassador_id} in {self.program_id}"


class PartnershipTerm(models.Model):
    """An affiliation or partnership agreement with an organization: its term, its renewal date and what
    each side offers. The organization chooses whether it appears in the public directory."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="partnership_terms")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE,
                                     related_name="partnership_terms")
    starts_on = models.DateField(_("starts"))
    renews_on = models.DateField(_("renewal date"))
    we_offer = models.TextField(_("what Open Science Labs offers"))
    they_offer = models.TextField(_("what the organization offers"))
    listed = models.BooleanField(_("shown in the public directory"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["renews_on", "pk"]
        verbose_name = _("agreement term")
        verbose_name_plural = _("agreement terms")
        constraints = [
            models.UniqueConstraint(fields=["program", "organization"], name="one_term_per_program_organization"),
            models.CheckConstraint(condition=models.Q(renews_on__gt=models.F("starts_on")), name="term_renews_after_start"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.program}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programwork:term_detail", args=[self.pk])


class Milestone(models.Model):
    """A step of an incubated project on its way from concept to production. The maintainer shows the
    evidence; the mentor confirms it."""

    class Stage(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        PROTOTYPE = "prototype", _("Prototype")
        BETA = "beta", _("Beta")
        PRODUCTION = "production", _("Production")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SUBMITTED = "submitted", _("Evidence sent")
        CONFIRMED = "confirmed", _("Confirmed by the mentor")

    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    title = models.CharField(_("milestone"), max_length=200)
    target_date = models.DateField(_("target date"))
    evidence_url = models.URLField(_("evidence link"), blank=True, help_text=_("A release, a pull request, a demo."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="confirmed") | models.Q(confirmed_by__isnull=False),
                                   name="milestone_confirmed_by_someone"),
            models.CheckConstraint(condition=models.Q(status="planned") | ~models.Q(evidence_url=""),
                                   name="milestone_evidence_before_confirming"),
        ]

    def __str__(self):
        return self.title


class Graduation(models.Model):
    """The coordinator's decision at the end of an incubation."""

    class Decision(models.TextChoices):
        GRADUATED = "graduated", _("Graduated")
        NOT_YET = "not_yet", _("Not yet: needs more time")

    mentorship = models.OneToOneField("mentoring.Mentorship", on_delete=models.CASCADE, related_name="graduation")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("graduation decision")
        verbose_name_plural = _("graduation decisions")

    def __str__(self):
        return self.get_decision_display()
