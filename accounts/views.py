from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import dashboard as dashboard_sections
from . import selectors, services
from .forms import MentorFilterForm, ProfileForm
from .models import Profile


@login_required
def dashboard(request):
    profile = Profile.objects.prefetch_related("languages", "skills", "interests").get(user=request.user)
    return render(
        request, "accounts/dashboard.html",
        {"profile": profile, "missing": profile.missing_items(), "sections": dashboard_sections.sections_for(request)},
    )


@login_required
def my_profile(request):
    return redirect("accounts:profile_detail", pk=request.user.profile.pk)


def profile_detail(request, pk):
    profile = selectors.profile_get_for_viewer(viewer=request.user, pk=pk)
    is_own = request.user.is_authenticated and profile.user_id == request.user.pk
    return render(request, "accounts/profile_detail.html", {"profile": profile, "is_own": is_own})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = request.user.profile
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            services.profile_update(profile=profile, form=form)
            request.session["tz"] = profile.timezone
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile_detail", pk=profile.pk)
        messages.error(request, _("Please correct the highlighted fields. Nothing you typed was lost."))
    else:
        form = ProfileForm(instance=profile)
    return render(
        request, "accounts/profile_edit.html",
        {"form": form, "profile": profile},
    )


def mentor_directory(request):
    form = MentorFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    mentors = selectors.mentor_directory_list(**filters)
    page = Paginator(mentors, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/mentor_directory.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )

