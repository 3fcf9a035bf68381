"""Raise a concern privately (on a mentorship or an application); coordinators answer it."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from programs import selectors as program_selectors

from ..models import Concern
from ..selectors.access import mentorship_get_for_user
from ..selectors.capabilities import may_raise_concern
from ..services import concerns as concern_services


class ConcernForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("What worries you"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=gettext_lazy("Only this program's coordinators will read it."))


class ConcernUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Concern.Status.choices)
    reply = forms.CharField(label=gettext_lazy("Reply to the person who raised it"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=gettext_lazy("They are emailed when you write or change the reply."))


def _raise(request, *, subject_name, back, **about):
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = concern_services.concern_raise(reporter=request.user, body=form.cleaned_data["body"], **about)
        except ValidationError as exc:
            form.add_error("body", exc.messages)
        else:
            messages.success(request, _("Thank you. The coordinators were told and will answer you here."))
            return redirect("mentoring:concern_detail", pk=concern.pk)
    return render(request, "mentoring/concerns/raise.html", {"form": form, "subject_name": subject_name,
                                                             "back": back}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def concern_raise_mentorship(request, pk):
    mentorship, role = mentorship_get_for_user(user=request.user, pk=pk)
    if not may_raise_concern(role=role):
        raise PermissionDenied
    return _raise(request, subject_name=str(mentorship.cohort), back=mentorship.get_absolute_url(),
                  mentorship=mentorship)


@login_required
@require_http_methods(["GET", "POST"])
def concern_raise_application(request, application_pk):
    application, role = program_selectors.application_get_for_user(user=request.user, pk=application_pk)
    if role != "applicant":
        raise Http404  # reviewers and coordinators do not raise concerns about someone's application
    return _raise(request, subject_name=str(application.cohort), back=application.get_absolute_url(),
                  application=application)


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, pk):
    concern, handles = concern_services.concern_get_for_user(user=request.user, pk=pk)
    form = None
    if handles:
        form = ConcernUpdateForm(request.POST or None, initial={"status": concern.status, "reply": concern.reply})
        if request.method == "POST" and form.is_valid():
            concern_services.concern_update(actor=request.user, concern=concern, **form.cleaned_data)
            messages.success(request, _("The concern is updated."))
            return redirect("mentoring:concern_detail", pk=concern.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "mentoring/concerns/detail.html", {"concern": concern, "form": form, "handles": handles})


@login_required
def cohort_concerns(request, cohort_pk):
    cohort = program_selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    return render(request, "mentoring/concerns/list.html", {
        "cohort": cohort, "concerns": list(concern_services.concerns_for_cohort(cohort)),
    })
