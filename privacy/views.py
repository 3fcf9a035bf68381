"""Thin views: parse, call a selector or service, render or redirect. GET never writes."""
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import history, services
from .forms import DeleteAccountForm, HistoryFilterForm
from .models import DataExport


@login_required
@require_POST
def export_request(request):
    services.export_request(user=request.user)
    messages.success(request, _("We are preparing an archive of your data. We will email you a link to download it "
                                "(it works for %(days)s days).") % {"days": services.export_valid_days()})
    return redirect("accounts:my_profile")


@login_required
def export_download(request, token):
    """The emailed link: only for the person it was made for, only until it expires. 404 otherwise."""
    try:
        data = signing.TimestampSigner(salt=services.EXPORT_SALT).unsign_object(
            token, max_age=services.export_valid_days() * 86400)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        raise Http404
    export = DataExport.objects.filter(pk=data.get("e"), user=request.user).first()
    if export is None or not export.is_downloadable():
        raise Http404
    try:
        handle = services.export_storage().open(export.file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"mentorship-data-{timezone.localdate(export.ready_at):%Y-%m-%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    refusal = services.deletion_refusal(user=request.user)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.account_delete(user=request.user, actor=request.user,
                                    confirmation=form.cleaned_data["confirmation"])
        except ValidationError as error:
            for message in error.message_dict.get("confirmation", error.messages):
                form.add_error("confirmation", message)
        except PermissionDenied:
            raise Http404 from None
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for the time you gave."))
            return redirect("home")
    return render(request, "privacy/account_delete.html", {
        "form": form, "plan": services.deletion_plan(user=request.user), "refusal": refusal,
        "export_days": services.export_valid_days(),
    }, status=400 if form.errors else 200)


@login_required
def cohort_history(request, cohort_pk):
    form = HistoryFilterForm(request.GET or None)
    kind, page = "", 1
    if form.is_valid():
        kind, page = form.cleaned_data["kind"] or "", form.cleaned_data["page"] or 1
    cohort, entries, has_next = history.cohort_history(user=request.user, cohort_pk=cohort_pk, kind=kind, page=page)
    return render(request, "privacy/cohort_history.html", {
        "cohort": cohort, "entries": entries, "form": form, "kind": kind, "page": page, "has_next": has_next,
    })
