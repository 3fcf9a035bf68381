"""Payment data for the privacy orchestrator, and funded places with the warning before accepting too many."""
import pytest
from djmoney.money import Money

from accounts.tests.factories import make_mentee
from programs import hooks as program_hooks
from programs import services as program_services
from programs.tests.factories import ApplicationFactory
from stipends import privacy, selectors
from stipends.models import Instalment, MenteeStipend, PaymentDetails, Recommendation

from .factories import PaymentDetailsFactory, SponsorFactory, mentor_evaluates, paid_pair

pytestmark = pytest.mark.django_db


def test_export_and_erase_a_person_payment_data():
    p = paid_pair()
    PaymentDetailsFactory(user=p.mentee, cohort=p.cohort, legal_name="Teo Legal", country="BR", payment_notes="IBAN X")
    PaymentDetailsFactory(user=make_mentee(name="Someone Else"), cohort=p.cohort)
    data = privacy.export_for_user(user=p.mentee)
    assert data["payment_details"][0]["legal_name"] == "Teo Legal"
    assert data["stipends"][0]["amount"] == "1000.00" and data["stipends"][0]["currency"] == "EUR"
    assert [i["event"] for i in data["instalments"]] == ["start", "midpoint", "final"]
    assert privacy.erase_for_user(user=p.mentee) == {"payment_details": 1}
    assert not PaymentDetails.objects.filter(user=p.mentee).exists()
    assert PaymentDetails.objects.count() == 1  # only theirs


def test_purging_a_cohort_removes_payment_details_and_reasons_but_keeps_the_amounts():
    p = paid_pair()
    other = paid_pair(mentor_name="Other", mentee_name="Elsewhere")
    for q in (p, other):
        PaymentDetailsFactory(user=q.mentee, cohort=q.cohort)
    mentor_evaluates(p, "midpoint", choice="end")
    Instalment.objects.filter(mentorship=p.mentorship, event="start").update(status="held", hold_reason="Bank problem")
    assert privacy.purge_for_cohort(cohort=p.cohort, dry_run=True)["stipends.payment_details"] == 1
    assert PaymentDetails.objects.filter(cohort=p.cohort).exists()
    assert privacy.purge_for_cohort(cohort=p.cohort)["stipends.payment_details"] == 1
    assert not PaymentDetails.objects.filter(cohort=p.cohort).exists()
    assert PaymentDetails.objects.filter(cohort=other.cohort).exists()
    assert not Recommendation.objects.filter(mentorship=p.mentorship).exists()
    assert set(Instalment.objects.filter(mentorship=p.mentorship).values_list("hold_reason", flat=True)) == {""}
    assert Instalment.objects.filter(mentorship=p.mentorship).count() == 3


def test_places_funded_are_pledges_in_the_plan_currency_divided_by_the_stipend():
    p = paid_pair(amount=Money("1000.00", "EUR"))
    SponsorFactory(cohort=p.cohort, pledged=Money("2500.00", "EUR"))
    SponsorFactory(cohort=p.cohort, pledged=Money("600.00", "EUR"))
    SponsorFactory(cohort=p.cohort, pledged=Money("5000.00", "USD"))
    funding = selectors.funding(cohort=p.cohort)
    assert (funding.funded, funding.filled, funding.other_currencies) == (3, 1, ["USD"])


def test_a_warning_before_accepting_more_paid_mentees_than_funded_and_the_amount_fixed_at_acceptance():
    p = paid_pair(amount=Money("1000.00", "EUR"))
    SponsorFactory(cohort=p.cohort, pledged=Money("2000.00", "EUR"))  # two places; one is filled
    applications = [ApplicationFactory(cohort=p.cohort, applicant=make_mentee(name=f"Applicant {i}")) for i in range(2)]
    assert program_hooks.decision_warnings(cohort=p.cohort, status="accepted", applications=applications[:1]) == []
    warnings = program_hooks.decision_warnings(cohort=p.cohort, status="accepted", applications=applications)
    assert warnings == ["Sponsors fund 2 paid places and 1 are filled: accepting these would make 3 paid mentees, "
                        "more than are funded."]
    assert program_hooks.decision_warnings(cohort=p.cohort, status="declined", applications=applications) == []
    program_services.application_decide(application=applications[0], status="accepted", actor=p.coordinator)
    assert MenteeStipend.objects.get(mentee=applications[0].applicant).amount == Money("1000.00", "EUR")


def test_a_cohort_with_finance_exports_can_still_be_deleted_but_a_batch_alone_cannot():
    from django.db.models import RestrictedError

    from stipends import services
    from stipends.models import ExportBatch

    p = paid_pair()
    PaymentDetailsFactory(user=p.mentee, cohort=p.cohort)
    start = Instalment.objects.get(mentorship=p.mentorship, event="start")
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="approve")
    batch = services.export_create(cohort=p.cohort, actor=p.coordinator)
    with pytest.raises(RestrictedError):
        batch.delete()  # what was paid stays on record
    p.cohort.delete()
    assert not ExportBatch.objects.exists() and not Instalment.objects.exists()


def test_the_coordinator_sees_the_warning_on_the_confirmation_page_before_accepting(client):
    from django.urls import reverse

    p = paid_pair(amount=Money("1000.00", "EUR"))
    SponsorFactory(cohort=p.cohort, pledged=Money("1000.00", "EUR"))  # one place, already filled
    application = ApplicationFactory(cohort=p.cohort, applicant=make_mentee(name="One Too Many"))
    client.force_login(p.coordinator)
    response = client.post(reverse("programs:bulk_decide", args=[p.cohort.pk]),
                           {"applications": [application.pk], "status": "accepted"})
    assert response.status_code == 200
    assert "Sponsors fund 1 paid place and 1 are filled: accepting these would make 2 paid mentees" in (
        response.content.decode())
