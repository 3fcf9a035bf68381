import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications.backends import ReadableFileEmailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    backend = ReadableFileEmailBackend()
    backend.send_messages([mail.EmailMessage("Confirm your email", "Open http://x.test/confirm/abc/ now", to=["a@b.org"])])
    return tmp_path


def test_anonymous_is_sent_to_login(client, outbox_dir):
    response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 302


def test_non_staff_cannot_read_the_outbox(client, outbox_dir):
    client.force_login(UserFactory())
    name = next(outbox_dir.glob("*.eml")).name
    assert client.get(reverse("notifications:outbox")).status_code == 302
    assert client.get(reverse("notifications:outbox_message", args=[name])).status_code == 302


def test_staff_reads_messages_with_clickable_links(admin_client, outbox_dir):
    html = admin_client.get(reverse("notifications:outbox")).content.decode()
    assert "Confirm your email" in html and "a@b.org" in html
    name = next(outbox_dir.glob("*.eml")).name
    html = admin_client.get(reverse("notifications:outbox_message", args=[name])).content.decode()
    assert '<a href="http://x.test/confirm/abc/"' in html


def test_outbox_reads_nothing_outside_its_folder(admin_client, outbox_dir):
    (outbox_dir.parent / "secret.eml").write_text("Subject: secret\n\nnope")
    for name in ["..%2Fsecret.eml", "secret.txt", "missing.eml"]:
        assert admin_client.get(f"/notifications/outbox/{name}/").status_code == 404
