"""The profile form: searchable lists, the time-zone select, mentor-only questions, errors beside fields."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.forms import ProfileForm
from accounts.tests.factories import SkillFactory, UserFactory, language, make_mentee, make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in Spanish leaves Spanish active in this thread; later tests expect English."""
    yield
    translation.activate("en")


def _data(**overrides):
    data = {
        "display_name": "Rosa Parks", "bio": "I build tools.", "country": "Peru", "timezone": "America/Lima",
        "languages": [language("es").pk], "is_mentee": "on", "career_goals": "Lead a team.",
        "hours_per_week": "5", "mentor_capacity": "", "github_url": "", "orcid": "", "website": "",
        "linkedin_url": "", "email_language": "en", "suggested_skills": "",
    }
    data.update(overrides)
    return data


def _field_html(html: str, name: str) -> str:
    """The form group around one field (crispy's div#div_id_<name>)."""
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start:end if end != -1 else len(html)]


def test_lists_are_searchable_selects_that_work_without_javascript(client):
    SkillFactory(name="Python")
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    for name in ("skills", "interests", "languages"):
        tag = re.search(rf'<select name="{name}"[^>]*>', html).group(0)
        assert "multiple" in tag and 'data-widget="multiselect"' in tag
        assert "/static/vendor/tom-select/tom-select.complete.min.js" in tag  # loaded only where needed
    assert 'type="checkbox" name="skills"' not in html
    assert "Skills: what you know and could teach" in html
    assert "Interests: what you want to learn" in html
    assert "<script>" not in html  # CSP: no inline script


def test_time_zone_is_a_grouped_select_with_the_browser_guess_only_for_a_default_zone(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    tag = re.search(r'<select name="timezone"[^>]*>', html).group(0)
    assert 'data-guess-browser="true"' in tag
    assert '<optgroup label="America">' in html
    assert '<option value="America/La_Paz">La Paz (America/La_Paz)</option>' in html

    user.profile.timezone = "Europe/Madrid"
    user.profile.save()
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "data-guess-browser" not in html  # a chosen zone is never overridden
    assert '<option value="Europe/Madrid" selected>' in html


def test_a_mentee_is_not_asked_how_many_mentees(client):
    user = make_mentee()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), _data())  # mentor_capacity left empty
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.mentor_capacity == 1  # what was stored stays
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert 'data-shown-by="id_is_mentor"' in html and "If you mentor" in html


def test_a_mentor_must_say_how_many_mentees_beside_the_field(client):
    user = make_mentee()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), _data(is_mentor="on"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say how many mentees you can take at once" in _field_html(html, "mentor_capacity")
    assert 'value="Rosa Parks"' in html  # nothing typed is lost


def test_every_error_is_beside_its_field_and_choices_are_kept(client):
    python = SkillFactory(name="Python")
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:profile_edit"), _data(
        orcid="12345", timezone="Mars/Base", skills=[python.pk], interests=[python.pk], website="not a url",
    ))
    assert response.status_code == 200
    html = response.content.decode()
    assert "looks like" in _field_html(html, "orcid")
    assert "is not a known time zone" in _field_html(html, "timezone")
    assert "Enter a valid URL" in _field_html(html, "website")
    assert 'value="not a url"' in html and 'value="12345"' in html
    skills = _field_html(html, "skills")
    assert f'<option value="{python.pk}" selected>Python</option>' in skills
    assert f'<option value="{language("es").pk}" selected>' in _field_html(html, "languages")


def test_skills_a_mentee_chose_appear_on_their_own_profile(client):
    python = SkillFactory(name="Python")
    user = make_mentee(name="Mentee Mia")
    user.profile.skills.set([python])
    client.force_login(user)
    html = client.get(reverse("accounts:profile_detail", args=[user.profile.pk])).content.decode()
    assert "Skills" in html and ">Python<" in html


def test_choices_are_labelled_and_sorted_in_the_readers_language():
    SkillFactory(name="Machine learning")
    SkillFactory(name="Accessibility")
    user = UserFactory()
    with translation.override("es"):
        form = ProfileForm(instance=user.profile)
        skill_labels = [label for _value, label in form.fields["skills"].choices]
        language_labels = [label for _value, label in form.fields["languages"].choices]
    assert skill_labels.index("Accesibilidad") < skill_labels.index("Aprendizaje automático")
    assert "inglés" in language_labels and "English" not in language_labels
    assert language_labels.index("árabe") < language_labels.index("bengalí")  # accents sort with their letter


def test_directory_shows_names_in_the_readers_language(client):
    ml = SkillFactory(name="Machine learning")
    make_mentor(name="Mei", skills=[ml], languages=("en", "qu"))
    html = client.get(reverse("accounts:mentor_directory"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Aprendizaje automático" in html and "inglés, quechua" in html
    html = client.get(reverse("accounts:mentor_directory"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Machine learning" in html and "English, Quechua" in html
