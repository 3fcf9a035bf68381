from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import OrganizationForm, ProjectForm
from .models import Organization, Project


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
    })


def organization_detail(request, pk):
    organization = Organization.objects.prefetch_related("members__profile").filter(pk=pk).first()
    if organization is None:
        raise Http404
    can_edit = request.user.is_authenticated and any(m.pk == request.user.pk for m in organization.members.all())
    return render(request, "organizations/organization_detail.html", {"organization": organization, "can_edit": can_edit})


def project_detail(request, pk):
    project = Project.objects.prefetch_related("maintainers__profile").filter(pk=pk).first()
    if project is None:
        raise Http404
    can_edit = request.user.is_authenticated and any(m.pk == request.user.pk for m in project.maintainers.all())
    return render(request, "organizations/project_detail.html", {"project": project, "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk=None):
    instance = _owned(Organization, "members", user=request.user, pk=pk) if pk else Organization()
    form = OrganizationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_save(form=form, actor=request.user)
        messages.success(request, _("Saved."))
        return redirect(request.GET.get("next") if _safe_next(request) else organization)
    return render(request, "organizations/edit.html", {"form": form, "title": _("Organization")})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk=None):
    instance = _owned(Project, "maintainers", user=request.user, pk=pk) if pk else Project()
    form = ProjectForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        project = services.project_save(form=form, actor=request.user)
        messages.success(request, _("Saved."))
        return redirect(request.GET.get("next") if _safe_next(request) else project)
    return render(request, "organizations/edit.html", {"form": form, "title": _("Project")})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
