"""Applications: start, save, submit, withdraw, decide. Each checks who and in which state, in one transaction."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.services import notify
from organizations.invitations import invitations_send, people_of
from organizations.models import Group

from .. import hooks
from ..kinds import GROUP, ORGANIZATION, PROJECT, applicant_type
from ..models import (
    HOLDS_APPLICANT_PLACE,
    Answer,
    Application,
    ApplicationEvent,
    ApplicationPreference,
    ApprovalStatus,
    Cohort,
    MentorEnrollment,
)
from ..permissions import is_coordinator
from . import conduct, eligibility
from .duplicates import duplicate_scan_request

Status = Application.Status


class InvalidTransition(ValidationError):
    """A status change that the state machine does not allow. Nothing was changed."""


class IncompleteApplication(ValidationError):
    """Something needed to submit is missing. `missing` maps each field (a form field name, or a
    question id) to what the applicant should see. Nothing was changed."""

    def __init__(self, missing: dict):
        self.missing = missing
        super().__init__(_("Please answer: %(list)s.") % {"list": "; ".join(str(label) for label in missing.values())})


def application_start(*, applicant, cohort: Cohort) -> tuple[Application, bool]:
    """The applicant's application for this cohort, creating a draft if needed.

    Safe under double clicks: the database allows one application per person and cohort.
    """
    existing = Application.objects.filter(cohort=cohort, applicant=applicant).first()
    if existing is not None:
        return existing, False
    if not cohort.is_accepting():
        raise ValidationError(_("This cohort is not accepting applications."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort, applicant=applicant, hours_per_week=applicant.profile.hours_per_week,
            )
            application.skills_wanted.set(applicant.profile.interests.all())
    except IntegrityError:
        return Application.objects.get(cohort=cohort, applicant=applicant), False
    return application, True


EDITABLE_FIELDS = (
    "goals", "motivation", "hours_per_week", "offer", "wants", "contact_person", "support_needed", "group_members",
    "organization", "project",
)


def application_save(*, application: Application, actor, data: dict, answers: dict, preferences: list) -> Application:
    """Save what the applicant typed (draft, or an edit while the window is open).

    `answers` maps question id -> text; `preferences` lists mentors in rank order (None for a gap).
    The row is locked and re-read first, so concurrent clicks take turns and a stale copy never
    puts a submitted application back to draft.
    """
    if actor.pk != application.applicant_id:
        raise PermissionDenied
    old_cv = None
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("cohort__program").get(pk=application.pk)
        if not application.is_editable():
            if application.status == Status.SUBMITTED:
                raise ValidationError(_("The application window has closed; your submitted application is kept as it is."))
            raise ValidationError(_("This application can no longer be edited."))
        cohort = application.cohort
        for name in ("organization", "project"):
            _check_applicant_place(application=application, actor=actor, name=name, target=data.get(name))
        prompts = dict(cohort.questions.values_list("pk", "prompt"))
        if set(answers) - set(prompts):
            raise ValidationError(_("An answer does not belong to this cohort's questions."))
        mentor_ids = [m.pk for m in preferences if m is not None]
        if len(set(mentor_ids)) != len(mentor_ids):
            raise ValidationError(_("Rank each mentor only once."))
        approved = set(
            MentorEnrollment.objects.filter(cohort=cohort, status=ApprovalStatus.APPROVED, mentor_id__in=mentor_ids)
            .values_list("mentor_id", flat=True)
        )
        if set(mentor_ids) - approved:
            raise ValidationError(_("You can only rank mentors of this cohort."))
        changed = ["updated_at"]
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(application, field, data[field])
                changed.append(field)
        existing = {a.question_id: a for a in application.answers.all()}
        if application.status != Status.DRAFT:
            # A submitted application stays valid: an edit passes the same checks as submitting,
            # before anything is written.
            texts = {question_id: a.value for question_id, a in existing.items()} | answers
            missing = missing_required(application, answers=texts)
            if missing:
                raise IncompleteApplication(missing)
        if data.get("cv"):
            old_cv = application.cv.name or None
            application.cv = data["cv"]
            changed.append("cv")
        elif data.get("cv_clear") and application.cv:
            old_cv = application.cv.name
            application.cv = ""
            changed.append("cv")
        application.save(update_fields=changed)
        if "skills_wanted" in data:
            application.skills_wanted.set(data["skills_wanted"])
        for question_id, value in answers.items():
            answer = existing.get(question_id)
            if answer is None:
                Answer.objects.create(application=application, question_id=question_id, value=value,
                                      prompt=prompts[question_id])
            elif answer.value != value or answer.prompt != prompts[question_id]:
                # An answer edited now answers the question as it reads now.
                answer.value, answer.prompt = value, prompts[question_id]
                answer.save(update_fields=["value", "prompt"])
        application.preferences.all().delete()
        ApplicationPreference.objects.bulk_create(
            ApplicationPreference(application=application, mentor=mentor, rank=rank)
            for rank, mentor in enumerate(preferences, start=1)
            if mentor is not None
        )
        if application.status != Status.DRAFT:
            duplicate_scan_request(cohort_id=application.cohort_id)  # the texts reviewers compare changed
            if "group_members" in data and applicant_type(cohort.program.kind) == GROUP:
                _invite_group_members(application)  # people added after submitting are invited too
        if old_cv:
            storage = application.cv.storage

            def delete_replaced_cv():
                # Personal data: the replaced file goes, but only once the new state is committed.
                storage.delete(old_cv)

            transaction.on_commit(delete_replaced_cv)
    return application


def missing_required(application: Application, *, answers: dict | None = None) -> dict:
    """What must be filled in before submitting (and to stay submitted): {field: label}.

    The field is a form field name, or a question id for a cohort question. `answers` maps question
    id -> text; by default the stored answers are read.
    """
    if answers is None:
        answers = {a.question_id: a.value for a in application.answers.all()}
    missing = {}
    if not application.goals.strip():
        missing["goals"] = _("Goals for this mentorship")
    applicant = applicant_type(application.cohort.program.kind)
    if applicant == ORGANIZATION and not application.organization_id:
        missing["organization"] = _("the organization you apply for")
    if applicant == PROJECT and not application.project_id:
        missing["project"] = _("the project you apply for")
    if applicant == GROUP and not application.group_members.strip():
        missing["group_members"] = _("the members of your group")
    for question in application.cohort.questions.all():
        if question.required and not answers.get(question.pk, "").strip():
            missing[question.pk] = question.prompt
    return missing


def missing_required_answers(application: Application) -> list[str]:
    return [str(label) for label in missing_required(application).values()]


def _check_applicant_place(*, application: Application, actor, name: str, target) -> None:
    """Only its people apply for an organization or a project, and one application holds its place in a
    cohort (the database constraint's rule, HOLDS_APPLICANT_PLACE, checked here for a clear message)."""
    if target is None:
        return
    # Lock a row that always exists, so that two members choosing it at once take turns.
    type(target).objects.select_for_update().only("pk").get(pk=target.pk)
    if not people_of(target).filter(pk=actor.pk).exists():
        raise PermissionDenied
    taken = Application.objects.filter(HOLDS_APPLICANT_PLACE, cohort_id=application.cohort_id, **{name: target})
    if taken.exclude(pk=application.pk).exists():
        raise ValidationError({name: _("%(name)s already has an application in this cohort: one per cohort.")
                               % {"name": target.name}})


def _invite_group_members(application: Application) -> None:
    """The group applies as one: the first submit makes the group (the applicant owns it), and every
    address named is invited to join it. Only those who accept become members."""
    cohort, applicant = application.cohort, application.applicant
    if application.group_id is None:
        group = Group.objects.create(
            name=_("%(leader)s’s group for %(program)s · %(cohort)s")
            % {"leader": applicant.get_full_name(), "program": cohort.program.name, "cohort": cohort.name},
            owner=applicant,
        )
        group.members.add(applicant)
        application.group = group
        application.save(update_fields=["group"])
    emails = [e for e in application.group_members.split() if e.lower() != applicant.email.lower()]
    invitations_send(
        actor=applicant, target=application.group, emails=emails,
        context={"program": cohort.program.name, "cohort": cohort.name},
    )


def season_application_count(*, applicant, cohort: Cohort) -> int:
    if not cohort.season:
        return 0
    return (
        Application.objects.filter(applicant=applicant, cohort__season=cohort.season)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .exclude(cohort=cohort)
        .count()
    )


def application_submit(*, application: Application, actor) -> Application:
    """Submit a draft while the window is open (checked here, on the server)."""
    if actor.pk != application.applicant_id:
        raise PermissionDenied
    with transaction.atomic():
        # The season limit counts rows that may not exist yet: lock a row that always exists, the
        # applicant, so that two submits by one person (in any cohorts) take turns.
        get_user_model().objects.select_for_update().only("pk").get(pk=actor.pk)
        application = Application.objects.select_for_update().select_related("cohort__program").get(pk=application.pk)
        if application.status == Status.SUBMITTED:
            return application  # a second click: already done
        cohort = application.cohort
        if not cohort.is_accepting():
            raise ValidationError(_("Applications for this cohort are closed."))
        missing = missing_required(application)
        if missing:
            raise IncompleteApplication(missing)
        limit = cohort.max_applications_per_season
        if limit and season_application_count(applicant=actor, cohort=cohort) >= limit:
            raise ValidationError(ngettext(
                "You have already submitted %(n)d application to the cohorts that share this limit: "
                "withdraw it to submit this one.",
                "You have already submitted %(n)d applications to the cohorts that share this limit: "
                "withdraw one of them to submit this one.",
                limit,
            ) % {"n": limit})
        # The program's eligibility rules (services.eligibility); a screened-out draft stays a draft and the
        # reasons are kept for the coordinators, so the refusal is raised after this block commits.
        conduct.require_conduct_accepted(user=actor, program=cohort.program)
        screened_out = eligibility.screen(application=application)
        if not screened_out:
            application.submitted_at = timezone.now()
            _transition(application, Status.SUBMITTED, actor=actor)
            duplicate_scan_request(cohort_id=application.cohort_id)
            if applicant_type(cohort.program.kind) == GROUP:
                _invite_group_members(application)
    if screened_out:
        raise eligibility.ScreenedOut(screened_out)
    return application


def application_withdraw(*, application: Application, actor) -> Application:
    if actor.pk != application.applicant_id:
        raise PermissionDenied
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        was_draft = application.status == Status.DRAFT
        _transition(application, Status.WITHDRAWN, actor=actor)
        if not was_draft:
            duplicate_scan_request(cohort_id=application.cohort_id)  # it leaves the compared set
    return application


DECISIONS = (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)


def application_decide(*, application: Application, status: str, actor, note: str = "") -> Application:
    """A coordinator accepts, waitlists or declines an application."""
    if status not in DECISIONS:
        raise InvalidTransition(_("Not a decision: %(status)s") % {"status": status})
    if not is_coordinator(actor, application.cohort.program_id):
        raise PermissionDenied
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.decided_at = timezone.now()
        _transition(application, status, actor=actor, note=note)
    return application


def applications_decide_bulk(*, applications, status: str, actor) -> tuple[int, list[str]]:
    """Decide many at once. Returns (how many changed, errors for the ones that could not be)."""
    applications = list(applications)
    programs = {a.cohort.program_id for a in applications}
    if any(not is_coordinator(actor, program_id) for program_id in programs):
        raise PermissionDenied  # checked before anything changes, not halfway through
    done, errors = 0, []
    for application in applications:
        try:
            application_decide(application=application, status=status, actor=actor)
            done += 1
        except (InvalidTransition, ValidationError) as exc:
            errors.append(f"{application.applicant}: {' '.join(exc.messages)}")
    return done, errors


def _transition(application: Application, to_status: str, *, actor, note: str = "") -> None:
    """Change status if the state machine allows it, record it, and tell the applicant after commit."""
    from_status = application.status
    if not application.can_become(to_status):
        raise InvalidTransition(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    application.status = to_status
    application.save()
    if to_status == Status.ACCEPTED:
        hooks.application_accepted(application=application)
    event = ApplicationEvent.objects.create(
        application=application, actor=actor, from_status=from_status, to_status=to_status, note=note,
    )
    cohort = application.cohort
    notify(
        user=application.applicant,
        kind="application_status",
        key=f"application-event:{event.pk}",
        context={
            "name": application.applicant.get_full_name(),
            "status": to_status,
            "program": cohort.program.name,
            "cohort": cohort.name,
            "url": application.get_absolute_url(),
        },
    )


