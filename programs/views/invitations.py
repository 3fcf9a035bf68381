"""Invitations: coordinators invite mentors and co-coordinators by email; the invitee accepts from the link."""
from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..models import Invitation
from ..services import invitations as invitation_services
from ..services.conduct import conduct_pending


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    message = forms.CharField(label=gettext_lazy("A personal note (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AcceptMentoringForm(forms.Form):
    capacity = forms.IntegerField(label=gettext_lazy("How many mentees can you take?"), initial=1,
                                  validators=[MinValueValidator(1), MaxValueValidator(20)],
                                  widget=forms.NumberInput(attrs={"min": 1, "max": 20}))
    offer = forms.CharField(label=gettext_lazy("What you can offer (optional)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _sent_message(request, email):
    # The same words whether or not the address has an account here.
    messages.success(request, _("An invitation is on its way to %(email)s. The link works once, for %(days)d days.")
                     % {"email": email, "days": invitation_services.INVITATION_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def mentor_invite(request, cohort_pk):
    cohort = selectors.cohort_get_for_coordinator(user=request.user, pk=cohort_pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.mentor_invite(actor=request.user, cohort=cohort, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _sent_message(request, form.cleaned_data["email"])
            return redirect("programs:mentor_invite", cohort_pk=cohort.pk)
    return render(request, "programs/invitations/mentor_invite.html", {
        "cohort": cohort, "form": form,
        "invitations": list(cohort.invitations.filter(role=Invitation.Role.MENTOR).select_related("accepted_by__profile")),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def program_coordinators(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation_services.coordinator_invite(actor=request.user, program=program, **form.cleaned_data)
        _sent_message(request, form.cleaned_data["email"])
        return redirect("programs:program_coordinators", slug=program.slug)
    return render(request, "programs/invitations/coordinators.html", {
        "program": program, "form": form,
        "coordinators": list(program.coordinators.select_related("profile").order_by("profile__display_name", "pk")),
        "invitations": list(program.invitations.filter(role=Invitation.Role.COORDINATOR, accepted_at__isnull=True,
                                                       revoked_at__isnull=True)),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link in the email. Anyone holding it sees what it offers; accepting needs the invited account."""
    found = invitation_services.invitation_from_token(token)
    user = request.user if request.user.is_authenticated else None
    problem = invitation_services.invitation_problem(found, user=user)
    is_mentor = found is not None and found.role == Invitation.Role.MENTOR
    form = AcceptMentoringForm(request.POST or None) if is_mentor else None
    if request.method == "POST" and user is not None and not problem and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            invitation_services.invitation_accept(invitation=found, user=user, **data)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            if is_mentor:
                messages.success(request, _("Welcome: you are a mentor of %(cohort)s.") % {"cohort": found.cohort})
                return redirect("programs:review_queue", cohort_pk=found.cohort_id)
            messages.success(request, _("You now coordinate %(program)s.") % {"program": found.program.name})
            return redirect("programs:my_cohorts")
    pending_code = (found is not None and user is not None and not problem
                    and conduct_pending(user=user, program=found.program) is not None)
    return render(request, "programs/invitations/accept.html", {
        "invitation": found, "conduct_pending": pending_code,
        "problem": problem, "form": form, "signed_in": user is not None,
    }, status=404 if found is None else (400 if form is not None and form.errors else 200))
