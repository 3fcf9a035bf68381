"""Paid cohorts for the stipend tests: a running pair with a plan, payment details, sponsors."""
import factory
from djmoney.money import Money

from mentoring.tests.factories import NEAR_THE_END, Pair, pair
from stipends import services
from stipends.models import PaymentDetails, Sponsor

THREE = {"start": 30, "midpoint": 30, "final": 40}
THOUSAND_EUROS = Money("1000.00", "EUR")


def paid_pair(*, amount=THOUSAND_EUROS, percents=None, started_days_ago=NEAR_THE_END, **kwargs) -> Pair:
    """A running pair (both evaluation windows open by default) in a cohort with a stipend plan."""
    p = pair(started_days_ago=started_days_ago, **kwargs)
    services.plan_set(cohort=p.cohort, actor=p.coordinator, amount=amount, percents=percents or THREE)
    p.mentorship.refresh_from_db()
    return p


def mentor_evaluates(p: Pair, stage: str, choice: str = "pay", weeks=None, mentee_completed=True):
    from mentoring import services as mentoring
    from mentoring.models import Direction, EvaluationQuestion

    questions = mentoring.evaluation_questions_for(cohort=p.cohort, stage=stage, direction=Direction.ABOUT_MENTEE)
    answers = {q.key: 4 if q.kind == EvaluationQuestion.Kind.RATING else "Good." for q in questions}
    return mentoring.evaluation_submit(
        mentorship=p.mentorship, actor=p.mentor, stage=stage, answers=answers,
        mentee_completed=mentee_completed if stage == "final" else None,
        extra={"stipend_recommendation": choice, "stipend_extension_weeks": weeks},
    )


class PaymentDetailsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentDetails

    legal_name = factory.Sequence(lambda n: f"Legal Name {n}")
    country = "BR"


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    organization = factory.Sequence(lambda n: f"Sponsor {n}")
    contact_name = "Ana Finance"
    contact_email = "finance@example.org"
    pledged = Money("2000.00", "EUR")
