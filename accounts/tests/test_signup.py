import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Profile

pytestmark = pytest.mark.django_db


def _link_from(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_sign_up_sends_verification_then_login_works(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "new.person@example.org", "password1": "a long pass phrase 42", "password2": "a long pass phrase 42"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    # Verification is mandatory: logging in before confirming does not reach the dashboard.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.person@example.org", "password": "a long pass phrase 42"})
    assert response.status_code == 302
    assert reverse("accounts:dashboard") not in response["Location"]

    link = _link_from(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/" + path)
    assert response.status_code == 302
    # The welcome email follows confirmation.
    assert any("Welcome" in m.subject for m in mail.outbox)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.person@example.org", "password": "a long pass phrase 42"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    assert Profile.objects.filter(user__email="new.person@example.org").exists()


def test_sign_up_in_spanish_keeps_spanish_for_emails(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "ana@example.org", "password1": "otra frase larga 42", "password2": "otra frase larga 42"},
            HTTP_ACCEPT_LANGUAGE="es",
        )
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(email="ana@example.org").language == "es"
    assert "Confirma" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()


def test_admin_login_goes_through_rate_limited_allauth_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
