import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("path", "spanish"),
    [
        ("/", "Crece con un mentor"),
        ("/mentors/", "Encuentra mentor/a"),
        ("/accounts/login/", "Iniciar sesión"),
        ("/accounts/signup/", "Registrarse"),
    ],
)
def test_pages_render_in_spanish(client, path, spanish):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert spanish in html


def test_language_switcher_remembers_the_choice(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert "Crece con un mentor" in client.get("/").content.decode()


def test_logged_in_pages_in_spanish(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile_edit"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Edita tu perfil" in html and "Guardar perfil" in html and "Metas profesionales" in html


def test_security_headers_and_csp_without_inline_scripts(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "/emails/" in str(path):
            continue
        text = path.read_text()
        if "<script>" in text or " style=" in text or " onclick=" in text:
            offenders.append(str(path))
    assert offenders == []


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mentorship.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-0123456789",
        "DJANGO_ALLOWED_HOSTS": "mentorship.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mentorship.settings.production",
           "DJANGO_ALLOWED_HOSTS": "mentorship.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_healthz_answers_when_the_database_does(client):
    assert client.get("/healthz").json() == {"status": "ok"}
