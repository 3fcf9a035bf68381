"""The mentor's recommendation, the coordinator's approve / hold, and the finance export.

Every decision locks the instalment rows, checks who asks and from which status, writes one history row
per instalment, and tells the mentee after commit (notifications.notify). A refusal changes nothing.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import Direction
from mentoring.services import mentorship_extend
from notifications.services import notify
from programs.permissions import is_coordinator

from ..models import ExportBatch, Instalment, InstalmentDecision, PaymentDetails, Recommendation
from ..selectors import mentor_evaluated, money_text

APPROVE, HOLD = "approve", "hold"
S = Instalment.Status


def recommendation_save(*, evaluation, mentorship, choice, extension_weeks=None) -> Recommendation | None:
    """Inside the mentor's evaluation (its transaction): pay, delay with an extension, or end. Asked only
    when the pair has an instalment released by this evaluation."""
    if evaluation.direction != Direction.ABOUT_MENTEE:
        return None
    if not Instalment.objects.filter(mentorship=mentorship, event=evaluation.stage).exists():
        return None
    if choice not in Recommendation.Choice.values:
        raise ValidationError(_("Say whether the instalment should be paid, delayed with an extension, or the "
                                "mentorship ended."))
    if choice == Recommendation.Choice.EXTEND:
        try:
            extension_weeks = int(extension_weeks)
        except (TypeError, ValueError):
            extension_weeks = 0
        if not 1 <= extension_weeks <= 5:
            raise ValidationError(_("An extension is 1 to 5 weeks."))
    else:
        extension_weeks = None
    Instalment.objects.filter(mentorship=mentorship, event=evaluation.stage).update(updated_at=timezone.now())
    return Recommendation.objects.create(evaluation=evaluation, mentorship=mentorship, stage=evaluation.stage,
                                         choice=choice, extension_weeks=extension_weeks)


UPDATE_CHOICES = (Recommendation.Choice.PAY, Recommendation.Choice.END)


def recommendation_update(*, mentorship, actor, stage: str, choice: str) -> Recommendation:
    """After the extension the mentor asked for, the mentor says again about the held instalment: pay it now, or
    end the mentorship. Only the pair's mentor, only once the extension was applied and while it is held."""
    if actor.pk != mentorship.mentor_id:
        raise PermissionDenied
    if choice not in UPDATE_CHOICES:
        raise ValidationError(_("Say whether the instalment should now be paid or the mentorship ended."))
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().filter(mentorship=mentorship, stage=stage).first()
        instalment = Instalment.objects.select_for_update().filter(mentorship=mentorship, event=stage).first()
        if (recommendation is None or instalment is None or recommendation.extension_applied_at is None
                or instalment.status != S.HELD):
            raise ValidationError(_("This recommendation can be changed only while its instalment is held after "
                                    "the extension."))
        recommendation.choice, recommendation.extension_weeks = choice, None
        recommendation.save(update_fields=["choice", "extension_weeks"])
        instalment.updated_at = timezone.now()
        instalment.save(update_fields=["updated_at"])
    return recommendation


def _refusal(instalment, target, *, evaluated: bool, today: dt.date) -> str | None:
    if not instalment.can_become(target):
        return _("%(pair)s, %(event)s: an instalment that is “%(status)s” cannot become “%(target)s”.") % {
            "pair": instalment.mentorship.mentee.get_full_name(), "event": instalment.get_event_display(),
            "status": instalment.get_status_display(), "target": S(target).label}
    if target == S.APPROVED and not evaluated:
        return _("%(pair)s, %(event)s: waiting for the mentor's evaluation.") % {
            "pair": instalment.mentorship.mentee.get_full_name(), "event": instalment.get_event_display()}
    return None


def instalments_decide(*, cohort, actor, instalment_ids, action: str, reason: str = "",
                       apply_extensions: bool = False) -> list[Instalment]:
    """Approve or hold these instalments of the cohort, all or none. Holding one whose mentor recommended
    an extension may apply it (mentoring's extension service, in this transaction): the pair's end, its final
    evaluation and their reminders move."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    if action not in (APPROVE, HOLD):
        raise ValidationError(_("Unknown decision."))
    reason = reason.strip()
    if action == HOLD and not reason:
        raise ValidationError(_("Say why the instalments are held: the mentee reads it."))
    ids = sorted({int(i) for i in instalment_ids})
    if not ids:
        raise ValidationError(_("Choose at least one instalment."))
    target = S.APPROVED if action == APPROVE else S.HELD
    now = timezone.now()
    with transaction.atomic():
        locked = list(
            Instalment.objects.select_for_update(of=("self",)).filter(pk__in=ids, mentorship__cohort=cohort)
            .select_related("mentorship__mentee__profile", "mentorship__cohort__program").order_by("pk")
        )
        if len(locked) != len(ids):
            raise ValidationError(_("Some of these instalments are not in this cohort."))
        evaluated = mentor_evaluated([i.mentorship_id for i in locked])
        today = timezone.localdate(now)
        errors = [e for e in (_refusal(i, target, evaluated=(i.mentorship_id, i.event) in evaluated or i.event == "start",
                                       today=today) for i in locked) if e]
        if errors:
            raise ValidationError(errors)
        recommendations = {(r.mentorship_id, r.stage): r for r in Recommendation.objects.select_for_update().filter(
            mentorship_id__in=[i.mentorship_id for i in locked])}
        decisions = []
        for instalment in locked:
            instalment.status = target
            if target == S.APPROVED:
                instalment.approved_by, instalment.approved_at, instalment.hold_reason = actor, now, ""
            else:
                instalment.approved_by, instalment.approved_at, instalment.hold_reason = None, None, reason
            instalment.updated_at = now
            instalment.save(update_fields=["status", "approved_by", "approved_at", "hold_reason", "updated_at"])
            note = reason
            recommendation = recommendations.get((instalment.mentorship_id, instalment.event))
            if (target == S.HELD and apply_extensions and recommendation is not None
                    and recommendation.choice == Recommendation.Choice.EXTEND
                    and recommendation.extension_applied_at is None):
                mentorship = instalment.mentorship
                mentorship_extend(
                    mentorship=mentorship, actor=actor,
                    new_ends_on=mentorship.ends_on + dt.timedelta(weeks=recommendation.extension_weeks),
                    reason=_("The mentor recommended an extension of %(weeks)s weeks before this instalment.")
                    % {"weeks": recommendation.extension_weeks},
                )
                recommendation.extension_applied_at = now
                recommendation.save(update_fields=["extension_applied_at"])
                note = f"{reason} ({_('extended by %(weeks)s weeks') % {'weeks': recommendation.extension_weeks}})"
            decisions.append(InstalmentDecision(instalment=instalment, action=target, actor=actor, note=note))
        InstalmentDecision.objects.bulk_create(decisions)
        for instalment, decision in zip(locked, decisions, strict=True):
            _tell_mentee(instalment, decision)
    return locked


def _tell_mentee(instalment: Instalment, decision: InstalmentDecision):
    mentorship = instalment.mentorship
    mentee, cohort = mentorship.mentee, mentorship.cohort
    notify(
        user=mentee, kind=f"stipend_instalment_{decision.action}",
        key=f"stipend:instalment:{instalment.pk}:decision:{decision.pk}",
        context={
            "name": mentee.get_full_name(), "program": cohort.program.name, "cohort": cohort.name,
            "event": instalment.event, "amount": money_text(instalment.amount), "reason": instalment.hold_reason,
            "url": reverse("stipends:mentorship_stipend", args=[mentorship.pk]),
        },
    )


def export_create(*, cohort, actor) -> ExportBatch:
    """Hand every approved, not yet exported instalment of the cohort to finance, once: they join a new batch
    and become exported, so no later export contains them again. Finance pays the name the mentee gave for
    payment: instalments of mentees without payment details stay approved until they give them."""
    if not is_coordinator(actor, cohort.program_id):
        raise PermissionDenied
    with transaction.atomic():
        with_details = PaymentDetails.objects.filter(cohort=cohort).values("user_id")
        ready = list(Instalment.objects.select_for_update().filter(
            mentorship__cohort=cohort, status=S.APPROVED, batch__isnull=True,
            mentorship__mentee_id__in=with_details).order_by("pk"))
        if not ready:
            raise ValidationError(_("Nothing to export: no approved instalment is waiting."))
        batch = ExportBatch.objects.create(cohort=cohort, created_by=actor)
        Instalment.objects.filter(pk__in=[i.pk for i in ready]).update(status=S.EXPORTED, batch=batch,
                                                                         updated_at=timezone.now())
        InstalmentDecision.objects.bulk_create([
            InstalmentDecision(instalment=i, action=InstalmentDecision.Action.EXPORTED, actor=actor, batch=batch)
            for i in ready
        ])
    return batch


