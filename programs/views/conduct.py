"""The code of conduct: coordinators write it; applicants and mentors read and accept it."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import selectors
from ..models import CodeOfConduct
from ..services import conduct as conduct_services


class ConductForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Code of conduct"), required=False, max_length=50000,
                           widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=gettext_lazy("Markdown. Leave empty to have none. Changing it asks everyone "
                                                  "to accept it again."))


def _next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def program_conduct(request, slug):
    """Read the code of conduct and accept it (who and when is recorded)."""
    program = selectors.program_get_visible(user=request.user, slug=slug)
    code = CodeOfConduct.objects.filter(program=program).first()
    pending = conduct_services.conduct_pending(user=request.user, program=program) is not None
    if request.method == "POST" and code is not None:
        conduct_services.conduct_accept(user=request.user, program=program)
        messages.success(request, _("Thank you: you accepted the code of conduct of %(program)s.")
                         % {"program": program.name})
        return redirect(_next(request, program.get_absolute_url()))
    return render(request, "programs/conduct/read.html", {
        "program": program, "code": code, "pending": pending, "next": _next(request, ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def conduct_edit(request, slug):
    program = selectors.program_get_for_coordinator(user=request.user, slug=slug)
    code = CodeOfConduct.objects.filter(program=program).first()
    form = ConductForm(request.POST or None, initial={"text": code.text if code else ""})
    if request.method == "POST" and form.is_valid():
        conduct_services.conduct_save(actor=request.user, program=program, text=form.cleaned_data["text"])
        messages.success(request, _("The code of conduct is saved."))
        return redirect("programs:conduct_edit", slug=program.slug)
    acceptances = list(program.conduct_acceptances.select_related("user__profile")[:200])
    return render(request, "programs/conduct/edit.html", {
        "program": program, "form": form, "code": code, "acceptances": acceptances,
    })
