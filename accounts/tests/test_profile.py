import pytest
from django.urls import reverse

from accounts.models import Skill
from accounts.tests.factories import SkillFactory, UserFactory, language, make_mentor
from accounts.validators import orcid_checksum, validate_orcid

pytestmark = pytest.mark.django_db


def _valid_data(**overrides):
    data = {
        "display_name": "Rosa Parks", "pronouns": "she/her", "bio": "I build tools.", "country": "Peru",
        "timezone": "America/Lima", "languages": [language("es").pk], "is_mentee": "on",
        "career_goals": "Lead a research software team.", "hours_per_week": "5", "mentor_capacity": "1",
        "github_url": "https://github.com/rosa", "orcid": "0000-0002-1825-0097", "website": "", "linkedin_url": "",
        "email_language": "es", "suggested_skills": "",
    }
    data.update(overrides)
    return data


def test_orcid_checksum_matches_the_published_example():
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000021694233") == "X"
    validate_orcid("https://orcid.org/0000-0002-1694-233X")


def test_edit_profile_saves_everything(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), _valid_data())
    assert response.status_code == 302
    user.refresh_from_db()
    profile = user.profile
    assert profile.display_name == "Rosa Parks"
    assert profile.timezone == "America/Lima" and profile.utc_offset_minutes == -300
    assert list(profile.languages.values_list("code", flat=True)) == ["es"]
    assert user.language == "es"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus_Mons", "not a known time zone"),
        ("orcid", "0000-0002-1825-0098", "wrong check digit"),
        ("orcid", "12345", "looks like"),
    ],
)
def test_bad_input_shows_a_clear_error_and_keeps_what_was_typed(client, field, value, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), _valid_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # Every other field keeps what the person typed.
    assert 'value="Rosa Parks"' in html
    assert "Lead a research software team." in html
    assert 'value="https://github.com/rosa"' in html
    user.profile.refresh_from_db()
    assert user.profile.display_name == ""  # nothing half-saved


def test_suggested_skills_are_created_for_review(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:profile_edit"), _valid_data(suggested_skills="Quantum chemistry, Python"))
    SkillFactory(name="Python")
    skill = Skill.objects.get(name="Quantum chemistry")
    assert skill.approved is False and skill.suggested_by == user
    assert user.profile.skills.filter(pk=skill.pk).exists()


def test_listing_in_directory_requires_mentor_role(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), _valid_data(open_to_mentoring="on"))
    assert response.status_code == 200
    assert "to be listed in the directory" in response.content.decode()


def test_completeness_tells_what_is_missing():
    user = UserFactory()
    profile = user.profile
    assert profile.completeness < 100
    assert "your name" in [str(item) for item in profile.missing_items()]


class TestProfilePermissions:
    def test_anonymous_is_sent_to_login(self, client):
        for name in ("accounts:profile_edit", "accounts:dashboard", "accounts:my_profile"):
            response = client.get(reverse(name))
            assert response.status_code == 302 and reverse("account_login") in response["Location"]

    def test_private_profile_is_404_for_others(self, client):
        owner = UserFactory()
        other = UserFactory()
        url = reverse("accounts:profile_detail", args=[owner.profile.pk])
        assert client.get(url).status_code == 404
        client.force_login(other)
        assert client.get(url).status_code == 404
        client.force_login(owner)
        response = client.get(url)
        assert response.status_code == 200 and b"Edit profile" in response.content

    def test_listed_mentor_profile_is_public_but_hides_email_and_goals(self, client):
        mentor = make_mentor(name="Public Mentor", career_goals="SECRET-GOALS")
        response = client.get(reverse("accounts:profile_detail", args=[mentor.profile.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Public Mentor" in html
        assert mentor.email not in html and "SECRET-GOALS" not in html

    def test_edit_page_only_edits_your_own_profile(self, client):
        owner, other = UserFactory(), UserFactory()
        client.force_login(other)
        client.post(reverse("accounts:profile_edit"), _valid_data(display_name="Hijacked"))
        owner.profile.refresh_from_db()
        assert owner.profile.display_name != "Hijacked"
        other.profile.refresh_from_db()
        assert other.profile.display_name == "Hijacked"
