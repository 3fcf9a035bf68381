"""Matching services: building the problem from a cohort, runs, proposals, rules, swaps, confirmations."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory, make_mentee
from matching import engine as E
from matching import selectors, services
from matching.models import MatchingSettings, MatchProposal, MatchRun, PairRule, UnmatchedReason
from matching.pool import approved_enrollments, matching_pool
from matching.problem import build_cohort_problem
from matching.reasons import MENTEE, MENTOR, pair_components, reasons_for
from matching.selectors import best_fit_applications_for_mentor, top_mentors_for_application
from matching.services.output import proposals_write
from mentoring.models import Mentorship
from mentoring.services import mentorship_create
from programs.models import Application, Review
from programs.tests.factories import EnrollmentFactory

from .factories import MatchProposalFactory, MatchRunFactory, hand_made_cohort, realistic_cohort

pytestmark = pytest.mark.django_db


def run_now(cohort, actor, django_capture_on_commit_callbacks):
    """Request a run and let the (eager) task compute it after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        run, created = services.run_request(cohort=cohort, actor=actor)
    assert created
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error
    return run


def pairs_of(run):
    return {
        (p.application_id, p.enrollment_id): p
        for p in MatchProposal.objects.filter(run=run, enrollment__isnull=False)
    }


def unmatched_of(run):
    return dict(MatchProposal.objects.filter(run=run, enrollment__isnull=True).values_list("application_id", "unmatched_reason"))


# --- Building the problem ----------------------------------------------------------------------


def count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def test_building_the_problem_takes_the_same_number_of_queries_for_10_and_200_applications(django_assert_max_num_queries):
    small, _enr, _apps = realistic_cohort(applications=10, mentors=4, seed=1)
    large, _enr, _apps = realistic_cohort(applications=200, mentors=30, seed=2)
    n_small, cp_small = count_queries(lambda: build_cohort_problem(cohort=small.cohort))
    n_large, cp_large = count_queries(lambda: build_cohort_problem(cohort=large.cohort))
    assert cp_small.n_mentees == 10 and cp_large.n_mentees == 200 and cp_large.n_mentors == 30
    assert n_small == n_large, (n_small, n_large)
    with django_assert_max_num_queries(14):
        build_cohort_problem(cohort=large.cohort)
    # everything the loader reads made it into the problem
    p = cp_large.problem
    assert len(p.pref_key) == 400  # two ranked mentors per application
    assert p.review_mode == "mentee"
    assert len(p.forbid_key) > 0  # conflicts of interest declared in reviews
    assert p.wanted.nnz == 400 and p.expertise.nnz == 90


def test_a_whole_run_takes_the_same_number_of_queries_for_10_and_200_applications():
    small, _enr, _apps = realistic_cohort(applications=10, mentors=4, seed=3)
    large, _enr, _apps = realistic_cohort(applications=200, mentors=30, seed=4)

    def run_counting(scenario):
        run, _created = services.run_request(cohort=scenario.cohort, actor=scenario.coordinator)
        with CaptureQueriesContext(connection) as ctx:
            assert services.run_execute(run_id=run.pk) == "done"
        run.refresh_from_db()
        writes = [q for q in ctx.captured_queries if q["sql"].startswith(('INSERT INTO "matching_matchproposal"',
                                                                          'COPY "matching_matchproposal"'))]
        return run, len(ctx.captured_queries) - len(writes), len(writes)

    run_small, other_small, writes_small = run_counting(small)
    run_large, other_large, writes_large = run_counting(large)
    assert other_small == other_large, (other_small, other_large)
    assert other_large < 30 and MatchProposal.objects.filter(run=run_large).count() == 200
    if connection.vendor == "postgresql":  # one COPY writes every proposal of the run, whatever its size
        assert writes_small == writes_large == 1
        assert run_small.query_count == run_large.query_count


def test_a_run_records_wall_and_cpu_time_of_every_phase():
    made = hand_made_cohort()
    run, _created = services.run_request(cohort=made.cohort, actor=made.coordinator)
    assert services.run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    phases = ["load", "build", "score", "assign_optimal", "assign_stable", "assign_greedy", "explain", "write", "total"]
    assert set(run.timings) == {*phases, *(f"{p}_cpu" for p in phases)}
    assert all(v >= 0 for v in run.timings.values())
    assert run.timings["total"] >= sum(run.timings[p] for p in phases[:-1]) - 0.01


def test_proposals_written_by_copy_read_back_as_written():
    """What the COPY writes (text with tabs, backslashes and quotes, JSON, NULLs, booleans) reads back the same."""
    made = hand_made_cohort()
    run = MatchRunFactory(cohort=made.cohort, status=MatchRun.Status.RUNNING)
    tricky = "O'Brien\t\"R&D\"\\ \\N\r\nsecond line \u00e9"
    rows = [
        {"run_id": run.pk, "application_id": made.a.pk, "enrollment_id": made.x.pk, "proposed_enrollment_id": made.x.pk,
         "score": 87.125, "components": {"facts": {"shared_skills": [tricky], "review": None}}, "reasons": tricky,
         "rank": 2, "locked": True},
        {"run_id": run.pk, "application_id": made.b.pk, "unmatched_reason": "capacity_full",
         "components": {"facts": {"best_score": None}}},
    ]
    with transaction.atomic():
        proposals_write(rows)
    pair = MatchProposal.objects.get(application=made.a, run=run)
    unmatched = MatchProposal.objects.get(application=made.b, run=run)
    assert (pair.enrollment_id, pair.score, pair.rank, pair.locked, pair.reasons) == (made.x.pk, 87.125, 2, True, tricky)
    assert pair.components["facts"]["shared_skills"] == [tricky] and pair.status == MatchProposal.Status.PROPOSED
    assert unmatched.enrollment_id is None and unmatched.score is None and unmatched.rank is None
    assert unmatched.unmatched_reason == "capacity_full" and not unmatched.locked and unmatched.reasons == ""


def test_applicants_who_already_have_a_mentorship_are_left_out_and_places_are_counted():
    made = hand_made_cohort(x_capacity=2)
    mentorship_create(enrollment=made.x, mentee=made.a.applicant)
    cp = build_cohort_problem(cohort=made.cohort)
    assert made.a.pk not in cp.application_ids
    j = cp.mentor_index()[made.x.pk]
    assert cp.capacity_left(j) == 1 and int(cp.problem.capacity[j]) == 1


def test_a_mentor_never_mentors_themselves_and_conflicts_are_forbidden():
    made = hand_made_cohort()
    Review.objects.create(application=made.b, reviewer=made.x.mentor, scores={}, conflict_of_interest=True)
    own = Application.objects.create(cohort=made.cohort, applicant=made.y.mentor, status=Application.Status.SUBMITTED)
    cp = build_cohort_problem(cohort=made.cohort)
    mi, rj = cp.mentee_index(), cp.mentor_index()
    assert (mi[made.b.pk], rj[made.x.pk]) in cp.conflicts
    assert (mi[own.pk], rj[made.y.pk]) in cp.conflicts


# --- A run on a cohort small enough to check by hand ------------------------------------------


def test_hand_made_cohort_gets_the_assignment_worked_out_by_hand(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    pairs = pairs_of(run)
    # b only wants what only X teaches; a is still half served by Y: 100 + 50 beats greedy's 100 + nothing.
    assert set(pairs) == {(made.b.pk, made.x.pk), (made.a.pk, made.y.pk)}
    assert pairs[(made.b.pk, made.x.pk)].score == pytest.approx(100, abs=0.06)
    assert pairs[(made.a.pk, made.y.pk)].score == pytest.approx(50, abs=0.06)
    assert unmatched_of(run) == {made.c.pk: UnmatchedReason.BELOW_MIN_SCORE, made.d.pk: UnmatchedReason.NO_ELIGIBLE_MENTOR}
    assert run.matched_count == 2 and run.unmatched_count == 2
    assert run.unmatched_by_reason == {"below_min_score": 1, "no_eligible_mentor": 1}
    assert run.optimal_total == pytest.approx(150, abs=0.1) and run.optimal_matched == 2
    assert run.greedy_total == pytest.approx(100, abs=0.1) and run.greedy_matched == 1
    assert run.stable_total == pytest.approx(100, abs=0.1) and run.stable_matched == 1
    assert run.total_score == pytest.approx(run.optimal_total) and run.mean_score == pytest.approx(75, abs=0.1)
    assert set(run.timings) >= {"load", "score", "assign_optimal", "assign_stable", "assign_greedy", "write", "total"}
    assert run.n_applications == 4 and run.n_mentors == 2 and run.places == 2


def test_stable_mode_uses_the_stable_assignment_and_says_who_lost_out_to_capacity(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1)
    MatchingSettings.objects.filter(cohort=made.cohort).update(mode="stable")
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    # a and b both rank X first with 100; X prefers the tie's lower index (a); b has no one else above the minimum
    assert set(pairs_of(run)) == {(made.a.pk, made.x.pk)}
    assert unmatched_of(run) == {
        made.b.pk: UnmatchedReason.CAPACITY_FULL,
        made.c.pk: UnmatchedReason.BELOW_MIN_SCORE,
        made.d.pk: UnmatchedReason.NO_ELIGIBLE_MENTOR,
    }
    assert run.total_score == pytest.approx(run.stable_total) and run.optimal_total > run.stable_total


def test_proposals_keep_their_breakdown_and_reasons_in_words(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    proposal = MatchProposal.objects.get(run=run, application=made.b)
    assert set(proposal.components["values"]) == set(E.COMPONENTS)
    assert proposal.components["points"]["skills"] == pytest.approx(proposal.score, abs=0.01)
    assert sum(proposal.components["points"].values()) == pytest.approx(proposal.score, abs=0.05)
    facts = proposal.facts
    assert facts["shared_skills"] == ["Bayesian statistics"] and facts["shared_skills_count"] == 1
    assert facts["overlap_hours"] == 12 and facts["common_languages"] == ["English"]
    assert "1 shared skill: Bayesian statistics" in proposal.reasons
    assert "12 h overlap" in proposal.reasons
    assert proposal.rank == 1  # X is b's best mentor
    a = MatchProposal.objects.get(run=run, application=made.a)
    assert a.rank == 2  # Y is a's second-best mentor: the optimum gave the best to b


def test_reasons_read_differently_for_mentor_mentee_and_coordinator():
    facts = {"shared_skills": ["Bayesian statistics", "Python"], "shared_skills_count": 3, "overlap_hours": 6,
             "preference_rank": 1, "common_languages": ["Spanish"], "review": 0.9}
    assert reasons_for(facts, viewer=MENTOR)[:3] == [
        "3 shared skills incl. Bayesian statistics, Python", "6 h overlap", "ranked you 1st",
    ]
    assert "you ranked them 1st" in reasons_for(facts, viewer=MENTEE)
    assert "reviews above the cohort's average" not in reasons_for(facts, viewer=MENTOR)
    assert "reviews above the cohort's average" in reasons_for(facts)


def test_reasons_are_translated():
    from django.utils import translation

    with translation.override("es"):
        text = reasons_for({"overlap_hours": 0, "common_languages": []})
    assert text and all(isinstance(t, str) for t in text)


# --- Rules survive re-runs ---------------------------------------------------------------------


def test_rule_out_and_lock_are_respected_on_the_next_run(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1)
    services.pair_rule_set(cohort=made.cohort, application_id=made.b.pk, enrollment_id=made.x.pk,
                           kind=PairRule.Kind.RULED_OUT, actor=made.coordinator)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    assert set(pairs_of(run)) == {(made.a.pk, made.x.pk)}  # b may not go to X, and Y scores 0 for b
    assert unmatched_of(run)[made.b.pk] == UnmatchedReason.BELOW_MIN_SCORE

    # lock c with Y, although c's score is 0: a lock is kept whatever the minimum
    services.pair_rule_set(cohort=made.cohort, application_id=made.c.pk, enrollment_id=made.y.pk,
                           kind=PairRule.Kind.LOCKED, actor=made.coordinator)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    pairs = pairs_of(run)
    assert set(pairs) == {(made.a.pk, made.x.pk), (made.c.pk, made.y.pk)}
    assert pairs[(made.c.pk, made.y.pk)].locked and "locked by a coordinator" in pairs[(made.c.pk, made.y.pk)].reasons


def test_locks_cannot_exceed_a_mentors_places_nor_cross_a_conflict():
    made = hand_made_cohort()
    services.pair_rule_set(cohort=made.cohort, application_id=made.a.pk, enrollment_id=made.x.pk,
                           kind=PairRule.Kind.LOCKED, actor=made.coordinator)
    with pytest.raises(ValidationError, match="as many locked mentees as places"):
        services.pair_rule_set(cohort=made.cohort, application_id=made.b.pk, enrollment_id=made.x.pk,
                               kind=PairRule.Kind.LOCKED, actor=made.coordinator)
    Review.objects.create(application=made.b, reviewer=made.y.mentor, scores={}, conflict_of_interest=True)
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.pair_rule_set(cohort=made.cohort, application_id=made.b.pk, enrollment_id=made.y.pk,
                               kind=PairRule.Kind.LOCKED, actor=made.coordinator)
    # a new lock for a replaces its old one
    services.pair_rule_set(cohort=made.cohort, application_id=made.a.pk, enrollment_id=made.y.pk,
                           kind=PairRule.Kind.LOCKED, actor=made.coordinator)
    assert list(PairRule.objects.filter(application=made.a).values_list("enrollment_id", flat=True)) == [made.y.pk]
    with pytest.raises(PermissionDenied):
        services.pair_rule_set(cohort=made.cohort, application_id=made.a.pk, enrollment_id=made.y.pk,
                               kind=PairRule.Kind.RULED_OUT, actor=made.x.mentor)


def test_the_database_allows_one_lock_per_application():
    made = hand_made_cohort(x_capacity=2)
    PairRule.objects.create(cohort=made.cohort, application=made.a, enrollment=made.x, kind=PairRule.Kind.LOCKED)
    with pytest.raises(IntegrityError):
        PairRule.objects.create(cohort=made.cohort, application=made.a, enrollment=made.y, kind=PairRule.Kind.LOCKED)


# --- Moving a mentee ---------------------------------------------------------------------------


def test_swap_refuses_a_full_mentor_and_moves_to_one_with_a_place(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    a = MatchProposal.objects.get(run=run, application=made.a)
    with pytest.raises(ValidationError, match="no place left"):
        services.proposal_swap(proposal=a, enrollment_id=made.x.pk, actor=made.coordinator)
    a.refresh_from_db()
    assert a.enrollment_id == made.y.pk and a.status == MatchProposal.Status.PROPOSED

    # X gets a second place: the move now fits, and the pair is re-scored by the engine (100 for a with X)
    made.x.capacity = 2
    made.x.save()
    options = {o.enrollment_id: o for o in services.mentor_options(proposal=a, actor=made.coordinator)}
    assert options[made.x.pk].places_left == 1 and options[made.x.pk].score == pytest.approx(100, abs=0.06)
    assert options[made.y.pk].blocked == "current"
    moved = services.proposal_swap(proposal=a, enrollment_id=made.x.pk, actor=made.coordinator)
    assert moved.enrollment_id == made.x.pk and moved.proposed_enrollment_id == made.y.pk
    assert moved.status == MatchProposal.Status.OVERRIDDEN and moved.score == pytest.approx(100, abs=0.06)
    assert moved.facts["shared_skills_count"] == 2
    assert PairRule.objects.get(application=made.a).enrollment_id == made.x.pk  # kept for the next runs
    # X is now full in this run (b and a)
    c = MatchProposal.objects.get(run=run, application=made.c)
    with pytest.raises(ValidationError, match="no place left"):
        services.proposal_swap(proposal=c, enrollment_id=made.x.pk, actor=made.coordinator)


def test_swap_refuses_conflicts_rule_outs_and_strangers(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1, x_capacity=2, y_capacity=2)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    c = MatchProposal.objects.get(run=run, application=made.c)
    services.pair_rule_set(cohort=made.cohort, application_id=made.c.pk, enrollment_id=made.x.pk,
                           kind=PairRule.Kind.RULED_OUT, actor=made.coordinator)
    with pytest.raises(ValidationError, match="ruled out"):
        services.proposal_swap(proposal=c, enrollment_id=made.x.pk, actor=made.coordinator)
    Review.objects.create(application=made.c, reviewer=made.y.mentor, scores={}, conflict_of_interest=True)
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.proposal_swap(proposal=c, enrollment_id=made.y.pk, actor=made.coordinator)
    with pytest.raises(PermissionDenied):
        services.proposal_swap(proposal=c, enrollment_id=made.y.pk, actor=made.x.mentor)


def test_an_unmatched_application_can_be_given_a_mentor_by_hand(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=1, y_capacity=2)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    c = MatchProposal.objects.get(run=run, application=made.c)
    assert c.enrollment_id is None
    moved = services.proposal_swap(proposal=c, enrollment_id=made.y.pk, actor=made.coordinator, keep=False)
    assert moved.enrollment_id == made.y.pk and moved.unmatched_reason == "" and moved.score == 0
    assert not PairRule.objects.filter(application=made.c).exists()


# --- Confirming ---------------------------------------------------------------------------------


def test_confirm_accepts_the_application_creates_the_mentorship_and_emails_both(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    b = MatchProposal.objects.get(run=run, application=made.b)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.proposals_confirm(run=run, actor=made.coordinator, proposal_ids=[b.pk])
    assert result.confirmed == [b.pk] and not result.errors
    b.refresh_from_db()
    made.b.refresh_from_db()
    assert b.status == MatchProposal.Status.CONFIRMED and b.mentorship.mentor_id == made.x.mentor_id
    assert made.b.status == Application.Status.ACCEPTED
    recipients = {m.to[0] for m in mail.outbox}
    assert {made.b.applicant.email, made.x.mentor.email} <= recipients
    # confirming again changes nothing
    services.proposal_confirm(proposal_id=b.pk, actor=made.coordinator)
    assert Mentorship.objects.filter(application=made.b).count() == 1


def test_confirm_all_never_overfills_and_rolls_back_the_acceptance_of_a_refused_pair(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    # Someone else takes Y's only place in the meantime (a direct request, say).
    mentorship_create(enrollment=made.y, mentee=make_mentee(name="Walk-in"))
    result = services.proposals_confirm(run=run, actor=made.coordinator)
    assert len(result.confirmed) == 1 and len(result.errors) == 1
    assert "no place left" in result.errors[0]
    made.a.refresh_from_db()
    assert made.a.status == Application.Status.SUBMITTED  # the refusal undid the acceptance too
    assert MatchProposal.objects.get(run=run, application=made.a).status == MatchProposal.Status.PROPOSED
    assert Mentorship.objects.filter(enrollment=made.y).count() == 1


def test_confirm_needs_a_coordinator_and_a_finished_run():
    proposal = MatchProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposals_confirm(run=proposal.run, actor=UserFactory())
    queued = MatchRunFactory(status=MatchRun.Status.QUEUED, finished_at=None)
    with pytest.raises(ValidationError):
        services.proposals_confirm(run=queued, actor=UserFactory(is_superuser=True))


def test_a_withdrawn_application_cannot_be_confirmed(django_capture_on_commit_callbacks):
    made = hand_made_cohort()
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    Application.objects.filter(pk=made.b.pk).update(status=Application.Status.WITHDRAWN)
    result = services.proposals_confirm(run=run, actor=made.coordinator)
    assert len(result.errors) == 1 and not Mentorship.objects.filter(application=made.b).exists()


# --- Settings -----------------------------------------------------------------------------------


def test_settings_update_checks_permission_and_weights():
    made = hand_made_cohort()
    with pytest.raises(PermissionDenied):
        services.matching_settings_update(cohort=made.cohort, actor=made.x.mentor, data={"min_score": 5})
    with pytest.raises(ValidationError):
        services.matching_settings_update(cohort=made.cohort, actor=made.coordinator, data={"weight_skills": 0})
    config = services.matching_settings_update(
        cohort=made.cohort, actor=made.coordinator, data={"min_score": 5, "mode": "stable"},
    )
    assert config.parameters()["min_score"] == 5 and config.parameters()["mode"] == "stable"


def test_the_database_refuses_settings_where_no_weight_counts():
    made = hand_made_cohort()
    with pytest.raises(IntegrityError):
        MatchingSettings.objects.filter(cohort=made.cohort).update(
            weight_skills=0, weight_interests=0, weight_text=0, weight_timezone=0, weight_availability=0,
        )


def test_one_queued_or_running_run_per_cohort():
    made = hand_made_cohort()
    first, created = services.run_request(cohort=made.cohort, actor=made.coordinator)
    second, created_again = services.run_request(cohort=made.cohort, actor=made.coordinator)
    assert created and not created_again and first.pk == second.pk
    with pytest.raises(IntegrityError):
        MatchRun.objects.create(cohort=made.cohort, status=MatchRun.Status.RUNNING)


def test_run_request_needs_a_coordinator():
    made = hand_made_cohort()
    with pytest.raises(PermissionDenied):
        services.run_request(cohort=made.cohort, actor=made.x.mentor)


# --- Suggestions --------------------------------------------------------------------------------


def test_top_mentors_for_an_application_with_reasons():
    made = hand_made_cohort()
    suggestions = top_mentors_for_application(made.a, k=5)
    assert [s.mentor.pk for s in suggestions] == [made.x.mentor_id, made.y.mentor_id]
    assert suggestions[0].score == pytest.approx(100, abs=0.1)
    assert any("shared skills" in r for r in suggestions[0].reasons)
    # nobody shares Dolores's language
    assert top_mentors_for_application(made.d) == []


def test_top_mentors_leave_out_full_mentors_and_conflicts():
    made = hand_made_cohort()
    mentorship_create(enrollment=made.x, mentee=make_mentee())
    Review.objects.create(application=made.a, reviewer=made.y.mentor, scores={}, conflict_of_interest=True)
    assert top_mentors_for_application(made.a) == []


def test_best_fit_applications_for_a_mentor(django_assert_max_num_queries):
    made = hand_made_cohort()
    with django_assert_max_num_queries(16):
        suggestions = best_fit_applications_for_mentor(made.cohort, made.x.mentor, k=2)
    assert [s.application.pk for s in suggestions] == [made.a.pk, made.b.pk]
    assert suggestions[0].reasons[0].startswith("2 shared skills")
    assert best_fit_applications_for_mentor(made.cohort, UserFactory()) == []


def test_suggestions_explain_only_the_pairs_shown_and_match_explaining_everyone(monkeypatch):
    """Every pair is scored, only the k shown are explained; the list is what explaining every pair and keeping
    the k best eligible would give (best score first, ties to the earlier row)."""
    scenario, enrollments, applications = realistic_cohort(applications=40, mentors=12, seed=7)
    mentor = enrollments[0].mentor
    cp = build_cohort_problem(
        cohort=scenario.cohort, params=services.matching_settings_get(cohort=scenario.cohort).parameters(),
        applications=matching_pool(scenario.cohort).exclude(applicant=mentor),
        enrollments=approved_enrollments(scenario.cohort).filter(mentor=mentor), include_reviews=False, include_rules=False,
    )
    every = pair_components(cp, [(i, 0) for i in range(cp.n_mentees)])
    ranked = sorted((i for i, c in enumerate(every) if c["facts"]["eligible"]), key=lambda i: (-every[i]["total"], i))[:5]
    explained = []
    real = selectors.pair_components
    def counting(cp, pairs, **kw):
        explained.append(len(pairs))
        return real(cp, pairs, **kw)

    monkeypatch.setattr(selectors, "pair_components", counting)

    suggestions = best_fit_applications_for_mentor(scenario.cohort, mentor, k=5)
    assert explained == [5]
    assert [s.application.pk for s in suggestions] == [cp.application_ids[i] for i in ranked]
    assert [s.components for s in suggestions] == [every[i] for i in ranked]


def test_best_fit_reads_preferences_as_ranked_you():
    made = hand_made_cohort()
    made.b.preferences.create(mentor=made.x.mentor, rank=1)
    suggestions = best_fit_applications_for_mentor(made.cohort, made.x.mentor)
    b = next(s for s in suggestions if s.application.pk == made.b.pk)
    assert "ranked you 1st" in b.reasons


def test_enrollment_factory_capacity_is_respected_by_the_engine(django_capture_on_commit_callbacks):
    made = hand_made_cohort(min_score=0)
    extra = EnrollmentFactory(cohort=made.cohort, capacity=3)
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    load = {}
    for p in MatchProposal.objects.filter(run=run, enrollment__isnull=False):
        load[p.enrollment_id] = load.get(p.enrollment_id, 0) + 1
    assert load.get(made.x.pk, 0) <= 1 and load.get(made.y.pk, 0) <= 1 and load.get(extra.pk, 0) <= 3


def test_the_breakdown_shows_only_the_components_that_count(django_capture_on_commit_callbacks):
    from matching.templatetags.matching_tags import breakdown_rows

    made = hand_made_cohort()  # skills only
    run = run_now(made.cohort, made.coordinator, django_capture_on_commit_callbacks)
    a = MatchProposal.objects.get(run=run, application=made.a)
    rows = breakdown_rows(a.components)
    assert [r["name"] for r in rows] == ["skills"]
    assert rows[0]["percent"] == 50 and rows[0]["out_of"] == 100 and rows[0]["points"] == pytest.approx(50, abs=0.06)
