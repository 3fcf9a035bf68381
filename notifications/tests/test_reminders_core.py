from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications import kinds, services
from notifications.models import Notification, NotificationPreference
from notifications.reminders import scan_due

pytestmark = pytest.mark.django_db

kinds.register("test_reminder", "Test reminders", "notifications/emails/welcome", reminder=True)


def person(tz="Europe/Madrid", **kwargs):
    user = UserFactory(**kwargs)
    user.profile.timezone = tz
    user.profile.save()
    return user


def test_reminders_wait_for_the_end_of_quiet_hours(django_capture_on_commit_callbacks):
    night_in_madrid = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 in Madrid
    user = person("Europe/Madrid")
    with time_machine.travel(night_in_madrid, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            row = services.notify(user=user, kind="test_reminder", context={"name": "x"}, key="r1")
        assert mail.outbox == [] and row.status == "pending"
        assert row.send_after == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)  # 08:00 Madrid
        assert services.dispatch_pending() == 0
    with time_machine.travel(datetime(2026, 11, 21, 7, 1, tzinfo=UTC), tick=False):
        assert services.dispatch_pending() == 1
    assert len(mail.outbox) == 1


def test_non_reminders_ignore_quiet_hours(django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(user=person(), kind="welcome", context={"name": "x"}, key="w1")
    assert len(mail.outbox) == 1


def test_digest_gathers_reminders_once_a_day_after_nine_local(django_capture_on_commit_callbacks):
    user = person("America/La_Paz")  # UTC-4
    services.preference_set(user=user, kind="test_reminder", enabled=True, mode=NotificationPreference.Mode.DIGEST)
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False):  # 08:00 La Paz
        services.notify(user=user, kind="test_reminder", context={"name": "A"}, key="d1")
        services.notify(user=user, kind="test_reminder", context={"name": "B"}, key="d2")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.digests_send() == 0  # before 09:00 local
    with time_machine.travel(datetime(2026, 11, 20, 13, 5, tzinfo=UTC), tick=False):  # 09:05 La Paz
        with django_capture_on_commit_callbacks(execute=True):
            assert services.digests_send() == 1
            assert services.digests_send() == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "2 updates" in digest.subject
    # Compact: one line per item (its subject), not each email pasted whole with its greeting.
    assert digest.body.count("- Welcome to Mentorship") == 2
    assert "Hello A" not in digest.body and "Hello B" not in digest.body
    assert Notification.objects.filter(key__in=["d1", "d2"], status="sent").count() == 2


def test_notify_many_uses_constant_queries(django_assert_max_num_queries, django_capture_on_commit_callbacks):
    def batch(n, prefix):
        users = [person("UTC") for _ in range(n)]
        for u in users[::3]:
            services.preference_set(user=u, kind="test_reminder", enabled=False)
        from django.contrib.auth import get_user_model

        loaded = get_user_model().objects.filter(pk__in=[u.pk for u in users]).select_related("profile")
        return [services.Message(user=u, context={"name": u.email}, key=f"{prefix}:{u.pk}") for u in loaded]

    small, large = batch(5, "s"), batch(60, "l")
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=UTC), tick=False):
        with django_assert_max_num_queries(8):
            assert services.notify_many(kind="test_reminder", messages=small) == 5
        with django_assert_max_num_queries(8):
            assert services.notify_many(kind="test_reminder", messages=large) == 60
        assert services.notify_many(kind="test_reminder", messages=large) == 0  # same keys: nothing new
    assert Notification.objects.filter(key__startswith="l:", status="suppressed").count() == 20


def test_scan_due_runs_every_registered_scanner_and_survives_a_broken_one():
    from notifications import reminders

    calls = []
    reminders.register("zz_ok")(lambda now: calls.append(now) or 2)
    reminders.register("zz_broken")(lambda now: 1 / 0)
    try:
        counts = scan_due()
    finally:
        reminders._SCANNERS.pop("zz_ok")
        reminders._SCANNERS.pop("zz_broken")
    assert counts["zz_ok"] == 2 and counts["zz_broken"] == -1 and len(calls) == 1


def test_preferences_page_sets_digest_mode(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="mode_test_reminder"' in html and 'name="mode_welcome"' not in html
    client.post(reverse("notifications:preferences"), {"kind_test_reminder": "on", "mode_test_reminder": "digest",
                                                        "kind_welcome": "on"})
    assert services.modes_for(user=user)["test_reminder"] == "digest"


def test_unsubscribe_page_offers_the_daily_digest_for_reminders(client):
    user = UserFactory()
    url = reverse("notifications:unsubscribe", args=[services.unsubscribe_token(user=user, kind="test_reminder")])
    assert "Send them once a day instead" in client.get(url).content.decode()
    client.post(url, {"digest": "1"})
    assert services.modes_for(user=user)["test_reminder"] == "digest"
    assert services.preferences_for(user=user)["test_reminder"] is True
    welcome = reverse("notifications:unsubscribe", args=[services.unsubscribe_token(user=user, kind="welcome")])
    assert "once a day" not in client.get(welcome).content.decode()
