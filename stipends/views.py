"""Stipend pages: thin (parse, selector or service, render or redirect); GET never writes."""
import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship.forms import add_service_errors
from programs.permissions import is_site_admin
from programs.selectors import cohort_get_for_coordinator

from . import selectors, services
from .forms import CountryTableForm, DecisionForm, PaymentDetailsForm, PlanForm, RecommendationUpdateForm, SponsorForm
from .models import Event, StipendPlan

CONFIRM_LISTED = 100  # the confirmation page names this many and counts the rest


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    plan = selectors.plan_for(cohort)
    initial = {}
    if plan is not None:
        initial["amount"] = plan.amount
        initial.update({f"percent_{p.event}": p.percent for p in plan.instalments.all()})
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set(cohort=cohort, actor=request.user, amount=form.cleaned_data["amount"],
                              percents=form.percents())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The stipend plan is saved."))
            return redirect("stipends:payments", cohort_pk=cohort.pk)
    return render(request, "stipends/plan.html", {"cohort": cohort, "plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def country_table(request, cohort_pk):
    """Site admins only (anyone else: 404): import the per-country amounts."""
    if not is_site_admin(request.user):
        raise Http404
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    plan = selectors.plan_for(cohort)
    if plan is None:
        raise Http404
    form = CountryTableForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.country_amounts_import(plan=plan, actor=request.user, data=form.text())
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, ngettext("%(count)d country imported.", "%(count)d countries imported.", count)
                             % {"count": count})
            return redirect("stipends:country_table", cohort_pk=cohort.pk)
    return render(request, "stipends/country_table.html", {
        "cohort": cohort, "plan": plan, "form": form, "rows": list(plan.country_amounts.all()),
    })


def _payments_url(cohort, show: str = "") -> str:
    url = reverse("stipends:payments", args=[cohort.pk])
    return f"{url}?{urlencode({'show': show})}" if show else url


@login_required
@require_GET
def payments(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    plan = selectors.plan_for(cohort)
    if plan is None:
        return redirect("stipends:plan_edit", cohort_pk=cohort.pk)
    show = request.GET.get("show", "")
    show = show if show in selectors.PAYMENT_FILTERS else ""
    page = selectors.payment_pairs_page(cohort=cohort, show=show, page_number=request.GET.get("page"))
    rows = selectors.payment_page(cohort=cohort, page=page)
    return render(request, "stipends/payments.html", {
        "cohort": cohort, "plan": plan, "rows": rows, "page": page, "show": show,
        "filters": selectors.PAYMENT_FILTERS.items(), "summary": selectors.payment_summary(cohort=cohort, show=show),
        "querystring": urlencode({"show": show}) if show else "",
        "events": [e for e in Event if e in {p.event for p in plan.instalments.all()}],
    })


@login_required
@require_POST
def decide(request, cohort_pk):
    """First POST: what is about to happen. Second POST (confirm): decide, then report. The instalments are
    the ones ticked, or (select=filter) every one of the filter the decision applies to, chosen here on the
    server; the confirmation page carries that exact list, so what is confirmed is what is decided."""
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    show = request.POST.get("show", "")
    show = show if show in selectors.PAYMENT_FILTERS else ""
    if request.POST.get("select") == "filter" and not request.POST.get("confirm"):
        ids = selectors.bulk_selection(cohort=cohort, show=show, action=request.POST.get("action", ""))
    else:
        ids = [int(i) for i in request.POST.getlist("instalments") if i.isdigit()]
    chosen = selectors.instalments_for_decision(cohort=cohort, ids=ids)
    data = request.POST.copy()
    data.setlist("instalments", [str(i.pk) for i in chosen])
    form = DecisionForm(data, instalment_ids=[i.pk for i in chosen])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_payments_url(cohort, show))
    data = form.cleaned_data
    if not data["confirm"]:
        return render(request, "stipends/confirm.html", {
            "cohort": cohort, "instalments": chosen[:CONFIRM_LISTED], "more": max(len(chosen) - CONFIRM_LISTED, 0),
            "count": len(chosen), "ids": [i.pk for i in chosen], "form": form, "action": data["action"], "show": show,
        })
    try:
        done = services.instalments_decide(cohort=cohort, actor=request.user, instalment_ids=data["instalments"],
                                           action=data["action"], reason=data["reason"],
                                           apply_extensions=data["apply_extensions"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if data["action"] == services.APPROVE:
            text = ngettext("%(count)d instalment approved.", "%(count)d instalments approved.", len(done))
        else:
            text = ngettext("%(count)d instalment held.", "%(count)d instalments held.", len(done))
        messages.success(request, text % {"count": len(done)})
    return redirect(_payments_url(cohort, show))


@login_required
@require_GET
def history(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "stipends/history.html", {
        "cohort": cohort, "decisions": selectors.decision_history(cohort=cohort)[:500],
    })


@login_required
@require_http_methods(["GET", "POST"])
def exports(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    if request.method == "POST":
        try:
            batch = services.export_create(cohort=cohort, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.info(request, message)
        else:
            messages.success(request, ngettext(
                "Export #%(batch)s holds %(count)d instalment; they are marked as sent for payment.",
                "Export #%(batch)s holds %(count)d instalments; they are marked as sent for payment.",
                batch.instalments.count()) % {"batch": batch.pk, "count": batch.instalments.count()})
        return redirect("stipends:exports", cohort_pk=cohort.pk)
    return render(request, "stipends/exports.html", {
        "cohort": cohort, "batches": selectors.export_batches(cohort=cohort),
        "without_details": selectors.approved_without_details(cohort=cohort),
    })


@login_required
@require_GET
def export_download(request, batch_pk, fmt):
    """A batch as finance reads it, as often as needed (the same rows every time)."""
    if fmt not in ("csv", "json"):
        raise Http404
    batch = selectors.batch_get_for_coordinator(user=request.user, pk=batch_pk)
    rows = selectors.export_rows(batch)
    if fmt == "json":
        response = HttpResponse(json.dumps({"batch": batch.pk, "created_at": batch.created_at.isoformat(),
                                            "instalments": rows}, indent=2), content_type="application/json")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=selectors.EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stipends-export-{batch.pk}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sponsors(request, cohort_pk, sponsor_pk=None):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    sponsor = selectors.sponsor_get_for_coordinator(user=request.user, cohort_pk=cohort.pk, pk=sponsor_pk) \
        if sponsor_pk else None
    plan = StipendPlan.objects.filter(cohort=cohort).first() if sponsor is None else None
    # A new sponsor pledges in the plan's currency unless the coordinator picks another.
    initial = {"pledged": [None, str(plan.amount.currency)]} if plan is not None else None
    form = SponsorForm(request.POST or None, instance=sponsor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sponsor_save(cohort=cohort, actor=request.user, sponsor=sponsor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The sponsor is saved."))
            return redirect("stipends:sponsors", cohort_pk=cohort.pk)
    plan = selectors.plan_for(cohort)
    sponsor_list = list(cohort.sponsors.all())
    return render(request, "stipends/sponsors.html", {
        "cohort": cohort, "form": form, "sponsor": sponsor, "sponsors": sponsor_list, "plan": plan,
        "places": {s.pk: selectors.places_of(s.pledged, plan) for s in sponsor_list} if plan else {},
        "funding": selectors.funding(cohort=cohort, plan=plan, sponsors=sponsor_list) if plan else None,
    })


@login_required
@require_GET
def sponsor_report(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["sponsor", "status", "pledged", "places_funded", "mentee", "mentorship",
                                             "completed"])
    writer.writeheader()
    writer.writerows(selectors.sponsor_report(cohort=cohort))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sponsors-cohort-{cohort.pk}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_stipend(request, pk):
    """The mentee's schedule and payment details; coordinators and site admins read them too."""
    mentorship, role = selectors.stipend_view_get(user=request.user, pk=pk)
    details = selectors.payment_details_for(mentorship=mentorship)
    is_mentee = request.user.pk == mentorship.mentee_id
    form = PaymentDetailsForm(request.POST or None, instance=details) if is_mentee else None
    if request.method == "POST":
        if not is_mentee:
            raise Http404
        if form.is_valid():
            try:
                services.payment_details_save(mentorship=mentorship, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your payment details are saved."))
                return redirect("stipends:mentorship_stipend", pk=mentorship.pk)
    return render(request, "stipends/mentorship_stipend.html", {
        "mentorship": mentorship, "role": role, "details": details, "form": form, "is_mentee": is_mentee,
        "stipend": selectors.mentee_stipend(mentorship=mentorship),
        "schedule": selectors.mentee_schedule(mentorship=mentorship),
    })


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request, pk, stage):
    """The mentor says again about an instalment held after their extension: pay it now, or end."""
    mentorship, recommendation = selectors.recommendation_get_for_mentor(user=request.user, pk=pk, stage=stage)
    form = RecommendationUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(mentorship=mentorship, actor=request.user, stage=stage,
                                           choice=form.cleaned_data["choice"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your recommendation is saved: the coordinators read it on the payment page."))
            return redirect(mentorship)
    return render(request, "stipends/recommendation_update.html", {
        "mentorship": mentorship, "recommendation": recommendation, "form": form,
    })
