"""A cohort's contribution period, its tasks, applicants' linked code-host accounts and their contributions."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .urls_parse import repository_counts


class Platform(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"


class ContributionPeriod(models.Model):
    """The optional contribution phase of a cohort, set by its coordinator."""

    cohort = models.OneToOneField("programs.Cohort", on_delete=models.CASCADE, related_name="contribution_period")
    opens_at = models.DateTimeField(_("contributions open"))
    closes_at = models.DateTimeField(_("contributions close"))
    repositories = models.TextField(
        _("repositories that count"), blank=True,
        help_text=_("One per line: a repository (https://github.com/numpy/numpy) or a whole organization or group "
                    "(https://github.com/numpy, https://gitlab.com/gnome). Empty: every repository counts."),
    )
    instructions = models.TextField(_("instructions for applicants"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contribution period")
        verbose_name_plural = _("contribution periods")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="contribution_period_closes_after_opening"),
        ]

    def __str__(self):
        return f"{self.cohort}"

    def repository_lines(self) -> list[str]:
        return [line.strip() for line in self.repositories.splitlines() if line.strip()]

    def counts(self, platform: str, repository: str) -> bool:
        """Whether work in `repository` ("owner/name" on `platform`) counts for this cohort (the one rule)."""
        return repository_counts(self.repository_lines(), platform, repository)

    def accepts_records(self, now=None) -> bool:
        """Applicants record work until the period closes (or, if later, until applications close)."""
        now = now or timezone.now()
        last = max(filter(None, [self.closes_at, self.cohort.applications_close_at]))
        return now <= last

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at

    def in_window(self, when) -> bool | None:
        return None if when is None else self.opens_at <= when <= self.closes_at


class ContributionTask(models.Model):
    """A task the program publishes for applicants (LFX-style prerequisites: other tasks done first)."""

    period = models.ForeignKey(ContributionPeriod, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    repository_url = models.URLField(_("repository"), max_length=300)
    label = models.CharField(_("label"), max_length=80, blank=True,
                             help_text=_("The issue label to look for, e.g. “good first issue”."))
    places = models.PositiveSmallIntegerField(_("applicants who may take it"), default=1)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks", verbose_name=_("tasks to finish first"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("contribution task")
        verbose_name_plural = _("contribution tasks")
        constraints = [models.CheckConstraint(condition=Q(places__gte=1), name="contribution_task_places_at_least_one")]

    def __str__(self):
        return self.title


class TaskClaim(models.Model):
    task = models.ForeignKey(ContributionTask, on_delete=models.CASCADE, related_name="claims")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_claims")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "applicant"], name="one_claim_per_task_and_applicant")]

    def __str__(self):
        return f"{self.task} · {self.applicant}"


def new_code() -> str:
    return f"mentorship-{secrets.token_hex(6)}"


class LinkedAccount(models.Model):
    """A person's account on a code host, confirmed by the social login or by a public gist/snippet with our code."""

    class Method(models.TextChoices):
        SOCIAL = "social", _("signed in with it")
        PROOF = "proof", _("public gist or snippet")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="linked_accounts")
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    username = models.CharField(_("username"), max_length=100)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.PROOF)
    code = models.CharField(max_length=40, default=new_code, editable=False)
    proof_url = models.URLField(_("gist or snippet address"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)  # why the last confirmation failed
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "platform"], name="one_linked_account_per_platform")]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.username}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class Kind(models.TextChoices):
    CHANGE = "change", _("pull or merge request")
    ISSUE = "issue", _("issue")
    COMMIT = "commit", _("commit")
    REVIEW = "review", _("review")


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("contribution state", "open")
    MERGED = "merged", pgettext_lazy("contribution state", "merged")
    CLOSED = "closed", pgettext_lazy("contribution state", "closed")
    COMMITTED = "committed", pgettext_lazy("contribution state", "committed")
    SUBMITTED = "submitted", pgettext_lazy("contribution state", "submitted")


class ContributionQuerySet(models.QuerySet):
    def checked_out(self):
        """Fetched, by the applicant's linked account, in a repository that counts, in the window (the rule's SQL form)."""
        return self.filter(verified_at__isnull=False, author_matches=True, repository_counts=True, in_window=True)

    def merged(self):
        return self.checked_out().filter(state__in=MERGED_STATES)


MERGED_STATES = (State.MERGED, State.COMMITTED)


class Contribution(models.Model):
    """One piece of work an applicant recorded for a cohort, and what the platform's API says about it."""

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="contributions")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions")
    url = models.URLField(_("address"), max_length=400)
    note = models.TextField(_("what you learned"), blank=True, max_length=2000)
    platform = models.CharField(max_length=16, choices=Platform.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # What the API said (empty until fetched)
    verified_at = models.DateTimeField(null=True, blank=True)  # the last successful fetch; None: not verified
    problem = models.CharField(max_length=300, blank=True)  # why it is not verified (yet)
    title = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, blank=True)
    author = models.CharField(max_length=100, blank=True)
    repository = models.CharField(max_length=200, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    additions = models.PositiveIntegerField(null=True, blank=True)
    deletions = models.PositiveIntegerField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)  # largest first
    topics = models.JSONField(default=list, blank=True)
    author_matches = models.BooleanField(null=True)  # None: no linked account or no author to compare
    repository_counts = models.BooleanField(null=True)
    in_window = models.BooleanField(null=True)
    # Fetching
    attempts = models.PositiveSmallIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    api_cache = models.JSONField(default=dict, blank=True, editable=False)  # url -> {"etag", "body"}

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["cohort", "applicant"], name="contribution_cohort_applicant")]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "applicant", "url"], name="one_record_per_contribution_url"),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="contribution_platform_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="contribution_kind_valid"),
        ]

    def __str__(self):
        return self.url

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def checks_out(self) -> bool:
        """The rule of `ContributionQuerySet.checked_out`, in Python."""
        return self.verified and self.author_matches is True and self.repository_counts is True and self.in_window is True

    @property
    def merged(self) -> bool:
        return self.checks_out and self.state in MERGED_STATES

    @property
    def flags(self) -> list[str]:
        """What does not check out, in words, for reviewers."""
        if not self.verified:
            return [_("not verified: %(reason)s") % {"reason": self.problem or _("waiting for the first check")}]
        out = []
        if self.author_matches is False:
            out.append(_("author is not the applicant"))
        elif self.author_matches is None:
            out.append(_("authorship not checked (no linked account)"))
        if self.repository_counts is False:
            out.append(_("repository does not count for this cohort"))
        if self.in_window is False:
            out.append(_("outside the contribution window"))
        return out

    @property
    def lines_changed(self) -> int | None:
        if self.additions is None and self.deletions is None:
            return None
        return (self.additions or 0) + (self.deletions or 0)
