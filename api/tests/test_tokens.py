"""Personal access tokens: made on the tokens page (shown once, only a hash kept), scoped, expiring, revocable."""
import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from api.models import PersonalAccessToken, token_hash
from api.services import MAX_USABLE_TOKENS, token_create

pytestmark = pytest.mark.django_db


def _create(client, **data):
    return client.post(reverse("api:tokens"), {"name": "Roster sync", "scope": "read", "expires_in_days": 30, **data})


def test_a_person_creates_a_token_sees_it_once_and_only_its_hash_is_kept():
    person = UserFactory()
    client = Client()
    client.force_login(person)
    response = _create(client)
    assert response.status_code == 201
    raw = response.context["new_token"]["raw"]
    assert raw.startswith("mtp_") and raw in response.content.decode()
    token = PersonalAccessToken.objects.get(user=person)
    assert token.key_hash == token_hash(raw) and raw not in (token.key_hash, token.hint)
    assert not PersonalAccessToken.objects.filter(key_hash=raw).exists()
    # Shown once: the page never shows it again, only its first characters.
    again = client.get(reverse("api:tokens")).content.decode()
    assert raw not in again and token.hint in again and "Roster sync" in again
    assert Client().get(reverse("api:my_application_list"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_bad_input_is_shown_beside_the_field_and_nothing_is_made():
    person = UserFactory()
    client = Client()
    client.force_login(person)
    response = _create(client, name="", expires_in_days=12)
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"name", "expires_in_days"}
    assert not PersonalAccessToken.objects.exists()


def test_a_person_may_hold_a_limited_number_of_tokens():
    person = UserFactory()
    for _ in range(MAX_USABLE_TOKENS):
        token_create(user=person, name="x", scope="read", expires_in_days=7)
    client = Client()
    client.force_login(person)
    response = _create(client)
    assert response.status_code == 400 and "revoke one first" in response.content.decode()


def test_revoking_stops_the_token_and_only_the_owner_may_revoke():
    owner, other = UserFactory(), UserFactory()
    token, raw = token_create(user=owner, name="CI", scope="write", expires_in_days=7)
    url = reverse("api:token_revoke", kwargs={"pk": token.pk})
    intruder = Client()
    intruder.force_login(other)
    assert intruder.post(url).status_code == 404
    api = Client()
    assert api.get(reverse("api:mentorship_list"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client = Client()
    client.force_login(owner)
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api.get(reverse("api:mentorship_list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_or_a_deactivated_person_is_refused():
    person = UserFactory()
    _token, raw = token_create(user=person, name="short", scope="read", expires_in_days=7)
    url = reverse("api:mentorship_list")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer mtp_not-a-token", "Bearer nope"])
def test_malformed_or_unknown_tokens_are_refused(header):
    assert Client().get(reverse("api:program_list"), HTTP_AUTHORIZATION=header).status_code == 401


def test_the_profile_page_links_to_the_tokens_page_for_its_owner_only():
    person = UserFactory()
    client = Client()
    client.force_login(person)
    url = reverse("accounts:profile_detail", kwargs={"pk": person.profile.pk})
    assert reverse("api:tokens") in client.get(url).content.decode()
