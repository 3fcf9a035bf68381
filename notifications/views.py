import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import kinds, services
from .models import NotificationPreference


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, kind_name = services.read_unsubscribe_token(token)
        kind = kinds.get(kind_name)
        user = get_user_model().objects.get(pk=user_id)
    except (signing.BadSignature, LookupError, get_user_model().DoesNotExist):
        raise Http404 from None
    if kind.name == kinds.DIGEST.name:
        return _unsubscribe_digest(request, user)
    if kind.security:
        raise Http404
    done = False
    if request.method == "POST":
        if request.POST.get("digest") == "1" and kind.reminder:
            services.preference_set(user=user, kind=kind.name, enabled=True, mode=NotificationPreference.Mode.DIGEST)
        else:
            services.preference_set(user=user, kind=kind.name, enabled=request.POST.get("resubscribe") == "1",
                                    mode=NotificationPreference.Mode.IMMEDIATE)
        done = True
    enabled = services.preferences_for(user=user).get(kind.name, True)
    mode = services.modes_for(user=user).get(kind.name)
    return render(request, "notifications/unsubscribe.html",
                  {"kind": kind, "done": done, "enabled": enabled, "digest": mode == NotificationPreference.Mode.DIGEST})


def _unsubscribe_digest(request, user):
    """The digest's one-click way out: the reminders it gathers stop (and can be turned back on)."""
    done = request.method == "POST"
    if done:
        services.digest_unsubscribe(user=user, resubscribe=request.POST.get("resubscribe") == "1")
    enabled = services.digest_enabled(user=user)
    return render(request, "notifications/unsubscribe.html",
                  {"kind": kinds.DIGEST, "done": done, "enabled": enabled, "digest": False})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = services.preferences_for(user=request.user)
    modes = services.modes_for(user=request.user)
    if request.method == "POST":
        for kind in kinds.optional_kinds():
            wanted = request.POST.get(f"kind_{kind.name}") == "on"
            mode = request.POST.get(f"mode_{kind.name}", modes[kind.name])
            if mode not in NotificationPreference.Mode.values:
                mode = modes[kind.name]
            if wanted != current[kind.name] or mode != modes[kind.name]:
                services.preference_set(user=request.user, kind=kind.name, enabled=wanted, mode=mode)
        messages.success(request, _("Your email preferences were saved."))
        return redirect("notifications:preferences")
    rows = [(kind, current[kind.name], modes[kind.name]) for kind in kinds.optional_kinds()]
    return render(request, "notifications/preferences.html", {"rows": rows, "mode_choices": NotificationPreference.Mode.choices})


def _outbox_dir() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


def _read_message(path: Path):
    with path.open("rb") as fh:
        return email.message_from_binary_file(fh, policy=email.policy.default)


@staff_member_required
def outbox(request):
    """The embedded run writes mail to files; staff read them here."""
    folder = _outbox_dir()
    files = sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    rows = []
    for path in page.object_list:
        msg = _read_message(path)
        rows.append({"name": path.name, "to": msg["To"], "subject": msg["Subject"], "date": msg["Date"]})
    return render(request, "notifications/outbox.html", {"page": page, "rows": rows, "folder": folder})


@staff_member_required
def outbox_message(request, name):
    folder = _outbox_dir()
    path = folder / name
    # Only plain file names from the outbox folder: nothing else on disk is reachable.
    if "/" in name or not name.endswith(".eml") or not path.is_file():
        raise Http404
    msg = _read_message(path)
    body = msg.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return render(request, "notifications/outbox_message.html", {"msg": msg, "text": text, "name": name})
