"""Applicants record contributions and link accounts; coordinators set up the period and rank by evidence."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.forms import add_service_errors
from programs.selectors import cohort_get_for_coordinator

from . import selectors, services
from .forms import ContributionForm, LinkForm, PeriodForm, ProofForm, TaskForm
from .models import ContributionPeriod, Platform

RANKING_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def my_contributions(request, cohort_pk):
    period = selectors.period_get_visible(user=request.user, cohort_pk=cohort_pk)
    cohort = period.cohort
    form = ContributionForm()
    if request.method == "POST":
        form = ContributionForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_record(applicant=request.user, cohort=cohort, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your contribution was recorded. It will be verified in a moment."))
                return redirect("contributions:mine", cohort_pk=cohort.pk)
    contributions = selectors.contributions_of(cohort_id=cohort.pk, applicant_id=request.user.pk)
    return render(request, "contributions/mine.html", {
        "cohort": cohort, "period": period, "form": form, "contributions": contributions,
        "summary": selectors.summary(contributions), "tasks": selectors.tasks_of(period, user=request.user),
        "accounts": selectors.linked_accounts(user=request.user), "accepting": period.accepts_records(),
    })


def _owner_action(request, pk, service, message):
    contribution = selectors.contribution_get_for_owner(user=request.user, pk=pk)
    try:
        service(contribution=contribution, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("contributions:mine", cohort_pk=contribution.cohort_id)


@login_required
@require_POST
def contribution_delete(request, pk):
    return _owner_action(request, pk, services.contribution_delete, _("The contribution was removed."))


@login_required
@require_POST
def contribution_recheck(request, pk):
    return _owner_action(request, pk, services.contribution_recheck, _("It will be checked again in a moment."))


@login_required
@require_POST
def task_claim(request, pk):
    task = selectors.task_get_for_applicant(user=request.user, pk=pk)
    try:
        services.task_claim(task=task, applicant=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You took the task “%(title)s”.") % {"title": task.title})
    return redirect("contributions:mine", cohort_pk=task.period.cohort_id)


@login_required
@require_http_methods(["GET", "POST"])
def linked_accounts(request):
    accounts = selectors.linked_accounts(user=request.user)
    link_form, proof_forms = LinkForm(), {value: ProofForm(prefix=value) for value in Platform.values}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "social":
            if services.account_link_social(user=request.user) is None:
                messages.error(request, _("You have not signed in with GitHub on this site."))
            else:
                messages.success(request, _("Your GitHub account is linked."))
            return redirect("contributions:accounts")
        if action == "link":
            link_form = LinkForm(request.POST)
            if link_form.is_valid():
                services.account_link_start(user=request.user, **link_form.cleaned_data)
                messages.success(request, _("Now put the code below in a public gist or snippet."))
                return redirect("contributions:accounts")
        elif action in ("proof", "unlink"):
            account = accounts.get(request.POST.get("platform", ""))
            if account is None:
                raise Http404
            if action == "unlink":
                services.account_unlink(account=account)
                messages.success(request, _("The account was unlinked."))
                return redirect("contributions:accounts")
            proof_form = proof_forms[account.platform] = ProofForm(request.POST, prefix=account.platform)
            if proof_form.is_valid():
                try:
                    services.account_proof_submit(account=account, **proof_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(proof_form, exc)
                else:
                    messages.success(request, _("Thank you. We are checking your gist or snippet."))
                    return redirect("contributions:accounts")
        else:
            raise Http404
    from allauth.socialaccount.models import SocialAccount

    return render(request, "contributions/accounts.html", {
        "accounts": [(value, label, accounts.get(value), proof_forms[value]) for value, label in Platform.choices],
        "link_form": link_form,
        "has_github_login": SocialAccount.objects.filter(user=request.user, provider="github").exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, cohort_pk):
    cohort = cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    period = ContributionPeriod.objects.filter(cohort=cohort).first()
    period_form, task_form = PeriodForm(instance=period), TaskForm(period=period)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "period":
            period_form = PeriodForm(request.POST, instance=period)
            if period_form.is_valid():
                try:
                    services.period_save(cohort=cohort, actor=request.user, **period_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(period_form, exc)
                else:
                    messages.success(request, _("The contribution period was saved."))
                    return redirect("contributions:manage", cohort_pk=cohort.pk)
        elif action == "task" and period is not None:
            task_form = TaskForm(request.POST, period=period)
            if task_form.is_valid():
                try:
                    services.task_create(period=period, actor=request.user, **task_form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(task_form, exc)
                else:
                    messages.success(request, _("The task was published."))
                    return redirect("contributions:manage", cohort_pk=cohort.pk)
        else:
            raise Http404
    page = None
    if period is not None:
        page = Paginator(selectors.ranking_by_evidence(cohort), RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contributions/manage.html", {
        "cohort": cohort, "period": period, "period_form": period_form, "task_form": task_form,
        "tasks": selectors.tasks_of(period) if period else [], "page": page,
    })
