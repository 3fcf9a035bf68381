"""Delete my account: told first, then erased everywhere, while what others need stays (anonymised)."""
import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse

from accounts.tests.factories import UserFactory
from api.models import PersonalAccessToken
from contributions.models import Contribution, LinkedAccount
from mentor_requests.models import MentorshipRequest
from mentoring.models import CheckIn, Concern, Evaluation, Mentorship, MentorshipEvent
from organizations.models import Group
from programs.models import Answer, Application, ApprovalStatus, MentorEnrollment, Review
from programs.setup_models import Invitation, ScreeningAnswer
from programwork.models import Activity, AmbassadorListing

from .scenario import EMAIL, NAME, OTHER_EMAIL, everything_person

pytestmark = pytest.mark.django_db

TEXT_TYPES = (models.CharField, models.TextField, models.JSONField)


def rows_mentioning(needle: str) -> list[str]:
    """Every model's text columns (historical tables, the outbox, allauth and admin tables included)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_TYPES)]
        if not fields:
            continue
        queryset, condition = model._default_manager.all(), Q()
        for f in fields:
            if isinstance(f, models.JSONField):
                queryset = queryset.annotate(**{f"{f.attname}__as_text": Cast(f.attname, TextField())})
                condition |= Q(**{f"{f.attname}__as_text__icontains": needle})
            else:
                condition |= Q(**{f"{f.attname}__icontains": needle})
        for row in queryset.filter(condition):
            columns = [f.name for f in fields if needle.lower() in str(getattr(row, f.attname) or "").lower()]
            found.append(f"{model._meta.label}#{row.pk}: {columns}")
    return found


def _delete(client, person, django_capture_on_commit_callbacks, confirmation=EMAIL):
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("privacy:account_delete"), {"confirmation": confirmation})


def test_the_confirmation_page_says_what_will_happen(client):
    person = everything_person()
    client.force_login(person.user)
    page = client.get(reverse("privacy:account_delete")).content.decode()
    assert "Your 2 running mentorships end now" in page
    assert "accepted ones in cohorts that have not ended, are withdrawn" in page  # accepted, cohort running
    assert "Requests waiting for an answer are withdrawn" in page
    assert "You stop mentoring in the cohorts that have not ended" in page
    assert "Your API tokens stop working and are deleted." in page
    assert "Your linked GitHub and GitLab accounts and task claims are removed" in page
    assert "Concerns you raised stay with the coordinators, without your name" in page
    assert "invitations sent to your email address are deleted" in page
    assert "You are taken off the public lists of ambassadors." in page
    assert 'name="confirmation"' in page


def test_the_page_needs_a_login(client):
    response = client.get(reverse("privacy:account_delete"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_wrong_confirmation_changes_nothing_and_says_why_beside_the_field(client, django_capture_on_commit_callbacks):
    person = everything_person()
    response = _delete(client, person, django_capture_on_commit_callbacks, confirmation="someone@else.org")
    assert response.status_code == 400
    assert "Type your email address exactly as shown to confirm." in response.content.decode()
    person.user.refresh_from_db()
    assert person.user.email == EMAIL and person.user.is_active
    assert Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).count() == 2


def test_site_admins_are_refused(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert "ask another site admin" in client.get(reverse("privacy:account_delete")).content.decode()
    client.post(reverse("privacy:account_delete"), {"confirmation": admin.email})
    admin.refresh_from_db()
    assert admin.is_active and admin.email


def test_a_mentee_and_mentor_is_erased_from_every_table_and_others_pages_still_render(
        client, django_capture_on_commit_callbacks):
    person = everything_person()
    assert rows_mentioning(EMAIL) and rows_mentioning(NAME)  # the search finds them before
    mail.outbox.clear()
    response = _delete(client, person, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # signed out

    assert rows_mentioning(EMAIL) == []
    assert rows_mentioning(NAME) == []
    # Of everything they wrote, only what others need stays: evaluations (the program's statistics and the
    # partner's record), review comments (the staff's decision trail) and the organization they founded;
    # the group they started (its other members stay), announcements sent to a cohort, concerns they raised
    # (the coordinators' duty of care) and ambassador activities (the program's reach), all without their name.
    kept = {row.split("#")[0] for row in rows_mentioning("ZEPHYR")}
    assert kept <= {"mentoring.EvaluationAnswer", "programs.Review", "organizations.Organization",
                    "organizations.Group", "programs.Announcement", "mentoring.Concern", "programwork.Activity"}, kept
    user = person.user
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not client.login(email=EMAIL, password="correct horse battery staple")

    # Open mentorships ended, with an event row; coordinators and partners told (without naming the person).
    for mentorship in (person.mentee_side, person.mentor_side):
        mentorship.refresh_from_db()
        assert mentorship.status == Mentorship.Status.ENDED_EARLY
        assert MentorshipEvent.objects.filter(mentorship=mentorship, to_status="ended_early").exists()
    told = {m.to[0]: m for m in mail.outbox}
    assert person.coordinator.email in told and person.other.email in told and person.mentor.email in told
    assert "deleted their account" in told[person.other.email].subject
    assert "Your mentee" in told[person.mentor.email].body and "Your mentor" in told[person.other.email].body
    assert all(NAME not in m.body and EMAIL not in m.body for m in mail.outbox)
    # Pending things cancelled; what others need kept without the person.
    assert MentorshipRequest.objects.get(mentee=user).status == MentorshipRequest.Status.WITHDRAWN
    assert MentorEnrollment.objects.get(mentor=user, cohort=person.cohort_b).status == ApprovalStatus.WITHDRAWN
    assert not Answer.objects.filter(application__applicant=user).exists()
    application = Application.objects.get(pk=person.application.pk)
    # Withdrawn (the cohort still runs: the matching must not offer them a mentor again), texts and CV gone.
    assert application.status == Application.Status.WITHDRAWN and not application.cv and application.goals == ""
    assert Review.objects.get(reviewer=user).recommendation == "accept"  # the decision trail adds up
    assert Evaluation.objects.filter(author=user).count() == 2  # the program's statistics keep them
    assert CheckIn.objects.filter(author=person.other, progress="OTHERWORD progress").exists()
    # The apps merged after privacy: tokens and linked accounts gone, invitations to the address gone,
    # concerns and ambassador activities kept for the coordinators without the person; others' rows intact.
    assert not PersonalAccessToken.objects.filter(user=user).exists()
    assert PersonalAccessToken.objects.filter(user=person.other).count() == 1
    assert not LinkedAccount.objects.filter(user=user).exists() and LinkedAccount.objects.filter(user=person.other).exists()
    assert Contribution.objects.get(applicant=user).note == ""
    assert Contribution.objects.get(applicant=person.other).note == "OTHERWORD learned broadcasting"
    assert not ScreeningAnswer.objects.filter(applicant=user).exists()
    assert ScreeningAnswer.objects.filter(applicant=person.other).exists()
    assert Invitation.objects.filter(email=OTHER_EMAIL).exists()
    concern = Concern.objects.get(reporter=user)
    assert concern.body == "ZEPHYR is worried" and concern.reply == ""
    activity = Activity.objects.get(ambassador=user)
    assert (activity.audience, activity.link, activity.materials_url) == (40, "", "")
    assert not AmbassadorListing.objects.filter(ambassador=user).exists()
    assert Group.objects.get(name="ZEPHYR lab group").owner is None

    # Others' pages render, and do not name the person.
    pages = [
        (person.other, reverse("mentoring:mentorship_detail", args=[person.mentor_side.pk])),
        (person.mentor, reverse("mentoring:mentorship_detail", args=[person.mentee_side.pk])),
        (person.coordinator, reverse("programs:cohort_dashboard", args=[person.cohort_a.pk])),
        (person.coordinator, reverse("programs:application_detail", args=[person.application.pk])),
        (person.coordinator, reverse("mentoring:program_statistics", args=[person.cohort_a.program.slug])),
        (person.coordinator, reverse("privacy:cohort_history", args=[person.cohort_b.pk])),
        (person.coordinator, reverse("mentoring:cohort_concerns", args=[person.cohort_a.pk])),
        (person.other, reverse("organizations:group_detail", args=[Group.objects.get(name="ZEPHYR lab group").pk])),
    ]
    for viewer, url in pages:
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME not in response.content.decode() and EMAIL not in response.content.decode(), url


def test_deleting_twice_is_refused_the_second_time(client, django_capture_on_commit_callbacks):
    person = everything_person()
    _delete(client, person, django_capture_on_commit_callbacks)
    client.force_login(person.user)  # an old session of a deleted account is no longer valid
    response = client.get(reverse("privacy:account_delete"))
    assert response.status_code == 302


def test_a_coordinator_is_told_they_stop_coordinating(client):
    person = everything_person()
    client.force_login(person.coordinator)
    page = client.get(reverse("privacy:account_delete")).content.decode()
    assert "You stop coordinating your programs" in page


def test_an_api_token_stops_working_when_its_account_is_deleted(client, django_capture_on_commit_callbacks):
    from django.test import Client

    from api.services import token_create

    person = everything_person()
    _token, raw = token_create(user=person.user, name="Laptop", scope="read", expires_in_days=30)
    url = reverse("api:my_application_list")
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    _delete(client, person, django_capture_on_commit_callbacks)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
