"""Portuguese (Brazil) next to English and Spanish: chosen from the browser, kept when switched, used in emails."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "portuguese"),
    [
        ("/", "Cresça com um(a) mentor(a)"),
        ("/mentors/", "Encontre um(a) mentor(a)"),
        ("/accounts/login/", "Entrar"),
    ],
)
def test_first_visit_from_a_brazilian_browser_is_in_portuguese(client, path, portuguese):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pt-br">' in html
    assert portuguese in html


@pytest.mark.parametrize("header", ["pt", "pt-PT,pt;q=0.8"])
def test_any_portuguese_browser_gets_the_brazilian_translation(client, header):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    assert '<html lang="pt-br">' in html and "Como funciona" in html


def test_the_language_switcher_offers_portuguese(client):
    html = client.get("/").content.decode()
    switcher = re.search(r'<select[^>]*id="language-select".*?</select>', html, re.S).group(0)
    assert 'value="pt-br"' in switcher and "Português" in switcher
    assert 'value="es"' in switcher and 'value="en"' in switcher


def test_a_chosen_language_is_kept_over_the_browsers(client):
    response = client.post(reverse("set_language"), {"language": "pt-br", "next": "/"})
    assert response.status_code == 302
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="pt-br">' in html and "Como funciona" in html


def test_signed_in_pages_in_portuguese(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile_edit"), HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "Edite seu perfil" in html and "Salvar perfil" in html and "Objetivos profissionais" in html


def test_sign_up_in_portuguese_keeps_portuguese_for_emails(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "joana@example.org", "password1": "uma frase longa 42", "password2": "uma frase longa 42"},
            HTTP_ACCEPT_LANGUAGE="pt-BR",
        )
    assert get_user_model().objects.get(email="joana@example.org").language == "pt-br"
    # allauth's own Brazilian catalogue: "Por favor, confirme seu endereço de e-mail"
    assert "confirme" in mail.outbox[0].subject.lower()


def test_emails_go_out_in_the_recipients_portuguese(django_capture_on_commit_callbacks):
    user = UserFactory(language="pt-br")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=user, kind="welcome", context={"name": "Joana"}, key="welcome:pt")
    message = mail.outbox[0]
    assert message.subject == "Boas-vindas ao Mentorship"
    assert "Complete seu perfil" in message.body
    assert '<html lang="pt-br">' in message.alternatives[0][0].lower()


def test_the_email_language_can_be_set_to_portuguese(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert re.search(r'<select name="email_language"[^>]*>.*value="pt-br"', html, re.S)


def test_pages_say_they_vary_by_language_so_no_cache_serves_the_wrong_one(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "pt-br"


@pytest.mark.parametrize(("language", "tag"), [("es", "es"), ("en", "en"), ("", "en")])
def test_the_html_part_of_an_email_names_its_language(django_capture_on_commit_callbacks, language, tag):
    user = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=user, kind="welcome", context={"name": "Ana"}, key=f"welcome:{tag}")
    assert f'<html lang="{tag}">' in mail.outbox[0].alternatives[0][0].lower()
