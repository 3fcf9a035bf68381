from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import invitations, selectors, services
from .forms import InviteForm, MemberChoiceForm, OrganizationForm, ProjectForm
from .models import Invitation, Organization, Project

INVITATIONS_SENT = _("We have sent an invitation to each address. People appear here once they accept.")


def _owned(model, people_field, *, user, pk):
    """An organization or project the person may edit; 404 for anyone else."""
    obj = model.objects.filter(pk=pk, **{people_field: user}).first()
    if obj is None:
        raise Http404
    return obj


@login_required
def mine(request):
    return render(request, "organizations/mine.html", {
        "organizations": request.user.organizations.all(),
        "projects": request.user.maintained_projects.all(),
        "groups": request.user.applicant_groups.all(),
    })


def organization_detail(request, pk):
    organization = selectors.target_get(kind="organizations", pk=pk)
    context = selectors.people_page(target=organization, user=request.user)
    return render(request, "organizations/organization_detail.html", {
        "organization": organization, "can_edit": context["is_member"], **context,
    })


def project_detail(request, pk):
    project = selectors.target_get(kind="projects", pk=pk)
    context = selectors.people_page(target=project, user=request.user)
    return render(request, "organizations/project_detail.html", {
        "project": project, "can_edit": context["is_member"], **context,
    })


def _saved(request, form, obj):
    if form.cleaned_data.get("add_people"):
        messages.success(request, INVITATIONS_SENT)
    messages.success(request, _("Saved."))
    return redirect(request.GET.get("next") if _safe_next(request) else obj)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk=None):
    instance = _owned(Organization, "members", user=request.user, pk=pk) if pk else Organization()
    form = OrganizationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        return _saved(request, form, services.organization_save(form=form, actor=request.user))
    return render(request, "organizations/edit.html", {"form": form, "title": _("Organization")})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk=None):
    instance = _owned(Project, "maintainers", user=request.user, pk=pk) if pk else Project()
    form = ProjectForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        return _saved(request, form, services.project_save(form=form, actor=request.user))
    return render(request, "organizations/edit.html", {"form": form, "title": _("Project")})


@login_required
@require_http_methods(["GET", "POST"])
def people(request, kind, pk):
    """Its people: members invite, leave and withdraw invitations; the owner removes members and hands
    ownership over. Only members reach this page (404 for everyone else)."""
    target = selectors.target_get(kind=kind, pk=pk, user=request.user, members_only=True)
    context = selectors.people_page(target=target, user=request.user)
    invite_form = InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        choice = MemberChoiceForm(request.POST, people=context["people"])
        try:
            if action == "invite":
                if invite_form.is_valid():
                    invitations.invitations_send(actor=request.user, target=target, emails=invite_form.cleaned_data["emails"])
                    messages.success(request, INVITATIONS_SENT)
                    return redirect(request.path)
            elif action == "revoke":
                invitation = next((i for i in context["invitations"] if str(i.pk) == request.POST.get("invitation")), None)
                if invitation is None:
                    raise Http404
                invitations.invitation_revoke(invitation=invitation, actor=request.user)
                messages.success(request, _("The invitation was withdrawn."))
                return redirect(request.path)
            elif action == "leave":
                invitations.member_leave(target=target, user=request.user)
                messages.success(request, _("You left %(name)s.") % {"name": target.name})
                return redirect("organizations:mine")
            elif action in ("remove", "transfer") and choice.is_valid():
                person = choice.person()
                if action == "remove":
                    invitations.member_remove(target=target, actor=request.user, member=person)
                    messages.success(request, _("%(name)s is no longer a member.") % {"name": person.profile.name})
                else:
                    invitations.ownership_transfer(target=target, actor=request.user, new_owner=person)
                    messages.success(request, _("%(name)s is now the owner.") % {"name": person.profile.name})
                return redirect(request.path)
            elif action in ("remove", "transfer"):
                messages.error(request, _("Choose one of the members. Nothing was changed."))
                return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    return render(request, "organizations/people.html", {**context, "invite_form": invite_form}, status=200)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link in the email. GET shows what it is; accepting or declining is a POST by the person signed
    in with the invited address."""
    try:
        found = invitations.invitation_from_token(token)
    except ValidationError as exc:
        return render(request, "organizations/invitation.html", {"error": " ".join(exc.messages)}, status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.POST.get("action") == "decline":
                invitations.invitation_decline(token=token, user=request.user)
                messages.success(request, _("You declined the invitation."))
                return redirect("organizations:mine")
            used = invitations.invitation_accept(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
        messages.success(request, _("Welcome! You joined %(name)s.") % {"name": used.target.name})
        return redirect(used.target)
    return render(request, "organizations/invitation.html", {
        "invitation": found, "target": found.target, "usable": found.status == Invitation.Status.PENDING
        and not found.is_expired,
        "other_account": request.user.is_authenticated and request.user.email.lower() != found.email.lower(),
    })


def _safe_next(request) -> bool:
    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
