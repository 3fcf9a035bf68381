"""Who gets what, for every mentoring URL: a matrix over eight kinds of visitor.

Anonymous visitors are sent to log in; people outside the mentorship (another mentee, another
mentor, the coordinator of another program) get 404, as if it did not exist; the two people,
the program's coordinators and site admins get the page, unless their role may not do that
action (403). Private meeting notes never appear on anyone else's page.
"""
import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from mentoring import services
from mentoring.models import Agreement, Closure, EvaluationQuestion, Stage
from mentoring.services import concerns as concern_services
from mentoring.tests.factories import pair

pytestmark = pytest.mark.django_db

READERS = {"mentor", "mentee", "coordinator", "admin"}
PARTICIPANTS = {"mentor", "mentee"}
COORDINATORS = {"coordinator", "admin"}
OUTSIDERS = ("other_mentee", "other_mentor", "other_coordinator")


@dataclass
class World:
    people: dict
    urls: dict
    mentorship: object


@pytest.fixture
def world():
    p = pair(mentor_name="Matrix Mentor", mentee_name="Matrix Mentee")
    other = pair(mentor_name="Other Mentor", mentee_name="Other Mentee")
    m = p.mentorship
    services.agreement_save(mentorship=m, actor=p.mentor, meeting_frequency=Agreement.Frequency.WEEKLY,
                            communication="Chat", mentee_goals="Grow")
    goal = services.goal_create(mentorship=m, actor=p.mentee, title="Learn testing")
    meeting = services.meeting_schedule(mentorship=m, actor=p.mentor,
                                        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1), agenda="Agenda")
    services.private_note_save(meeting=meeting, actor=p.mentor, body="PRIVATE-NOTE-OF-MENTOR")
    services.private_note_save(meeting=meeting, actor=p.mentee, body="PRIVATE-NOTE-OF-MENTEE")
    item = services.action_item_add(meeting=meeting, actor=p.mentor, owner_role="mentee", title="Write tests")
    end_request = services.early_end_request(mentorship=m, actor=p.mentee, reason="Moving abroad")
    Closure.objects.create(mentorship=m, author=p.mentee, role="mentee", achieved="Tests", list_as_alumni=True)
    people = {
        "mentor": p.mentor, "mentee": p.mentee, "coordinator": p.coordinator,
        "admin": UserFactory(is_superuser=True, is_staff=True),
        "other_mentee": other.mentee, "other_mentor": other.mentor, "other_coordinator": other.coordinator,
    }
    pk = m.pk
    urls = {
        "detail": reverse("mentoring:mentorship_detail", args=[pk]),
        "agreement": reverse("mentoring:agreement", args=[pk]),
        "agreement_edit": reverse("mentoring:agreement_edit", args=[pk]),
        "agreement_accept": reverse("mentoring:agreement_accept", args=[pk]),
        "goal_create": reverse("mentoring:goal_create", args=[pk]),
        "goal_detail": reverse("mentoring:goal_detail", args=[pk, goal.pk]),
        "goal_edit": reverse("mentoring:goal_edit", args=[pk, goal.pk]),
        "meeting_create": reverse("mentoring:meeting_create", args=[pk]),
        "meeting_detail": reverse("mentoring:meeting_detail", args=[pk, meeting.pk]),
        "meeting_edit": reverse("mentoring:meeting_edit", args=[pk, meeting.pk]),
        "meeting_notes": reverse("mentoring:meeting_notes", args=[pk, meeting.pk]),
        "meeting_private_note": reverse("mentoring:meeting_private_note", args=[pk, meeting.pk]),
        "action_item_create": reverse("mentoring:action_item_create", args=[pk, meeting.pk]),
        "meeting_cancel": reverse("mentoring:meeting_cancel", args=[pk, meeting.pk]),
        "meeting_ics": reverse("mentoring:meeting_ics", args=[pk, meeting.pk]),
        "action_item_done": reverse("mentoring:action_item_done", args=[pk, item.pk]),
        "check_in_list": reverse("mentoring:check_in_list", args=[pk]),
        "check_in_create": reverse("mentoring:check_in_create", args=[pk]),
        "evaluation_list": reverse("mentoring:evaluation_list", args=[pk]),
        "evaluation_submit": reverse("mentoring:evaluation_submit", args=[pk, Stage.MIDPOINT]),
        "closure": reverse("mentoring:closure", args=[pk]),
        "alumni_consent": reverse("mentoring:alumni_consent", args=[pk]),
        "transition_pause": reverse("mentoring:mentorship_transition", args=[pk, "pause"]),
        "transition_complete": reverse("mentoring:mentorship_transition", args=[pk, "complete"]),
        "dates": reverse("mentoring:mentorship_dates", args=[pk]),
        "extend": reverse("mentoring:mentorship_extend", args=[pk]),
        "early_end": reverse("mentoring:early_end", args=[pk]),
        "early_end_decide": reverse("mentoring:early_end_decide", args=[pk, end_request.pk]),
        "cohort_overview": reverse("mentoring:cohort_overview", args=[p.cohort.pk]),
        "program_statistics": reverse("mentoring:program_statistics", args=[p.program.slug]),
        "setup_mentoring": reverse("mentoring:setup_mentoring", args=[p.cohort.pk]),
        "concern_raise_mentorship": reverse("mentoring:concern_raise_mentorship", args=[pk]),
        "concern_detail": reverse("mentoring:concern_detail", args=[concern_services.concern_raise(
            reporter=p.mentee, mentorship=m, body="PRIVATE-CONCERN-OF-MENTEE").pk]),
        "cohort_concerns": reverse("mentoring:cohort_concerns", args=[p.cohort.pk]),
        "setup_evaluations": reverse("mentoring:setup_evaluations", args=[p.cohort.pk]),
        "setup_evaluation_question": reverse("mentoring:setup_evaluation_question", args=[
            p.cohort.pk, EvaluationQuestion.objects.create(cohort=p.cohort, stage="final", direction="about_mentor",
                                                           prompt="Matrix?").pk]),
    }
    return World(people=people, urls=urls, mentorship=m)


# (url name, method, POST data, roles that may use it). Every other reader gets 403; everyone else 404.
MATRIX = [
    ("detail", "get", None, READERS),
    ("agreement", "get", None, READERS),
    ("agreement_edit", "get", None, PARTICIPANTS),
    ("agreement_accept", "post", {}, PARTICIPANTS),
    ("goal_create", "get", None, {"mentee"}),
    ("goal_detail", "get", None, READERS),
    ("goal_detail", "post", {"body": "Nice"}, PARTICIPANTS),
    ("goal_edit", "get", None, {"mentee"}),
    ("meeting_create", "get", None, PARTICIPANTS),
    ("meeting_detail", "get", None, READERS),
    ("meeting_edit", "get", None, PARTICIPANTS),
    ("meeting_notes", "post", {"notes": "We talked"}, PARTICIPANTS),
    ("meeting_private_note", "post", {"body": "mine"}, PARTICIPANTS),
    ("action_item_create", "post", {"title": "Do it", "owner_role": "mentor"}, PARTICIPANTS),
    ("action_item_done", "post", {"done": "1"}, PARTICIPANTS),
    ("meeting_ics", "get", None, READERS),
    ("check_in_list", "get", None, READERS),
    ("check_in_create", "get", None, {"mentee"}),
    ("evaluation_list", "get", None, READERS),
    ("evaluation_submit", "get", None, PARTICIPANTS),
    ("closure", "get", None, PARTICIPANTS),
    ("alumni_consent", "post", {"listed": "1"}, {"mentee"}),
    ("transition_pause", "post", {}, READERS),
    ("transition_complete", "post", {}, COORDINATORS),
    ("dates", "get", None, COORDINATORS),
    ("extend", "get", None, {"mentor", "coordinator", "admin"}),
    ("early_end", "get", None, READERS),
    ("early_end_decide", "get", None, COORDINATORS),
    ("meeting_cancel", "post", {}, PARTICIPANTS),
    # Coordinator pages: 404 (not 403) for everyone else, the pair included.
    ("cohort_overview", "get", None, COORDINATORS),
    ("program_statistics", "get", None, COORDINATORS),
    # Cohort set-up (views.setup)
    ("setup_mentoring", "get", None, COORDINATORS),
    ("setup_evaluations", "get", None, COORDINATORS),
    ("setup_evaluation_question", "get", None, COORDINATORS),
    # Concerns: the pair raises one; a concern raised by the mentee is read by the program's coordinators
    # and the mentee, and by no one else (the mentor gets 404, as if it did not exist).
    ("concern_raise_mentorship", "get", None, PARTICIPANTS),
    ("concern_detail", "get", None, {"mentee", "coordinator", "admin"}),
    ("cohort_concerns", "get", None, COORDINATORS),
]
PRIVATE_PAGES = {"concern_detail"}
COORDINATOR_PAGES = {"cohort_overview", "program_statistics", "setup_mentoring", "setup_evaluations",
                     "setup_evaluation_question", "cohort_concerns"}


def test_the_matrix_covers_every_mentoring_url():
    from mentoring.urls import urlpatterns

    covered = {name for name, *_ in MATRIX} | {"transition_pause", "transition_complete"}
    names = {p.name for p in urlpatterns}
    tested_elsewhere = {"mentorship_list", "become_mentor", "calendar_settings", "calendar_feed",
                        "concern_raise_application"}  # mentoring/tests/test_concerns.py
    aliases = {"detail": "mentorship_detail", "transition_pause": "mentorship_transition",
               "transition_complete": "mentorship_transition", "dates": "mentorship_dates", "extend": "mentorship_extend"}
    assert names - tested_elsewhere == {aliases.get(n, n) for n in covered}


@pytest.mark.parametrize(("name", "method", "data", "allowed"), MATRIX, ids=[f"{m[1]}-{m[0]}" for m in MATRIX])
def test_permission_matrix(client, world, name, method, data, allowed):
    url = world.urls[name]
    send = getattr(client, method)
    response = send(url, data) if method == "post" else send(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), "anonymous"
    outsiders = OUTSIDERS + (("mentor", "mentee") if name in COORDINATOR_PAGES else ())
    outsiders += tuple(sorted(READERS - allowed)) if name in PRIVATE_PAGES else ()
    for role in outsiders:
        client.force_login(world.people[role])
        response = send(url, data) if method == "post" else send(url)
        assert response.status_code == 404, f"{role} must not learn that {name} exists"
    for role in sorted(READERS - allowed - (set(outsiders) & READERS)):
        client.force_login(world.people[role])
        response = send(url, data) if method == "post" else send(url)
        assert response.status_code == 403, f"{role} may see the mentorship but not {name}"
    for role in sorted(allowed):
        client.force_login(world.people[role])
        response = send(url, data) if method == "post" else send(url)
        assert response.status_code in (200, 302), f"{role} should reach {name}, got {response.status_code}"


def test_unknown_transition_is_404(client, world):
    client.force_login(world.people["coordinator"])
    url = reverse("mentoring:mentorship_transition", args=[world.mentorship.pk, "explode"])
    assert client.post(url).status_code == 404


def test_everyone_logged_in_has_their_own_list_and_calendar_page_but_not_anonymous(client, world):
    for name in ("mentoring:mentorship_list", "mentoring:calendar_settings"):
        client.logout()
        assert client.get(reverse(name)).status_code == 302
        for person in world.people.values():
            client.force_login(person)
            assert client.get(reverse(name)).status_code == 200
    client.force_login(world.people["other_mentee"])
    assert "Matrix Mentee" not in client.get(reverse("mentoring:mentorship_list")).content.decode()


def test_private_notes_never_reach_anyone_but_their_author(client, world):
    gets = [world.urls[name] for name, method, _data, _allowed in MATRIX if method == "get"]
    gets.append(reverse("accounts:dashboard"))
    for role, own, others in [
        ("mentor", "PRIVATE-NOTE-OF-MENTOR", "PRIVATE-NOTE-OF-MENTEE"),
        ("mentee", "PRIVATE-NOTE-OF-MENTEE", "PRIVATE-NOTE-OF-MENTOR"),
        ("coordinator", None, "PRIVATE-NOTE-OF-"),
        ("admin", None, "PRIVATE-NOTE-OF-"),
    ]:
        client.force_login(world.people[role])
        for url in gets:
            body = client.get(url).content.decode()
            assert others not in body, f"{role} saw someone else's private note on {url}"
        if own:
            assert own in client.get(world.urls["meeting_detail"]).content.decode()
