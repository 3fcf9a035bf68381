"""Download my data: one archive of everything about the person, nobody else's, behind a signed link."""
import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from privacy import services
from privacy.models import DataExport

from .scenario import CV_BYTES, EMAIL, NAME, OTHER_EMAIL, OTHER_NAME, everything_person

pytestmark = pytest.mark.django_db


def _request_export(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    return DataExport.objects.get(user=user)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/profile/data/export/[^\s]+/)", message.body).group(1)


def test_the_archive_holds_everything_about_the_person_and_nothing_of_anyone_else(
        client, django_capture_on_commit_callbacks, settings):
    person = everything_person()
    mail.outbox.clear()
    export = _request_export(client, person.user, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY
    # Stored privately: outside MEDIA_ROOT, never under a public URL.
    stored = Path(settings.PRIVACY_EXPORT_ROOT) / export.file_name
    assert stored.exists() and not str(stored).startswith(settings.MEDIA_ROOT)

    [message] = [m for m in mail.outbox if m.to == [EMAIL]]
    response = client.get(_link(message))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))

    assert data["accounts"]["account"]["email"] == EMAIL
    assert data["accounts"]["profile"]["display_name"] == NAME
    [application] = data["programs"]["applications"]
    assert application["goals"] == "ZEPHYR wants to learn Rust"
    assert {a["answer"] for a in application["answers"]} == {"ZEPHYR built a star tracker", "ZEPHYR-sensitive answer"}
    assert archive.read(application["cv"]) == CV_BYTES
    assert data["programs"]["reviews_written"][0]["comment"] == "ZEPHYR review comment"
    assert data["programs"]["mentor_enrollments"][0]["offer"] == "ZEPHYR offers code review"
    mentorships = {m["your_role"]: m for m in data["mentoring"]["mentorships"]}
    assert set(mentorships) == {"mentor", "mentee"}
    assert mentorships["mentee"]["meetings"][0]["your_private_notes"] == "ZEPHYR private note"
    assert mentorships["mentee"]["goals"][0]["title"] == "Shared goal: publish"
    assert mentorships["mentor"]["evaluations_written"][0]["answers"][1]["text"] == "ZEPHYR evaluation text"
    # What the mentee wrote about their mentor is shown to mentors only if the cohort shares it (default: no).
    assert mentorships["mentor"]["evaluations_about_you"] == []
    assert mentorships["mentee"]["evaluations_about_you"][0]["answers"][1]["text"] == "Evaluation about you: kind words"
    assert [c["progress"] for c in data["mentoring"]["check_ins"]] == ["ZEPHYR progress", "ZEPHYR progress"]
    assert data["mentor_requests"]["requests_sent"][0]["why_you"] == "ZEPHYR why"
    assert data["organizations"]["organizations"][0]["name"] == "Zephyr Lab"
    assert data["notifications"]["email_preferences"] == [
        {"kind": "meeting_update", "email_enabled": False, "mode": "immediate"}]
    # The apps merged after privacy: contributions, API tokens, the coordinators' set-up, concerns, groups,
    # each program kind's work.
    contributions = data["contributions"]
    assert [a["username"] for a in contributions["linked_accounts"]] == ["zephyrine-quill"]
    assert [c["what_you_learned"] for c in contributions["contributions"]] == ["ZEPHYR learned broadcasting"]
    assert [c["task"] for c in contributions["task_claims"]] == ["Improve the docs"]
    [token] = data["api"]["tokens"]
    assert token["name"] == "ZEPHYR roster sync" and "key_hash" not in token
    assert [i["message"] for i in data["programs"]["invitations_received"]] == [f"Dear {NAME}, please mentor with us"]
    assert [a["answer"] for a in data["programs"]["screening_answers"]] == ["no"]
    assert data["programs"]["screening_outcomes"][0]["reasons"] == ["ZEPHYR is not a student"]
    assert len(data["programs"]["code_of_conduct_accepted"]) == 1
    assert [a["subject"] for a in data["programs"]["announcements_written"]] == ["ZEPHYR announcement"]
    [concern] = data["mentoring"]["concerns_raised"]
    assert concern["concern"] == "ZEPHYR is worried" and concern["reply"] == "Reply to ZEPHYR: we will call you"
    assert [g["name"] for g in data["organizations"]["groups"]] == ["ZEPHYR lab group"]
    assert [i["status"] for i in data["organizations"]["invitations_received"]] == ["pending"]
    work = data["programwork"]
    assert [a["title"] for a in work["ambassador_activities"]] == ["ZEPHYR talk on open data"]
    assert work["ambassador_listings"] == [person.cohort_a.program.name]
    assert [m["title"] for m in work["milestones"]] == ["Shared milestone"]
    assert [i["title"] for i in work["support_plan_items"]] == ["Shared: add tests"]
    assert work["graduations"][0]["decision"] == "graduated"

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    for foreign in (OTHER_EMAIL, OTHER_NAME, "OTHERWORD", "Mira Mentorsdottir", "Cora Coordinator",
                    "coord.privacy@example.org"):
        assert foreign not in everything, foreign


def test_the_link_works_only_for_that_person_and_only_until_it_expires(client, django_capture_on_commit_callbacks):
    person = everything_person()
    mail.outbox.clear()
    export = _request_export(client, person.user, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [EMAIL]]
    link = _link(message)

    client.logout()
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(person.other)
    assert client.get(link).status_code == 404
    client.force_login(person.user)
    assert client.get(link[:-5] + "xxxx/").status_code == 404  # a forged signature
    assert client.get(link).status_code == 200

    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 404
    # The daily sweep deletes the expired file.
    assert services.export_expire() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.file_name == ""


def test_asking_twice_while_it_is_prepared_queues_one_archive(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("privacy:export_request"))
        client.post(reverse("privacy:export_request"))
    assert DataExport.objects.filter(user=user).count() == 1


def test_building_twice_sends_one_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        export = services.export_request(user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_build(export_id=export.pk) == "ready"
        assert services.export_build(export_id=export.pk) == "skipped"
    assert len([m for m in mail.outbox if m.to == [user.email]]) == 1


def test_requesting_an_export_needs_a_post_and_a_login(client):
    url = reverse("privacy:export_request")
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 405
    assert not DataExport.objects.exists()


def test_the_profile_offers_both_actions_to_its_owner_only(client):
    owner, visitor = UserFactory(), UserFactory()
    owner.profile.display_name = "Owner"
    owner.profile.save()
    url = reverse("accounts:profile_detail", args=[owner.profile.pk])
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert reverse("privacy:export_request") in page and reverse("privacy:account_delete") in page
    client.force_login(visitor)
    page = client.get(url)
    if page.status_code == 200:
        assert reverse("privacy:export_request") not in page.content.decode()
