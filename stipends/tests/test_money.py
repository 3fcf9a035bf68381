"""Amounts are exact decimals in their currency; the per-country table imports all or nothing."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from djmoney.money import Money

from accounts.tests.factories import UserFactory, make_mentee
from stipends import services
from stipends.models import CountryAmount, Instalment, MenteeStipend, split

from .factories import paid_pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("total", "percents", "expected"), [
    (Money("1000.00", "EUR"), [33, 33, 34], ["330.00", "330.00", "340.00"]),
    (Money("100.00", "EUR"), [33, 33, 34], ["33.00", "33.00", "34.00"]),
    (Money("100.01", "USD"), [50, 50], ["50.00", "50.01"]),
    (Money("1001", "JPY"), [30, 30, 40], ["300", "300", "401"]),
    (Money("10.005", "BHD"), [50, 50], ["5.002", "5.003"]),
])
def test_shares_are_exact_in_the_currency_smallest_unit_and_add_up(total, percents, expected):
    shares = split(total, percents)
    assert [s.amount for s in shares] == [Decimal(e) for e in expected]
    assert sum((s.amount for s in shares), Decimal(0)) == total.amount
    assert {str(s.currency) for s in shares} == {str(total.currency)}


def test_a_pair_gets_instalments_that_add_up_to_its_fixed_amount_stored_as_decimals():
    p = paid_pair(amount=Money("999.99", "USD"), percents={"start": 33, "midpoint": 33, "final": 34})
    instalments = list(Instalment.objects.filter(mentorship=p.mentorship).order_by("order"))
    assert [i.event for i in instalments] == ["start", "midpoint", "final"]
    assert all(isinstance(i.amount.amount, Decimal) for i in instalments)
    assert sum(i.amount.amount for i in instalments) == Decimal("999.99")
    assert [str(i.amount.amount.normalize()) for i in instalments] == ["329.99", "329.99", "340.01"]


def test_a_plan_refuses_amounts_below_the_currency_unit_and_splits_not_adding_to_100():
    p = paid_pair()
    with pytest.raises(ValidationError, match="no amounts smaller"):
        services.plan_set(cohort=p.cohort, actor=p.coordinator, amount=Money("10.5", "JPY"), percents={"start": 100})
    with pytest.raises(ValidationError, match="add up to 100"):
        services.plan_set(cohort=p.cohort, actor=p.coordinator, amount=Money("10", "EUR"),
                          percents={"start": 50, "final": 40})
    with pytest.raises(PermissionDenied):
        services.plan_set(cohort=p.cohort, actor=p.mentor, amount=Money("10", "EUR"), percents={"start": 100})


def test_the_initial_instalment_needs_the_cohort_initial_evaluation():
    p = paid_pair()
    with pytest.raises(ValidationError, match="no initial evaluation"):
        services.plan_set(cohort=p.cohort, actor=p.coordinator, amount=Money("10", "EUR"),
                          percents={"initial": 50, "final": 50})


def _admin():
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_country_table_sets_each_mentee_amount_at_acceptance_with_the_plan_amount_as_fallback():
    p = paid_pair(amount=Money("1000.00", "EUR"))
    services.country_amounts_import(plan=p.cohort.stipend_plan, actor=_admin(), data="country,amount\nBR,600.50\nes,900\n")
    assert dict(CountryAmount.objects.values_list("country", "amount")) == {"BR": Decimal("600.50"), "ES": Decimal("900")}
    brazilian, elsewhere = make_mentee(name="Bia", country="BR"), make_mentee(name="Kai", country="Iceland")
    assert services.stipend_fix(cohort=p.cohort, mentee=brazilian).amount == Money("600.50", "EUR")
    assert services.stipend_fix(cohort=p.cohort, mentee=elsewhere).amount == Money("1000.00", "EUR")
    # Fixed: a later table or plan change does not move an accepted mentee's amount.
    services.country_amounts_import(plan=p.cohort.stipend_plan, actor=_admin(), data="BR,100\n")
    services.plan_set(cohort=p.cohort, actor=p.coordinator, amount=Money("1500.00", "EUR"),
                      percents={"start": 30, "midpoint": 30, "final": 40})
    assert MenteeStipend.objects.get(mentee=brazilian).amount == Money("600.50", "EUR")
    assert MenteeStipend.objects.get(mentee=elsewhere).amount == Money("1000.00", "EUR")


def test_bad_rows_get_line_numbered_errors_and_change_nothing():
    p = paid_pair(amount=Money("1000.00", "EUR"))
    plan = p.cohort.stipend_plan
    services.country_amounts_import(plan=plan, actor=_admin(), data="BR,600\n")
    bad = "country,amount\nES,900\nBRA,100\nPT,abc\nMX,-5\nAR,10.001\nES,800\nCL\n"
    with pytest.raises(ValidationError) as caught:
        services.country_amounts_import(plan=plan, actor=_admin(), data=bad)
    assert caught.value.messages == [
        "Line 3: “BRA” is not a two-letter country code.",
        "Line 4: “abc” is not an amount.",
        "Line 5: the amount must be more than zero.",
        "Line 6: EUR has no amounts smaller than 0.01.",
        "Line 7: ES is already on line 2.",
        "Line 8: write a country code and an amount, separated by a comma.",
    ]
    assert list(CountryAmount.objects.values_list("country", "amount")) == [("BR", Decimal("600"))]


def test_only_site_admins_import_the_country_table():
    p = paid_pair()
    with pytest.raises(PermissionDenied):
        services.country_amounts_import(plan=p.cohort.stipend_plan, actor=p.coordinator, data="BR,1\n")


def test_country_codes_must_be_iso_3166_in_the_import_and_the_payment_details():
    from stipends.countries import ISO_3166
    from stipends.forms import PaymentDetailsForm

    assert len(ISO_3166) == 249 and {"BR", "ES", "PT", "JP"} <= ISO_3166 and not {"EU", "UN", "ZZ", "XK"} & ISO_3166
    p = paid_pair(amount=Money("1000.00", "EUR"))
    plan = p.cohort.stipend_plan
    with pytest.raises(ValidationError) as caught:
        services.country_amounts_import(plan=plan, actor=_admin(), data="country,amount\nES,900\nXX,100\nEU,5\nuk,7\n")
    assert caught.value.messages == [
        "Line 3: “XX” is not a country of ISO 3166.",
        "Line 4: “EU” is not a country of ISO 3166.",
        "Line 5: “uk” is not a country of ISO 3166.",  # the United Kingdom is GB
    ]
    assert not CountryAmount.objects.exists()
    form = PaymentDetailsForm({"legal_name": "Teo Legal", "country": "QQ"})
    assert not form.is_valid() and form.errors["country"] == ["Use a two-letter ISO 3166 country code, such as BR or ES."]
    assert PaymentDetailsForm({"legal_name": "Teo Legal", "country": "gb"}).is_valid()
