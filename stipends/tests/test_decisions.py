"""The mentor recommends, the coordinator approves or holds (with the history), finance exports once."""
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentoring.deadlines import evaluation_due_on
from mentoring.models import Evaluation, MentorshipExtension
from mentoring.reminders import evaluations_due
from notifications.models import Notification
from stipends import selectors, services
from stipends.models import Instalment, InstalmentDecision, Recommendation

from .factories import PaymentDetailsFactory, mentor_evaluates, paid_pair

pytestmark = pytest.mark.django_db


def _instalment(p, event):
    return Instalment.objects.get(mentorship=p.mentorship, event=event)


def test_the_mentor_evaluation_in_a_paid_cohort_must_say_what_to_do_with_the_instalment():
    p = paid_pair()
    with pytest.raises(ValidationError, match="Say whether the instalment should be paid"):
        mentor_evaluates(p, "midpoint", choice=None)
    with pytest.raises(ValidationError, match="1 to 5 weeks"):
        mentor_evaluates(p, "midpoint", choice="extend", weeks=6)
    assert not Evaluation.objects.filter(mentorship=p.mentorship).exists()  # refused whole: nothing kept
    mentor_evaluates(p, "midpoint", choice="extend", weeks=2)
    recommendation = Recommendation.objects.get(mentorship=p.mentorship)
    assert (recommendation.stage, recommendation.choice, recommendation.extension_weeks) == ("midpoint", "extend", 2)


def test_approving_needs_the_mentor_evaluation_and_a_coordinator(django_capture_on_commit_callbacks):
    p = paid_pair()
    midpoint = _instalment(p, "midpoint")
    with pytest.raises(ValidationError, match="waiting for the mentor's evaluation"):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[midpoint.pk], action="approve")
    mentor_evaluates(p, "midpoint", choice="pay")
    with pytest.raises(PermissionDenied):
        services.instalments_decide(cohort=p.cohort, actor=p.mentor, instalment_ids=[midpoint.pk], action="approve")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[midpoint.pk], action="approve")
    midpoint.refresh_from_db()
    assert midpoint.status == "approved" and midpoint.approved_by == p.coordinator and midpoint.approved_at
    decision = InstalmentDecision.objects.get(instalment=midpoint)
    assert (decision.action, decision.actor) == ("approved", p.coordinator)
    assert [m.to for m in mail.outbox] == [[p.mentee.email]]
    assert "is approved" in mail.outbox[0].subject and "300.00" in mail.outbox[0].subject


def test_a_bulk_decision_is_all_or_nothing():
    p = paid_pair()
    start, final = _instalment(p, "start"), _instalment(p, "final")
    with pytest.raises(ValidationError, match="waiting for the mentor's evaluation"):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk, final.pk],
                                    action="approve")
    assert set(Instalment.objects.values_list("status", flat=True)) == {"waiting"}
    assert not InstalmentDecision.objects.exists()
    other = paid_pair(mentor_name="Other Mentor", mentee_name="Other Mentee")
    with pytest.raises(ValidationError, match="not in this cohort"):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, action="approve",
                                    instalment_ids=[start.pk, _instalment(other, "start").pk])


def test_holding_needs_a_reason_the_mentee_reads(django_capture_on_commit_callbacks):
    p = paid_pair()
    start = _instalment(p, "start")
    with pytest.raises(ValidationError, match="Say why"):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="hold")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="hold",
                                    reason="Payment details are missing.")
    start.refresh_from_db()
    assert (start.status, start.hold_reason) == ("held", "Payment details are missing.")
    assert "is held" in mail.outbox[0].subject and "Payment details are missing." in mail.outbox[0].body
    # Held, then approved once sorted out; the history keeps both.
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="approve")
    assert list(InstalmentDecision.objects.filter(instalment=start).order_by("pk").values_list("action", flat=True)) == [
        "held", "approved"]


def _final_reminders(p, now):
    Notification.objects.filter(kind="mentorship_reminder").delete()
    evaluations_due(now=now)
    return set(Notification.objects.filter(kind="mentorship_reminder", key__contains=f":{p.mentorship.pk}:final:")
               .values_list("key", flat=True))


def test_an_extension_the_mentor_recommends_moves_the_dates_and_the_reminders():
    p = paid_pair()
    mentor_evaluates(p, "midpoint", choice="extend", weeks=2)
    ends_on, final_due = p.mentorship.ends_on, evaluation_due_on(p.mentorship, "final")
    soon = timezone.now() + dt.timedelta(days=(final_due - timezone.localdate()).days - 6)
    assert _final_reminders(p, soon)  # a week before the final is due, both are reminded
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[_instalment(p, "midpoint").pk],
                                action="hold", reason="Delayed: the mentorship is extended.", apply_extensions=True)
    p.mentorship.refresh_from_db()
    assert p.mentorship.ends_on == ends_on + dt.timedelta(weeks=2)
    assert evaluation_due_on(p.mentorship, "final") == final_due + dt.timedelta(weeks=2)
    extension = MentorshipExtension.objects.get(mentorship=p.mentorship)
    assert extension.created_by == p.coordinator and "2 weeks" in extension.reason
    assert Recommendation.objects.get(mentorship=p.mentorship).extension_applied_at is not None
    assert _final_reminders(p, soon) == set()  # no longer due that week
    assert _final_reminders(p, soon + dt.timedelta(weeks=2))  # two weeks later instead
    # The schedule shows the later date, and an extension is applied only once.
    schedule = {row.instalment.event: row for row in selectors.mentee_schedule(mentorship=p.mentorship)}
    assert schedule["final"].expected_on == final_due + dt.timedelta(weeks=2)
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[_instalment(p, "midpoint").pk],
                                action="approve")
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[_instalment(p, "midpoint").pk],
                                action="hold", reason="Again.", apply_extensions=True)
    assert MentorshipExtension.objects.filter(mentorship=p.mentorship).count() == 1


def test_an_export_takes_approved_instalments_once_and_a_batch_can_be_exported_again():
    p = paid_pair()
    mentor_evaluates(p, "midpoint", choice="pay")
    start, midpoint = _instalment(p, "start"), _instalment(p, "midpoint")
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk, midpoint.pk],
                                action="approve")
    # Finance pays the name given for payment: without it, the instalments wait (approved).
    assert selectors.approved_without_details(cohort=p.cohort) == 2
    with pytest.raises(ValidationError, match="Nothing to export"):
        services.export_create(cohort=p.cohort, actor=p.coordinator)
    PaymentDetailsFactory(user=p.mentee, cohort=p.cohort, legal_name="Teodora Mentee Silva", country="BR")
    assert selectors.approved_without_details(cohort=p.cohort) == 0
    batch = services.export_create(cohort=p.cohort, actor=p.coordinator)
    rows = selectors.export_rows(batch)
    assert [(r["legal_name"], r["country"], r["currency"], r["amount"], r["instalment"], r["approved_by"])
            for r in rows] == [
        ("Teodora Mentee Silva", "BR", "EUR", "300.00", "start", p.coordinator.get_full_name()),
        ("Teodora Mentee Silva", "BR", "EUR", "300.00", "midpoint", p.coordinator.get_full_name()),
    ]
    assert set(Instalment.objects.filter(pk__in=[start.pk, midpoint.pk]).values_list("status", flat=True)) == {"exported"}
    with pytest.raises(ValidationError, match="Nothing to export"):
        services.export_create(cohort=p.cohort, actor=p.coordinator)
    assert selectors.export_rows(batch) == rows  # the same batch, the same rows
    # Exported is final: it cannot be held or approved again.
    with pytest.raises(ValidationError, match="cannot become"):
        services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="hold",
                                    reason="Oops.")
    assert InstalmentDecision.objects.filter(action="exported", batch=batch).count() == 2


def test_the_payment_page_flags_extension_termination_and_missing_evaluation_in_words():
    p = paid_pair()
    mentor_evaluates(p, "final", choice="end")
    row = selectors.payment_page(cohort=p.cohort)[0]
    flags = {item.instalment.event: [words for _css, words in item.flags] for item in row.instalments}
    assert flags["final"] == ["Termination"]
    assert flags["midpoint"] == ["Evaluation missing"]  # its due date passed without the mentor's evaluation
    assert flags["start"] == []
