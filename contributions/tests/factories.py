"""Factories for the contribution phase: a cohort with an open period and its applicants' records."""
from datetime import UTC, datetime

import factory

from accounts.tests.factories import make_mentee
from contributions.models import Contribution, ContributionPeriod, ContributionTask, LinkedAccount, Platform
from contributions.urls_parse import parse_contribution_url
from programs.tests.factories import CohortFactory

# The recorded answers' work is dated March 2030 (recorded.CREATED): the window covers it.
WINDOW_OPENS = datetime(2030, 3, 1, tzinfo=UTC)
WINDOW_CLOSES = datetime(2030, 3, 31, tzinfo=UTC)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributionPeriod

    cohort = factory.SubFactory(CohortFactory)
    opens_at = WINDOW_OPENS
    closes_at = WINDOW_CLOSES
    repositories = "https://github.com/numpy\nhttps://gitlab.com/gnome"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributionTask
        skip_postgeneration_save = True

    period = factory.SubFactory(PeriodFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    repository_url = "https://github.com/numpy/numpy"
    label = "good first issue"
    places = 2


class LinkedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkedAccount

    user = factory.LazyFunction(lambda: make_mentee(name="Ada"))
    platform = Platform.GITHUB
    username = "ada"
    confirmed_at = WINDOW_OPENS


def _target_field(name):
    return factory.LazyAttribute(lambda o: getattr(parse_contribution_url(o.url), name))


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    cohort = factory.LazyAttribute(lambda o: PeriodFactory().cohort)
    applicant = factory.LazyFunction(lambda: make_mentee(name="Ada"))
    url = factory.Sequence(lambda n: f"https://github.com/numpy/numpy/pull/{n + 1}")
    note = "I learned how masked arrays broadcast."
    platform = _target_field("platform")
    kind = _target_field("kind")


def verified(**fields) -> dict:
    """Fields of a contribution that was fetched and checks out (merged, by its author, in the window)."""
    return {"verified_at": WINDOW_CLOSES, "title": "Fix", "state": "merged", "author": "ada", "repository": "numpy/numpy",
            "opened_at": datetime(2030, 3, 10, tzinfo=UTC), "languages": ["Python", "C"], "topics": ["numpy"],
            "author_matches": True, "repository_counts": True, "in_window": True, **fields}
