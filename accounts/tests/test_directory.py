import pytest
from django.urls import reverse

from accounts.tests.factories import SkillFactory, language, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def test_directory_lists_only_opted_in_mentors(client):
    make_mentor(name="Listed Mentor")
    make_mentor(name="Hidden Mentor", listed=False)
    make_mentee(name="Just A Mentee")
    html = client.get(reverse("accounts:mentor_directory")).content.decode()
    assert "Listed Mentor" in html
    assert "Hidden Mentor" not in html and "Just A Mentee" not in html


def test_filters_by_skill_language_and_timezone(client):
    bayes, python = SkillFactory(name="Bayesian statistics"), SkillFactory(name="Python")
    make_mentor(name="Tokyo Bayes", skills=[bayes], languages=["ja", "en"], tz="Asia/Tokyo")
    make_mentor(name="Lima Python", skills=[python], languages=["es"], tz="America/Lima")
    make_mentor(name="Berlin Python", skills=[python], languages=["de", "en"], tz="Europe/Berlin")
    url = reverse("accounts:mentor_directory")

    html = client.get(url, {"skill": python.pk}).content.decode()
    assert "Lima Python" in html and "Berlin Python" in html and "Tokyo Bayes" not in html

    html = client.get(url, {"language": language("es").pk}).content.decode()
    assert "Lima Python" in html and "Berlin Python" not in html

    html = client.get(url, {"tz_min": "-6", "tz_max": "-4"}).content.decode()
    assert "Lima Python" in html and "Tokyo Bayes" not in html and "Berlin Python" not in html

    html = client.get(url, {"tz_min": "5", "tz_max": "-5"}).content.decode()
    assert "must not be before" in html


def test_directory_never_shows_email_addresses(client):
    mentors = [make_mentor(name=f"Mentor {i}") for i in range(5)]
    html = client.get(reverse("accounts:mentor_directory")).content.decode()
    for mentor in mentors:
        assert mentor.email not in html
    assert "@example.org" not in html


def test_directory_query_count_does_not_grow_with_mentors(client, django_assert_max_num_queries):
    skills = [SkillFactory(name=f"Topic {i}") for i in range(5)]
    for i in range(100):
        make_mentor(name=f"Mentor {i:03d}", skills=skills[: 1 + i % 5], languages=["en", "es"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accounts:mentor_directory"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card h-100 card-mentor"') == 24
    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:mentor_directory"), {"page": 4})
