"""A mentee applies: draft, submit, edit, withdraw, the status page and the CV, and who may see each."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SkillFactory, UserFactory, make_mentee, make_mentor
from programs import services
from programs.models import Answer, Application, ApprovalStatus, QuestionKind
from programs.tests.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    ProgramFactory,
    QuestionFactory,
    cohort_scenario,
)

pytestmark = pytest.mark.django_db
Status = Application.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def edit_url(cohort):
    return reverse("programs:application_edit", args=[cohort.pk])


def detail_url(application):
    return reverse("programs:application_detail", args=[application.pk])


def cv_url(application):
    return reverse("programs:application_cv", args=[application.pk])


def pdf(name="cv.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(scenario, **overrides):
    built, github = scenario.questions
    data = {
        "goals": "Maintain a scientific package.",
        "motivation": "I use it every day.",
        "hours_per_week": "8",
        f"question_{built.pk}": "A data pipeline for bird sounds.",
        f"question_{github.pk}": "https://github.com/ana",
        "preference_1": str(scenario.mentors[1].pk),
        "preference_2": str(scenario.mentors[0].pk),
        "preference_3": "",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def close_applications(cohort):
    cohort.applications_close_at = timezone.now() - timedelta(minutes=1)
    cohort.save()


@pytest.fixture
def scenario():
    return cohort_scenario(applications=0)


@pytest.fixture
def mentee(client):
    person = make_mentee(name="Ana")
    client.force_login(person)
    return person


def start_draft(scenario, person) -> Application:
    application, _created = services.application_start(applicant=person, cohort=scenario.cohort)
    return application


# --- Starting and the form ---------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, scenario):
    application = ApplicationFactory(cohort=scenario.cohort)
    urls = [
        edit_url(scenario.cohort), reverse("programs:my_applications"), detail_url(application),
        reverse("programs:application_withdraw", args=[application.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
    response = client.post(reverse("programs:application_submit", args=[application.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Application.objects.exclude(pk=application.pk).exists()


def test_apply_to_an_unpublished_or_missing_cohort_is_404(client, mentee):
    hidden = CohortFactory(program=ProgramFactory(published=False))
    assert client.get(edit_url(hidden)).status_code == 404
    assert client.post(edit_url(hidden), {"goals": "x", "action": "save"}).status_code == 404
    assert client.get(reverse("programs:application_edit", args=[987654])).status_code == 404
    assert not Application.objects.exists()


def test_opening_the_form_shows_a_new_application_prefilled_from_the_profile_and_stores_nothing(client, scenario):
    python = SkillFactory(name="Python")
    SkillFactory(name="Rust")
    person = make_mentee(name="Ana", interests=[python], hours_per_week=7, career_goals="Become a maintainer.")
    client.force_login(person)

    response = client.get(edit_url(scenario.cohort))

    assert response.status_code == 200
    assert not Application.objects.filter(applicant=person).exists()  # GET never writes
    html = response.content.decode()
    assert 'name="hours_per_week" value="7"' in html
    assert "Become a maintainer." in html
    assert f'<option value="{python.pk}" selected>Python</option>' in html
    assert f'value="{scenario.mentors[0].pk}">Mentor 0<' in html  # approved mentors to rank
    assert "Save draft" in html and "Submit application" in html
    # The first Save draft starts it, once.
    client.post(edit_url(scenario.cohort), form_data(scenario))
    client.post(edit_url(scenario.cohort), form_data(scenario))
    assert Application.objects.filter(applicant=person).count() == 1


def test_a_cohort_that_is_not_accepting_refuses_new_applications_cleanly(client, scenario, mentee):
    close_applications(scenario.cohort)
    response = client.get(edit_url(scenario.cohort), follow=True)
    assert response.redirect_chain[0][0] == scenario.cohort.get_absolute_url()
    assert "not accepting applications" in response.content.decode()
    assert not Application.objects.exists()


def test_save_draft_keeps_partial_data_without_required_answers(client, scenario, mentee):
    built = scenario.questions[0]
    response = client.post(edit_url(scenario.cohort), {"goals": "Only my goals so far.", "action": "save"})
    assert response.status_code == 302 and response["Location"] == edit_url(scenario.cohort)
    application = Application.objects.get(applicant=mentee)
    assert application.status == Status.DRAFT
    assert application.goals == "Only my goals so far."
    assert application.answers.get(question=built).value == ""

    html = client.get(edit_url(scenario.cohort)).content.decode()
    assert "Your draft was saved." in html and "Only my goals so far." in html


def test_bad_url_answer_shows_a_clear_error_and_everything_else_is_kept(client, scenario, mentee):
    built, github = scenario.questions
    data = form_data(scenario, **{f"question_{github.pk}": "not a link at all"})

    response = client.post(edit_url(scenario.cohort), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid URL." in html
    assert 'value="not a link at all"' in html  # what was typed is still there
    assert "A data pipeline for bird sounds." in html and "Maintain a scientific package." in html
    # The valid rest was saved as a draft; the bad answer was not.
    application = Application.objects.get(applicant=mentee)
    assert application.goals == "Maintain a scientific package."
    assert application.answers.get(question=built).value == "A data pipeline for bird sounds."
    assert not application.answers.filter(question=github).exists()
    assert application.status == Status.DRAFT


def test_submit_with_missing_required_answers_shows_an_error_and_stays_a_draft(client, scenario, mentee):
    built = scenario.questions[0]
    response = client.post(edit_url(scenario.cohort), form_data(scenario, action="submit", **{f"question_{built.pk}": ""}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please answer: What have you built?" in html
    assert f'id="error_1_id_question_{built.pk}"' in html  # and beside the question itself
    assert "saved but not submitted" in html
    application = Application.objects.get(applicant=mentee)
    assert application.status == Status.DRAFT and application.submitted_at is None
    assert application.goals == "Maintain a scientific package."


def test_submit_a_complete_application(client, scenario, mentee, django_capture_on_commit_callbacks):
    built, github = scenario.questions
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(scenario.cohort), form_data(scenario, action="submit"), follow=True)
    application = Application.objects.get(applicant=mentee)
    assert response.redirect_chain[-1][0] == detail_url(application)
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    assert application.goals == "Maintain a scientific package." and application.hours_per_week == 8
    assert application.answers.get(question=github).value == "https://github.com/ana"
    assert [p.mentor for p in application.preferences.all()] == [scenario.mentors[1], scenario.mentors[0]]
    assert list(application.events.values_list("to_status", flat=True)) == ["submitted"]
    assert len(mail.outbox) == 1
    html = response.content.decode()
    assert "Your application was submitted." in html and "Submitted: waiting for review" in html


def test_submit_after_the_window_closed_is_refused_on_the_server(client, scenario, mentee):
    application = start_draft(scenario, mentee)
    close_applications(scenario.cohort)

    response = client.post(edit_url(scenario.cohort), form_data(scenario, action="submit"))

    assert response.status_code == 200
    assert "Applications for this cohort are closed." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    response = client.post(reverse("programs:application_submit", args=[application.pk]), follow=True)
    assert "Applications for this cohort are closed." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_edit_after_submitting_while_the_window_is_open_but_not_after(client, scenario, mentee):
    client.post(edit_url(scenario.cohort), form_data(scenario, action="submit"))
    application = Application.objects.get(applicant=mentee)
    assert application.status == Status.SUBMITTED

    html = client.get(edit_url(scenario.cohort)).content.decode()
    assert "Save changes" in html and "Submit application" not in html
    response = client.post(edit_url(scenario.cohort), form_data(scenario, goals="Better goals."), follow=True)
    assert "Your changes were saved." in response.content.decode()
    application.refresh_from_db()
    assert application.goals == "Better goals." and application.status == Status.SUBMITTED

    close_applications(scenario.cohort)
    response = client.get(edit_url(scenario.cohort))
    assert response.status_code == 302 and response["Location"] == detail_url(application)
    client.post(edit_url(scenario.cohort), form_data(scenario, goals="Too late."))
    application.refresh_from_db()
    assert application.goals == "Better goals."


def test_a_second_submit_click_creates_nothing_new_and_says_so(client, scenario, mentee):
    client.post(edit_url(scenario.cohort), form_data(scenario, action="submit"))
    response = client.post(edit_url(scenario.cohort), form_data(scenario, action="submit"), follow=True)
    assert response.status_code == 200
    assert "already submitted" in response.content.decode()
    application = Application.objects.get(applicant=mentee)
    assert list(application.events.values_list("to_status", flat=True)) == ["submitted"]


def test_the_same_mentor_twice_is_a_clear_error_and_keeps_the_old_ranking(client, scenario, mentee):
    application = start_draft(scenario, mentee)
    services.application_save(application=application, actor=mentee, data={}, answers={}, preferences=[scenario.mentors[1]])
    same = str(scenario.mentors[0].pk)

    response = client.post(edit_url(scenario.cohort), form_data(scenario, preference_1=same, preference_2=same, goals="Kept."))

    assert response.status_code == 200
    assert "You already chose Mentor 0 as your first choice" in response.content.decode()
    application.refresh_from_db()
    assert [p.mentor for p in application.preferences.all()] == [scenario.mentors[1]]
    assert application.goals == "Kept."


def test_only_approved_mentors_can_be_ranked_and_gaps_close_up(client, scenario, mentee):
    pending = EnrollmentFactory(cohort=scenario.cohort, mentor=make_mentor(name="Pending"), status=ApprovalStatus.PENDING)
    response = client.post(edit_url(scenario.cohort), form_data(scenario, preference_1=str(pending.mentor.pk)))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()

    third_only = form_data(scenario, preference_1="", preference_2="", preference_3=str(scenario.mentors[0].pk))
    client.post(edit_url(scenario.cohort), third_only)
    application = Application.objects.get(applicant=mentee)
    assert [(p.rank, p.mentor) for p in application.preferences.all()] == [(1, scenario.mentors[0])]


def test_each_question_kind_is_validated_and_stored_as_text(client, mentee):
    cohort = CohortFactory()
    questions = {
        kind: QuestionFactory(cohort=cohort, kind=kind, prompt=f"Q {kind}", required=False, choices="Alpha\nBeta\nGamma")
        for kind in QuestionKind.values
    }

    def name(kind):
        return f"question_{questions[kind].pk}"

    bad = {
        "action": "save", name("single_choice"): "Omega", name("number"): "many", name("url"): "ftp//broken",
        name("short_text"): "x" * 301, name("yes_no"): "maybe", name("multiple_choice"): ["Alpha", "Zeta"],
    }
    html = client.post(edit_url(cohort), bad).content.decode()
    assert html.count("Select a valid choice") == 3 and "Enter a number." in html
    assert "Enter a valid URL." in html and "at most 300 characters" in html
    # Only the one valid (empty) answer was saved; none of the refused values.
    assert list(Answer.objects.values_list("question__kind", "value")) == [("long_text", "")]

    good = {
        "action": "save", name("single_choice"): "Beta", name("number"): "12.50", name("url"): "https://example.org/me",
        name("short_text"): "  Short  ", name("yes_no"): "yes", name("multiple_choice"): ["Alpha", "Gamma"],
        name("long_text"): "Line one\nLine two",
    }
    assert client.post(edit_url(cohort), good).status_code == 302
    stored = {a.question.kind: a.value for a in Answer.objects.select_related("question")}
    assert stored == {
        "single_choice": "Beta", "number": "12.5", "url": "https://example.org/me", "short_text": "Short",
        "yes_no": "yes", "multiple_choice": "Alpha\nGamma", "long_text": "Line one\nLine two",
    }
    html = client.get(edit_url(cohort)).content.decode().replace("\n", "")
    assert f'name="{name("multiple_choice")}" value="Gamma"  id="id_{name("multiple_choice")}_2" checked' in html
    assert f'name="{name("single_choice")}" value="Beta"  id="id_{name("single_choice")}_1" checked' in html


# --- The status page ---------------------------------------------------------------------


@pytest.fixture
def dated_scenario():
    """A cohort with fixed dates, so the status page's words can be checked exactly."""
    close = datetime(2031, 1, 31, 20, 0, tzinfo=UTC)
    return cohort_scenario(
        applications=1, applications_close_at=close, review_deadline=close + timedelta(days=10),
        starts_on=date(2031, 3, 1), ends_on=date(2031, 6, 1),
        midpoint_evaluation_due=date(2031, 4, 15), final_evaluation_due=date(2031, 5, 30),
    )


def test_status_page_says_what_happens_next_and_when(client, dated_scenario):
    application = dated_scenario.applications[0]
    services.application_save(application=application, actor=application.applicant, data={"goals": "Ship it."},
                              answers={}, preferences=[dated_scenario.mentors[0]])
    client.force_login(application.applicant)

    html = client.get(detail_url(application)).content.decode()

    assert "Submitted: waiting for review" in html
    assert "Mentors review applications after applications close (Jan. 31, 2031, 8 p.m. UTC)" in html
    assert "Decisions are made by Feb. 10, 2031, 8 p.m. UTC at the latest." in html
    assert "I built tool number 0." in html and "Ship it." in html and "Mentor 0" in html
    assert "Change your application" in html and "Withdraw" in html


def test_status_page_for_a_draft_and_for_a_decision(client, dated_scenario):
    applicant = make_mentee()
    application = start_draft(dated_scenario, applicant)
    services.application_save(application=application, actor=applicant, data={"goals": "Goals."},
                              answers={dated_scenario.questions[0].pk: "Things."}, preferences=[])
    services.application_submit(application=application, actor=applicant)
    client.force_login(applicant)
    services.application_decide(application=application, status=Status.ACCEPTED, actor=dated_scenario.coordinator)
    html = client.get(detail_url(application)).content.decode()
    assert "Congratulations, you were accepted! Mentorships start on March 1, 2031" in html
    assert "Change your application" not in html
    assert html.index("<td>Submitted</td>") < html.index("<td>Accepted</td>")  # the history, oldest first

    draft = start_draft(dated_scenario, client_user := make_mentee())
    client.force_login(client_user)
    html = client.get(detail_url(draft)).content.decode()
    assert "Draft: not submitted yet" in html and "submit it before the deadline (Jan. 31, 2031, 8 p.m. UTC)" in html
    assert reverse("programs:application_submit", args=[draft.pk]) in html


def test_status_page_permissions_and_drafts_hidden_from_mentors(client, scenario):
    application = ApplicationFactory(cohort=scenario.cohort)
    draft = ApplicationFactory(cohort=scenario.cohort, status=Status.DRAFT, submitted_at=None)
    pending = EnrollmentFactory(cohort=scenario.cohort, mentor=make_mentor(), status=ApprovalStatus.PENDING).mentor
    other_coordinator = UserFactory()
    ProgramFactory(coordinators=[other_coordinator])
    approved_elsewhere = EnrollmentFactory(mentor=make_mentor()).mentor

    for stranger in (make_mentee(), pending, other_coordinator, approved_elsewhere):
        client.force_login(stranger)
        assert client.get(detail_url(application)).status_code == 404
    client.force_login(scenario.mentors[0])
    assert client.get(detail_url(application)).status_code == 200
    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(scenario.coordinator)
    response = client.get(detail_url(draft))
    assert response.status_code == 200 and "Application from Applicant" in response.content.decode()
    client.force_login(application.applicant)
    assert client.get(detail_url(application)).status_code == 200


def test_reviews_are_never_shown_to_the_applicant(client, scenario):
    application = ApplicationFactory(cohort=scenario.cohort)
    services.review_submit(application=application, reviewer=scenario.mentors[0], scores={},
                           recommendation="no", comment="SECRET-REVIEW-COMMENT weak candidate")
    client.force_login(application.applicant)
    html = client.get(detail_url(application)).content.decode()
    assert "Mentors are reviewing your application." in html
    assert "SECRET-REVIEW-COMMENT" not in html and "Mentor 0" not in html


def test_my_applications_lists_only_my_own_in_plain_words(client, scenario):
    mine_draft = start_draft(scenario, me := make_mentee(name="Me"))
    mine_declined = ApplicationFactory(applicant=me, status=Status.DECLINED, cohort=CohortFactory(name="Old Round"))
    theirs = ApplicationFactory(cohort=CohortFactory(name="Their Round"))
    client.force_login(me)
    html = client.get(reverse("programs:my_applications")).content.decode()
    assert detail_url(mine_draft) in html and detail_url(mine_declined) in html and detail_url(theirs) not in html
    assert "Draft: not submitted yet" in html and "Not accepted this time" in html
    assert "Their Round" not in html
    client.force_login(theirs.applicant)
    html = client.get(reverse("programs:my_applications")).content.decode()
    assert detail_url(theirs) in html and detail_url(mine_draft) not in html


# --- Submit and withdraw endpoints ---------------------------------------------------------


def test_submit_endpoint_only_for_the_applicant_and_only_post(client, scenario):
    applicant = make_mentee()
    application = start_draft(scenario, applicant)
    services.application_save(application=application, actor=applicant, data={"goals": "Goals."},
                              answers={scenario.questions[0].pk: "Things."}, preferences=[])
    url = reverse("programs:application_submit", args=[application.pk])
    for stranger in (make_mentee(), scenario.coordinator, scenario.mentors[0]):
        client.force_login(stranger)
        assert client.post(url).status_code == 404
    client.force_login(applicant)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == detail_url(application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_withdraw_asks_first_then_withdraws_only_for_the_applicant(client, scenario):
    application = ApplicationFactory(cohort=scenario.cohort)
    url = reverse("programs:application_withdraw", args=[application.pk])
    for stranger in (make_mentee(), scenario.coordinator, scenario.mentors[0]):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    client.force_login(application.applicant)
    html = client.get(url).content.decode()
    assert "Are you sure you want to withdraw" in html and "Yes, withdraw it" in html
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # asking changes nothing

    response = client.post(url, follow=True)
    assert "Your application was withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert list(application.events.values_list("to_status", flat=True)) == ["withdrawn"]
    # Withdrawn is final: the confirmation page is not offered again, a second POST is refused cleanly.
    assert client.get(url).status_code == 302
    response = client.post(url, follow=True)
    assert response.status_code == 200 and "cannot become" in response.content.decode()


# --- The CV ------------------------------------------------------------------------------


def test_html_renamed_to_pdf_is_refused_with_a_form_error_and_the_rest_is_kept(client, scenario, mentee, media_root):
    fake = SimpleUploadedFile("cv.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(edit_url(scenario.cohort), form_data(scenario, cv=fake))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This file is not a PDF." in html
    assert "Maintain a scientific package." in html
    application = Application.objects.get(applicant=mentee)
    assert not application.cv
    assert application.goals == "Maintain a scientific package."
    assert not list(media_root.rglob("*.pdf"))


def test_a_cv_over_the_size_limit_is_refused(client, scenario, mentee, settings, media_root):
    settings.APPLICATION_CV_MAX_BYTES = 1024
    response = client.post(edit_url(scenario.cohort), form_data(scenario, cv=pdf(content=PDF_BYTES + b"0" * 2000)))
    assert response.status_code == 200
    assert "The CV is too large: at most 1.0\xa0KB" in response.content.decode()
    assert not Application.objects.get(applicant=mentee).cv
    assert not list(media_root.rglob("*.pdf"))


def test_the_default_size_limit_is_five_megabytes(client, scenario, mentee):
    html = client.get(edit_url(scenario.cohort)).content.decode()
    assert "A PDF file of at most 5.0\xa0MB." in html


def test_a_valid_pdf_is_stored_privately_under_a_random_name(
    client, scenario, mentee, media_root, settings, django_capture_on_commit_callbacks
):
    response = client.post(edit_url(scenario.cohort), form_data(scenario, cv=pdf(name="Ana Lopez CV.pdf")))
    assert response.status_code == 302
    application = Application.objects.get(applicant=mentee)
    assert application.cv.name.startswith(f"private/cv/{scenario.cohort.pk}/")
    assert "Ana" not in application.cv.name
    assert (media_root / application.cv.name).read_bytes() == PDF_BYTES
    # Never reachable as a plain media URL.
    assert client.get(settings.MEDIA_URL + application.cv.name).status_code == 404

    # Replacing it deletes the old file once the change is committed; so does removing it.
    first = application.cv.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(scenario.cohort), form_data(scenario, cv=pdf(name="v2.pdf")))
    application.refresh_from_db()
    assert application.cv.name != first and [p.name for p in media_root.rglob("*.pdf")] == [application.cv.name.rsplit("/", 1)[1]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(scenario.cohort), form_data(scenario, cv_clear="on"))
    application.refresh_from_db()
    assert not application.cv and not list(media_root.rglob("*.pdf"))


def test_cv_download_headers(client, scenario, mentee):
    client.post(edit_url(scenario.cohort), form_data(scenario, cv=pdf()))
    application = Application.objects.get(applicant=mentee)
    response = client.get(cv_url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_cv_only_for_the_applicant_approved_mentors_and_coordinators(client, scenario):
    applicant = make_mentee()
    client.force_login(applicant)
    client.post(edit_url(scenario.cohort), form_data(scenario, cv=pdf()))
    application = Application.objects.get(applicant=applicant)
    url = cv_url(application)

    client.logout()
    assert client.get(url).status_code == 404
    pending = EnrollmentFactory(cohort=scenario.cohort, mentor=make_mentor(), status=ApprovalStatus.PENDING).mentor
    other_coordinator = UserFactory()
    ProgramFactory(coordinators=[other_coordinator])
    for stranger in (make_mentee(), pending, other_coordinator):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(scenario.mentors[0])
    assert client.get(url).status_code == 404  # still a draft: private until submitted
    client.force_login(scenario.coordinator)
    assert client.get(url).status_code == 200

    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    client.force_login(scenario.mentors[0])
    assert client.get(url).status_code == 200


def test_cv_404_when_there_is_none(client, scenario):
    application = ApplicationFactory(cohort=scenario.cohort)
    client.force_login(application.applicant)
    assert client.get(cv_url(application)).status_code == 404


# --- Query counts ------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the first view stores the time zone in the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_applications_query_count_does_not_grow_with_applications(client, django_assert_max_num_queries):
    me = make_mentee()
    client.force_login(me)
    ApplicationFactory(applicant=me)
    url = reverse("programs:my_applications")
    baseline = _queries(client, url)
    for _ in range(20):
        ApplicationFactory(applicant=me)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count('<th scope="row">') == 21


def test_status_page_query_count_does_not_grow_with_answers_preferences_or_history(client, django_assert_max_num_queries):
    scenario = cohort_scenario(applications=1, mentors=3)
    application = scenario.applications[0]
    client.force_login(scenario.coordinator)
    url = detail_url(application)
    baseline = _queries(client, url)
    for i in range(15):
        question = QuestionFactory(cohort=scenario.cohort, required=False)
        Answer.objects.create(application=application, question=question, value=f"Answer {i}")
    services.application_save(application=application, actor=application.applicant, data={},
                              answers={}, preferences=scenario.mentors)
    application.skills_wanted.set([SkillFactory() for _ in range(5)])
    for status in (Status.WAITLISTED, Status.ACCEPTED):
        services.application_decide(application=application, status=status, actor=scenario.coordinator)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    html = response.content.decode()
    assert "Answer 14" in html and "Mentor 2" in html and "Put on the waiting list" in html
