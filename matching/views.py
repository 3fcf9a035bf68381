"""Coordinators run the matching, read why pairs fit, change pairs and confirm them.

Every view is for the program's coordinators and site admins: anyone else gets 404 (nothing leaks),
anonymous people are sent to log in.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.selectors import cohort_get_for_coordinator

from . import selectors, services
from .forms import ConfirmForm, HandPairForm, MatchingSettingsForm, RuleForm, SwapForm
from .models import UnmatchedReason

PROPOSALS_PAGE_SIZE = 100


def _confirm_inline_limit() -> int:
    """Above this many pairs, confirming runs in a background task instead of the request."""
    return int(getattr(settings, "MATCHING_CONFIRM_INLINE_LIMIT", 200))


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_matching(request, cohort_pk):
    """The settings form; its "Run matching" button saves what was typed, then runs with it."""
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    config = services.matching_settings_get(cohort=cohort)
    form = MatchingSettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_settings_update(cohort=cohort, actor=request.user, data=form.changes())
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if "run" not in request.POST:
                messages.success(request, _("Matching settings saved."))
                return redirect("matching:cohort", cohort_pk=cohort.pk)
            run, created = services.run_request(cohort=cohort, actor=request.user)
            if created:
                messages.success(request, _("Matching settings saved; the matching runs with them."))
            else:
                messages.info(request, _("Matching settings saved. A run was already under way; run again when it ends."))
            return redirect(run.get_absolute_url())
    runs = selectors.cohort_runs(cohort)
    return render(request, "matching/cohort.html", {
        "cohort": cohort, "form": form, "runs": runs, "latest": runs[0] if runs else None,
        "rules": selectors.cohort_rules(cohort), "unpaired_count": selectors.unpaired_count(cohort),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def run_start(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    run, created = services.run_request(cohort=cohort, actor=request.user)
    if not created:
        messages.info(request, _("A matching run is already under way for this cohort."))
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def run_again(request, pk):
    """Run again with the current rules (locks and rule-outs) and settings."""
    run = selectors.run_get_for_coordinator(user=request.user, pk=pk)
    new_run, created = services.run_request(cohort=run.cohort, actor=request.user)
    if not created:
        messages.info(request, _("A matching run is already under way for this cohort."))
    return redirect(new_run.get_absolute_url())


@login_required
@require_POST
def run_cancel(request, pk):
    """Stop a queued or running run (for example one whose worker keeps failing)."""
    from .services.runs import run_cancel as cancel

    run = selectors.run_get_for_coordinator(user=request.user, pk=pk)
    if cancel(run=run, actor=request.user):
        messages.success(request, _("The matching run was cancelled."))
    else:
        messages.info(request, _("This run had already finished."))
    return redirect(run.get_absolute_url())


def _comparison(run):
    rows = []
    for mode, label in (("optimal", _("Optimal")), ("stable", _("Stable")), ("greedy", _("Greedy"))):
        total, matched = getattr(run, f"{mode}_total"), getattr(run, f"{mode}_matched")
        rows.append({
            "mode": mode, "label": label, "total": total, "matched": matched,
            "mean": (total / matched) if total is not None and matched else None,
            "chosen": run.parameters.get("mode") == mode,
            "share": (100.0 * total / run.optimal_total) if total is not None and run.optimal_total else None,
        })
    return rows


@login_required
@require_GET
def run_detail(request, pk):
    run = selectors.run_get_for_coordinator(user=request.user, pk=pk)
    context = {"run": run, "cohort": run.cohort}
    if run.status == run.Status.DONE:
        sort = request.GET.get("sort", "score")
        sort = sort if sort in selectors.SORTS else "score"
        unmatched = request.GET.get("show") == "unmatched"
        try:
            mentor = int(request.GET.get("mentor") or 0) or None
        except ValueError:
            mentor = None
        proposals = selectors.run_proposals(run, sort=sort, mentor=mentor, unmatched=unmatched)
        page = Paginator(proposals, PROPOSALS_PAGE_SIZE).get_page(request.GET.get("page"))
        query = {k: v for k, v in (("sort", sort), ("mentor", mentor or ""), ("show", "unmatched" if unmatched else "")) if v}
        newer = selectors.newer_run(run)
        context.update({
            "page": page, "sort": sort, "mentor_filter": mentor, "unmatched_view": unmatched,
            "querystring": "&".join(f"{k}={v}" for k, v in query.items()),
            "mentors": selectors.run_mentors(run), "counts": selectors.run_counts(run),
            "comparison": _comparison(run), "rules": selectors.cohort_rules(run.cohort),
            "unmatched_reasons": [(UnmatchedReason(r).label, n) for r, n in sorted(run.unmatched_by_reason.items())],
            "newer": newer,
        })
    return render(request, "matching/run_detail.html", context)


@login_required
@require_GET
def run_status(request, pk):
    run = selectors.run_get_for_coordinator(user=request.user, pk=pk)
    return JsonResponse({
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "progress": run.progress,
        "progress_label": str(run.get_progress_display()) if run.progress else "",
        "finished": run.is_finished,
        "matched": run.matched_count,
        "unmatched": run.unmatched_count,
        "url": run.get_absolute_url(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_swap(request, pk):
    """GET: every mentor with this mentee's score and places left. POST: the chosen mentor, to confirm.
    POST with confirm=1: move the mentee."""
    proposal = selectors.proposal_get_for_coordinator(user=request.user, pk=pk)
    run = proposal.run
    back = reverse("matching:run_detail", args=[run.pk])
    if not proposal.is_open:
        messages.error(request, _("This pair is already confirmed; it can no longer be changed here."))
        return redirect(back)
    if request.method == "POST":
        form = SwapForm(request.POST)
        if not form.is_valid():
            raise Http404
        enrollment_id = form.cleaned_data["enrollment"]
        if form.cleaned_data["confirm"]:
            try:
                moved = services.proposal_swap(
                    proposal=proposal, enrollment_id=enrollment_id, actor=request.user, keep=form.cleaned_data["keep"],
                )
            except ValidationError as exc:
                _errors(request, exc)
                return redirect("matching:proposal_swap", pk=proposal.pk)
            messages.success(request, _("%(mentee)s now goes to %(mentor)s (score %(score).1f).") % {
                "mentee": proposal.application.applicant.get_full_name(),
                "mentor": moved.enrollment.mentor.get_full_name(), "score": moved.score,
            })
            return redirect(f"{back}#proposal-{proposal.pk}")
    try:
        options = services.mentor_options(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(back)
    context = {"proposal": proposal, "run": run, "cohort": run.cohort, "options": options}
    if request.method == "POST":
        chosen = next((o for o in options if o.enrollment_id == enrollment_id), None)
        if chosen is None or chosen.blocked:
            messages.error(request, _("This mentor cannot take this mentee in this run."))
            return redirect("matching:proposal_swap", pk=proposal.pk)
        context.update({"chosen": chosen, "form": SwapForm(initial={"enrollment": chosen.enrollment_id, "keep": True})})
        return render(request, "matching/swap_confirm.html", context)
    return render(request, "matching/swap.html", context)


@login_required
@require_POST
def proposal_rule(request, pk):
    """Lock the proposal's pair or rule it out, for the next runs."""
    proposal = selectors.proposal_get_for_coordinator(user=request.user, pk=pk)
    form = RuleForm(request.POST)
    if not form.is_valid() or proposal.enrollment_id is None:
        raise Http404
    try:
        services.pair_rule_set(
            cohort=proposal.run.cohort, application_id=proposal.application_id, enrollment_id=proposal.enrollment_id,
            kind=form.cleaned_data["kind"], actor=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if form.cleaned_data["kind"] == "locked":
            messages.success(request, _("Locked: the next runs keep this pair."))
        else:
            messages.success(request, _("Ruled out: the next runs never propose this pair. Run again to apply it."))
    return redirect(f"{reverse('matching:run_detail', args=[proposal.run_id])}#proposal-{proposal.pk}")


@login_required
@require_POST
def rule_remove(request, pk):
    rule = selectors.rule_get_for_coordinator(user=request.user, pk=pk)
    services.pair_rule_remove(rule=rule, actor=request.user)
    messages.success(request, _("Rule removed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("matching:cohort", args=[rule.cohort_id])
    return redirect(target)


@login_required
@require_POST
def confirm(request, pk):
    """First POST: list what is about to be confirmed. Second POST (confirm=1): confirm and report."""
    run = selectors.run_get_for_coordinator(user=request.user, pk=pk)
    newer = selectors.newer_run(run)
    if newer is not None:
        messages.error(request, _("A newer run exists for this cohort: confirm the pairs on run #%(pk)d.") % {"pk": newer.pk})
        return redirect(run.get_absolute_url())
    confirmable = services.confirmable_proposals(run)
    form = ConfirmForm(request.POST, proposal_ids=[p.pk for p in confirmable])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(run.get_absolute_url())
    ids = None if form.cleaned_data["all"] else form.cleaned_data["proposals"]
    chosen = list(confirmable if ids is None else confirmable.filter(pk__in=ids))
    if not form.cleaned_data["confirm"]:
        return render(request, "matching/confirm.html", {
            "run": run, "cohort": run.cohort, "proposals": chosen, "all": ids is None,
        })
    if len(chosen) > _confirm_inline_limit():
        try:
            queued = services.proposals_confirm_in_background(run=run, actor=request.user, proposal_ids=ids)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect(run.get_absolute_url())
        if not queued:
            messages.error(request, _("The confirmations could not be queued; try again in a moment."))
        else:
            messages.info(request, _("Confirming %(count)d pairs in the background; reload this page to follow.") % {
                "count": len(chosen)})
        return redirect(run.get_absolute_url())
    try:
        result = services.proposals_confirm(run=run, actor=request.user, proposal_ids=ids)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(run.get_absolute_url())
    if result.confirmed:
        messages.success(request, ngettext(
            "%(count)d pair confirmed: both people got an email.", "%(count)d pairs confirmed: everyone got an email.",
            len(result.confirmed),
        ) % {"count": len(result.confirmed)})
    for error in result.errors:
        messages.error(request, error)
    return redirect(run.get_absolute_url())


@login_required
@require_GET
def unpaired(request, cohort_pk):
    """Accepted applicants who have no mentor yet, each with a link to pair them by hand."""
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "matching/unpaired.html", {
        "cohort": cohort, "applications": selectors.unpaired_applications(cohort),
    })


@login_required
@require_http_methods(["GET", "POST"])
def pair_by_hand(request, cohort_pk, application_pk):
    """GET: every mentor for this applicant with score, reasons and places left. POST: pair with the chosen one."""
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    application = selectors.unpaired_application_get(cohort=cohort, pk=application_pk)
    back = reverse("matching:unpaired", args=[cohort.pk])
    if application is None:
        messages.info(request, _("This applicant is no longer waiting for a mentor."))
        return redirect(back)
    if request.method == "POST":
        form = HandPairForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            mentorship = services.application_pair_by_hand(
                cohort=cohort, application_id=application.pk, enrollment_id=form.cleaned_data["enrollment"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("matching:pair_by_hand", cohort_pk=cohort.pk, application_pk=application.pk)
        messages.success(request, _("%(mentee)s is now mentored by %(mentor)s: both got an email.") % {
            "mentee": application.applicant.get_full_name(), "mentor": mentorship.mentor.get_full_name(),
        })
        return redirect(back)
    options, cohort_places_left = selectors.hand_pairing_options(cohort=cohort, application=application)
    return render(request, "matching/pair_by_hand.html", {
        "cohort": cohort, "application": application, "options": options, "cohort_places_left": cohort_places_left,
    })
