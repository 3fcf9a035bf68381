"""Stipend pages: who may open them (the permission matrix: forbidden is 404), what they show, query counts."""
import csv
import io
import json

import pytest
from django.db import transaction
from django.urls import reverse
from djmoney.money import Money

from accounts.tests.factories import UserFactory
from stipends import services
from stipends.models import Instalment, PaymentDetails, Sponsor
from stipends.urls import urlpatterns

from .factories import PaymentDetailsFactory, SponsorFactory, mentor_evaluates, paid_pair

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = ("anonymous", "mentee", "mentor", "other_mentee", "other_coordinator", "coordinator", "site_admin")
COORDINATORS = {"coordinator", "site_admin"}


@pytest.fixture
def world():
    p = paid_pair()
    other = paid_pair(mentor_name="Other Mentor", mentee_name="Other Mentee")
    PaymentDetailsFactory(user=p.mentee, cohort=p.cohort, legal_name="Teodora Legal")
    mentor_evaluates(p, "midpoint", choice="pay")
    mentor_evaluates(p, "final", choice="extend", weeks=1)
    final = Instalment.objects.get(mentorship=p.mentorship, event="final")
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[final.pk], action="hold",
                                reason="Extended.", apply_extensions=True)
    start = Instalment.objects.get(mentorship=p.mentorship, event="start")
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[start.pk], action="approve")
    batch = services.export_create(cohort=p.cohort, actor=p.coordinator)
    sponsor = SponsorFactory(cohort=p.cohort)
    people = {"mentee": p.mentee, "mentor": p.mentor, "other_mentee": other.mentee,
              "other_coordinator": other.coordinator, "coordinator": p.coordinator,
              "site_admin": UserFactory(is_superuser=True, is_staff=True)}
    c = p.cohort.pk
    urls = {
        "plan_edit": reverse("stipends:plan_edit", args=[c]),
        "country_table": reverse("stipends:country_table", args=[c]),
        "payments": reverse("stipends:payments", args=[c]),
        "decide": reverse("stipends:decide", args=[c]),
        "history": reverse("stipends:history", args=[c]),
        "exports": reverse("stipends:exports", args=[c]),
        "export_download": reverse("stipends:export_download", args=[batch.pk, "csv"]),
        "sponsors": reverse("stipends:sponsors", args=[c]),
        "sponsor_edit": reverse("stipends:sponsor_edit", args=[c, sponsor.pk]),
        "sponsor_report": reverse("stipends:sponsor_report", args=[c]),
        "mentorship_stipend": reverse("stipends:mentorship_stipend", args=[p.mentorship.pk]),
        "recommendation_update": reverse("stipends:recommendation_update", args=[p.mentorship.pk, "final"]),
    }
    return p, people, urls


# (url name, method, the roles that get 200 (or 302 for a POST that was carried out); everyone else signed in: 404)
MATRIX = [
    ("plan_edit", "get", COORDINATORS),
    ("country_table", "get", {"site_admin"}),
    ("payments", "get", COORDINATORS),
    ("decide", "post", COORDINATORS),
    ("history", "get", COORDINATORS),
    ("exports", "get", COORDINATORS),
    ("export_download", "get", COORDINATORS),
    ("sponsors", "get", COORDINATORS),
    ("sponsor_edit", "get", COORDINATORS),
    ("sponsor_report", "get", COORDINATORS),
    ("mentorship_stipend", "get", {"mentee"} | COORDINATORS),  # payment details: never the mentor
    ("mentorship_stipend", "post", {"mentee"}),
    ("recommendation_update", "get", {"mentor"}),  # the pair's mentor, once the extension held the instalment
    ("recommendation_update", "post", {"mentor"}),
]


def test_the_matrix_covers_every_stipends_url():
    assert {name for name, *_ in MATRIX} == {p.name for p in urlpatterns}


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX, ids=[f"{m[1]}-{m[0]}" for m in MATRIX])
def test_permission_matrix(client, world, name, method, allowed):
    _p, people, urls = world
    send = getattr(client, method)
    response = send(urls[name])
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), "anonymous"
    for role in ROLES[1:]:
        client.force_login(people[role])
        with transaction.atomic():
            response = send(urls[name], {"legal_name": "X", "country": "ES"} if name == "mentorship_stipend"
                            else {"choice": "pay"} if name == "recommendation_update" else {})
            transaction.set_rollback(True)
        expected = (200, 302) if role in allowed else (404,)
        assert response.status_code in expected, f"{role} on {name}: {response.status_code}"


def test_payment_details_are_shown_to_coordinators_and_never_to_the_mentor(client, world):
    p, people, urls = world
    client.force_login(p.coordinator)
    assert "Teodora Legal" in client.get(urls["mentorship_stipend"]).content.decode()
    client.force_login(p.mentor)
    page = client.get(p.mentorship.get_absolute_url()).content.decode()
    assert "Stipend" not in page and "Teodora Legal" not in page


def test_the_mentee_sees_the_schedule_with_each_state_and_gives_payment_details(client, world):
    p, _people, urls = world
    client.force_login(p.mentee)
    page = client.get(p.mentorship.get_absolute_url()).content.decode()
    assert "Sent for payment" in page and "Waiting for the evaluation" in page
    response = client.post(urls["mentorship_stipend"], {"legal_name": "", "country": "Brasil"})
    assert response.status_code == 200
    assert "Write your legal name." in response.content.decode() or "This field is required." in response.content.decode()
    assert PaymentDetails.objects.get(user=p.mentee).legal_name == "Teodora Legal"  # nothing lost
    client.post(urls["mentorship_stipend"], {"legal_name": "Teodora Nova", "country": "pt"})
    assert PaymentDetails.objects.values_list("legal_name", "country").get(user=p.mentee) == ("Teodora Nova", "PT")


def test_bulk_decisions_go_through_a_confirmation_page(client, world):
    p, _people, urls = world
    midpoint = Instalment.objects.get(mentorship=p.mentorship, event="midpoint")
    client.force_login(p.coordinator)
    response = client.post(urls["decide"], {"instalments": [midpoint.pk], "action": "approve"})
    assert response.status_code == 200 and "You are about to approve 1 instalment" in response.content.decode()
    midpoint.refresh_from_db()
    assert midpoint.status == "waiting"  # nothing decided before the confirmation
    response = client.post(urls["decide"], {"instalments": [midpoint.pk], "action": "approve", "confirm": "1"})
    assert response.status_code == 302
    midpoint.refresh_from_db()
    assert midpoint.status == "approved"


def test_exports_download_as_csv_and_json_and_again_by_id(client, world):
    p, _people, urls = world
    client.force_login(p.coordinator)
    rows = list(csv.DictReader(io.StringIO(client.get(urls["export_download"]).content.decode())))
    assert [(r["legal_name"], r["amount"], r["currency"], r["instalment"]) for r in rows] == [
        ("Teodora Legal", "300.00", "EUR", "start")]
    data = json.loads(client.get(urls["export_download"].replace(".csv", ".json")).content)
    assert data["instalments"][0]["legal_name"] == "Teodora Legal"
    assert client.get(urls["export_download"].replace(".csv", ".xml")).status_code == 404


def test_the_cohort_dashboard_shows_funded_places_against_filled(client, world):
    p, _people, _urls = world
    client.force_login(p.coordinator)
    page = client.get(reverse("programs:cohort_dashboard", args=[p.cohort.pk])).content.decode()
    assert "Places funded by sponsors: 2 · paid places filled: 1" in page


def test_sponsors_are_added_with_a_clear_message_and_reported(client, world):
    p, _people, urls = world
    client.force_login(p.coordinator)
    response = client.post(urls["sponsors"], {"organization": "Acme", "pledged_0": "-5", "pledged_1": "EUR",
                                              "status": "pledged"})
    assert response.status_code == 200 and not Sponsor.objects.filter(organization="Acme").exists()
    client.post(urls["sponsors"], {"organization": "Acme", "pledged_0": "1000", "pledged_1": "EUR", "status": "paid"})
    assert Sponsor.objects.get(organization="Acme").pledged == Money("1000", "EUR")
    rows = list(csv.DictReader(io.StringIO(client.get(urls["sponsor_report"]).content.decode())))
    assert rows[0]["places_funded"] == "2" and rows[0]["mentee"] == p.mentee.get_full_name()
    assert rows[0]["completed"] == "no"
    assert rows[1]["sponsor"] == "Acme" and rows[1]["places_funded"] == "1" and rows[1]["mentee"] == ""
    assert rows[1]["pledged"] == "1000.00 EUR"  # in the currency's smallest unit, not the column's 3 places


def test_the_mentor_evaluation_page_asks_for_the_payment_recommendation_and_keeps_what_was_typed(client):
    from mentoring.models import Evaluation

    p = paid_pair()
    url = reverse("mentoring:evaluation_submit", args=[p.mentorship.pk, "midpoint"])
    client.force_login(p.mentor)
    page = client.get(url).content.decode()
    assert "The mentee&#x27;s stipend instalment for this evaluation" in page and "Delay it: extend the mentorship" in page
    form = client.get(url).context["form"]
    answers = {name: ("4" if "Rating" in str(type(field.widget)) or hasattr(field, "coerce") else "Going well.")
               for name, field in form.fields.items() if name.startswith("q_")}
    response = client.post(url, {**answers, "stipend_recommendation": "extend"})
    assert response.status_code == 200 and "An extension is 1 to 5 weeks." in response.content.decode()
    assert "Going well." in response.content.decode()  # nothing lost
    assert not Evaluation.objects.exists()
    response = client.post(url, {**answers, "stipend_recommendation": "extend", "stipend_extension_weeks": "3"})
    assert response.status_code == 302
    assert p.mentorship.recommendations.get().extension_weeks == 3
    # The mentee's evaluation of the mentor asks nothing about money.
    client.force_login(p.mentee)
    assert "stipend" not in client.get(url).content.decode().lower()


def test_after_the_extension_the_mentor_says_again_and_the_coordinator_reads_it(client, world):
    p, _people, urls = world
    client.force_login(p.mentor)
    page = client.get(p.mentorship.get_absolute_url()).content.decode()
    assert urls["recommendation_update"] in page and "Teodora Legal" not in page
    response = client.post(urls["recommendation_update"], {"choice": "extend"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert p.mentorship.recommendations.get(stage="final").choice == "extend"  # nothing changed
    assert client.post(urls["recommendation_update"], {"choice": "pay"}).status_code == 302
    assert p.mentorship.recommendations.get(stage="final").choice == "pay"
    client.force_login(p.coordinator)
    final = Instalment.objects.get(mentorship=p.mentorship, event="final")
    cell = client.get(urls["payments"]).content.decode().split(f'data-instalment="{final.pk}"')[1].split("</td>")[0]
    assert "Mentor: Pay the instalment" in cell
    # Once it is approved there is nothing to say again: the page is gone for the mentor too.
    services.instalments_decide(cohort=p.cohort, actor=p.coordinator, instalment_ids=[final.pk], action="approve")
    client.force_login(p.mentor)
    assert client.get(urls["recommendation_update"]).status_code == 404


def test_currency_lists_offer_payable_currencies_named_in_the_readers_language(client, world):
    """They listed all 308 codes of py-moneyed in English: gold, test codes, the Spanish peseta, units of account."""
    p, _people, urls = world
    client.force_login(p.coordinator)
    for name in ("plan_edit", "sponsors"):
        page = client.get(urls[name], HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert '<option value="EUR"' in page and "EUR · euro" in page and "BRL · real brasileño" in page
        assert '<option value="XAU"' not in page and '<option value="XTS"' not in page  # gold, the test code
        assert '<option value="ESP"' not in page  # the peseta, gone since 2002
    # A sponsor in a currency that is not offered any more keeps it when edited.
    old = SponsorFactory(cohort=p.cohort, pledged=Money("10", "XAU"))
    page = client.get(reverse("stipends:sponsor_edit", args=[p.cohort.pk, old.pk])).content.decode()
    assert '<option value="XAU" selected' in page


def test_the_amount_and_currency_inputs_have_names(client, world):
    """Both inputs sat in a fieldset whose legend names neither (axe: “form elements must have labels”)."""
    p, _people, urls = world
    client.force_login(p.coordinator)
    for name, field in (("plan_edit", "amount"), ("sponsors", "pledged")):
        page = client.get(urls[name]).content.decode()
        assert f'name="{field}_0"' in page and 'aria-label="Amount"' in page and 'aria-label="Currency"' in page


def test_a_new_sponsor_pledges_in_the_plans_currency_unless_another_is_chosen(client, world):
    import re

    p, _people, urls = world
    client.force_login(p.coordinator)
    page = client.get(urls["sponsors"]).content.decode()
    chosen = re.findall(r'<option value="([A-Z]{3})"[^>]*selected', page)
    assert chosen == [str(p.cohort.stipend_plan.amount.currency)]
