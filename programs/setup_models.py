"""Coordinators run their programs: invitations (mentors, co-coordinators) and announcements.

Imported by programs.models, so these are models of the programs app.
"""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Announcement", "CodeOfConduct", "ConductAcceptance", "EligibilityRules", "Invitation", "ScreeningAnswer",
           "ScreeningOutcome", "ScreeningQuestion"]


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A coordinator invites a person by email: to mentor a cohort, or to coordinate the program.

    The link carries a signed (id, nonce); it works once, until `expires_at`.
    """

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        COORDINATOR = "coordinator", _("Coordinator")

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey("programs.Cohort", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    email = models.EmailField(_("email address"))
    message = models.TextField(_("a personal note"), blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=Q(role="coordinator") | Q(cohort__isnull=False),
                                   name="mentor_invitation_names_a_cohort"),
        ]

    def __str__(self):
        return f"{self.email} → {self.get_role_display()} ({self.program_id})"

    def is_usable(self, now=None) -> bool:
        return self.accepted_at is None and self.revoked_at is None and (now or timezone.now()) < self.expires_at


class Announcement(models.Model):
    """A coordinator's message to a segment of a cohort, sent once through the notifications core."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    segment = models.CharField(_("recipients"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    language = models.CharField(_("language of the message"), max_length=10)
    # {language code: {"subject": ..., "body": ...}}: each recipient reads their own language when given.
    translations = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.subject

    @property
    def topic(self) -> str:
        return f"announcement:{self.pk}"

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, body) in `language` when a translation was given, else as written."""
        for code in (language, language.split("-")[0].split("_")[0]):
            found = self.translations.get(code)
            if found and found.get("subject") and found.get("body"):
                return found["subject"], found["body"]
        return self.subject, self.body


class EligibilityRules(models.Model):
    """A program's optional rules, checked when an application is submitted (services.eligibility)."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="eligibility_rules")
    no_past_completers = models.BooleanField(
        _("people who completed this program before may not apply"), default=False)
    one_acceptance_per_season = models.BooleanField(
        _("at most one acceptance per season, across programs"), default=False,
        help_text=_("Someone accepted by another cohort of the same season may not apply."))

    class Meta:
        verbose_name = _("eligibility rules")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return str(self.program)


class ScreeningQuestion(models.Model):
    """A question with an automatic outcome, e.g. "Are you 18 or older?" (yes) or "Hours a week you can give" (≥ 20)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        NUMBER = "number", _("Number")

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="screening_questions")
    prompt = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.YES_NO)
    expected = models.CharField(_("answer needed"), max_length=3, choices=[("yes", _("Yes")), ("no", _("No"))],
                                blank=True, help_text=_("For yes / no questions."))
    minimum = models.PositiveIntegerField(_("at least"), null=True, blank=True, help_text=_("For number questions."))
    reason = models.CharField(_("why this rule"), max_length=300,
                              help_text=_("Shown to applicants before they start, and to those it screens out."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")
        constraints = [
            models.CheckConstraint(condition=(Q(kind="yes_no") & Q(expected__in=["yes", "no"]))
                                   | (Q(kind="number") & Q(minimum__isnull=False)),
                                   name="screening_question_has_its_rule"),
        ]

    def __str__(self):
        return self.prompt

    def passes(self, value: str) -> bool:
        if self.kind == self.Kind.YES_NO:
            return value == self.expected
        try:
            return int(value) >= self.minimum
        except (TypeError, ValueError):
            return False


class ScreeningAnswer(models.Model):
    cohort = models.ForeignKey("programs.Cohort", on_delete=models.CASCADE, related_name="+")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(ScreeningQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "applicant", "question"],
                                               name="one_screening_answer_per_question")]

    def __str__(self):
        return f"{self.question_id}: {self.value}"


class ScreeningOutcome(models.Model):
    """Why a submission was screened out; a coordinator may override it with a note."""

    application = models.OneToOneField("programs.Application", on_delete=models.CASCADE, related_name="screening")
    reasons = models.JSONField(default=list)
    screened_at = models.DateTimeField()
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self):
        return f"screening of {self.application_id}"


class CodeOfConduct(models.Model):
    """A program's code of conduct; applicants and mentors accept it before applying or volunteering."""

    program = models.OneToOneField("programs.Program", on_delete=models.CASCADE, related_name="code_of_conduct")
    text = models.TextField(_("code of conduct"), help_text=_("Markdown. Raw HTML is removed."))
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("code of conduct")
        verbose_name_plural = _("codes of conduct")

    def __str__(self):
        return str(self.program)


class ConductAcceptance(models.Model):
    """Who accepted a program's code of conduct, and when (accepting again after a change moves the date)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="conduct_acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="one_conduct_acceptance_per_person")]

    def __str__(self):
        return f"{self.user_id} accepted {self.program_id}"
