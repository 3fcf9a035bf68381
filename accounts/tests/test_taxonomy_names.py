"""Skill and spoken-language names in Spanish and Portuguese (Brazil), through one helper."""
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from accounts import taxonomy
from accounts.models import Language, Skill
from accounts.tests.factories import SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in Spanish leaves Spanish active in this thread; later tests expect English."""
    yield
    translation.activate("en")

fill = import_module("accounts.migrations.0004_fill_skill_and_language_names").fill


def test_the_data_migration_translates_the_40_skills_and_every_spoken_language():
    for name in taxonomy.SKILL_NAMES:
        SkillFactory(name=name)
    Skill.objects.update(name_es="", name_pt_br="")
    Language.objects.update(name_es="", name_pt_br="")
    Skill.objects.filter(name="Leadership").update(name_es="Liderazgo de equipos")  # an admin's own wording

    fill(apps, None)

    assert len(taxonomy.SKILL_NAMES) == 40
    assert not Skill.objects.filter(name_es="").exists() and not Skill.objects.filter(name_pt_br="").exists()
    assert not Language.objects.filter(name_es="").exists() and not Language.objects.filter(name_pt_br="").exists()
    ml = Skill.objects.get(name="Machine learning")
    assert (ml.name_es, ml.name_pt_br) == ("Aprendizaje automático", "Aprendizado de máquina")
    assert Skill.objects.get(name="Leadership").name_es == "Liderazgo de equipos"  # not overwritten
    quechua = Language.objects.get(code="qu")
    assert (quechua.name_es, quechua.name_pt_br) == ("quechua", "quíchua")


def test_local_name_follows_the_reader_and_falls_back_to_english():
    skill = SkillFactory(name="Open data")
    unknown = SkillFactory(name="Quantum chemistry")  # a suggestion nobody translated yet
    english = Language.objects.get(code="en")
    with translation.override("es"):
        assert (skill.local_name, str(skill), english.local_name) == ("Datos abiertos", "Datos abiertos", "inglés")
        assert unknown.local_name == "Quantum chemistry"
    with translation.override("pt-br"):
        assert (skill.local_name, english.local_name) == ("Dados abertos", "inglês")
    with translation.override("en"):
        assert (skill.local_name, english.local_name) == ("Open data", "English")
    assert taxonomy.local_language_names(["qu", "en", "es"], "es") == ["español", "inglés", "quechua"]


def test_an_admin_edits_the_translations(admin_client):
    skill = SkillFactory(name="Code review")
    url = reverse("admin:accounts_skill_change", args=[skill.pk])
    assert 'name="name_pt_br"' in admin_client.get(url).content.decode()
    english = Language.objects.get(code="en")
    assert 'name="name_es"' in admin_client.get(reverse("admin:accounts_language_change", args=[english.pk])).content.decode()
    response = admin_client.post(url, {
        "name": "Code review", "name_es": "Revisión por pares de código", "name_pt_br": "Revisão de código",
        "slug": skill.slug, "category": "", "approved": "on",
    })
    assert response.status_code == 302
    with translation.override("es"):
        assert Skill.objects.get(pk=skill.pk).local_name == "Revisión por pares de código"


def test_profile_page_shows_names_in_the_readers_language(client):
    user = UserFactory()
    user.profile.interests.set([SkillFactory(name="Time series")])
    user.profile.languages.set([Language.objects.get(code="en")])
    client.force_login(user)
    html = client.get(user.profile.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Series temporales" in html and "inglés" in html


def test_match_reasons_name_languages_and_skills_in_the_readers_language():
    from matching.reasons import reasons_text

    SkillFactory(name="Machine learning")
    facts = {"shared_skills": ["Machine learning"], "shared_skills_count": 1,
             "common_languages": ["English", "Quechua", "Spanish"]}
    with translation.override("es"):
        text = reasons_text(facts)
    assert "aprendizaje automático".lower() in text.lower()
    assert "español, inglés, quechua" in text and "English" not in text
    with translation.override("en"):
        assert "English, Quechua, Spanish" in reasons_text(facts)
