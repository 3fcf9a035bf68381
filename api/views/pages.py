"""Pages for people: their tokens (create, shown once; revoke) and the API's documentation."""
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.generators import SchemaGenerator

from .. import selectors, services
from ..forms import TokenForm


def _tokens_page(request, *, form, new_token=None, status=200):
    return render(request, "api/tokens.html", {
        "form": form, "tokens": selectors.tokens_of(user=request.user), "new_token": new_token,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    if request.method == "GET":
        return _tokens_page(request, form=TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form=form, status=400)
    try:
        token, raw = services.token_create(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _tokens_page(request, form=form, status=400)
    # Shown in this answer only: the token is not stored, so it cannot be shown again.
    return _tokens_page(request, form=TokenForm(), new_token={"token": token, "raw": raw}, status=201)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_get_for_owner(user=request.user, pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:tokens")


METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=8)
def _reference(language: str) -> tuple[dict, list[dict]]:
    """The schema's operations, shaped for the page; the schema changes only with the code, so it is
    built once per process and language (about 70 ms of CPU each time otherwise)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            operations.append({
                "id": operation.get("operationId", ""), "method": method.upper(), "path": path,
                "summary": operation.get("description", ""),
                "parameters": [p for p in operation.get("parameters", []) if p.get("in") != "header"],
                "responses": sorted(operation.get("responses", {})),
                "public": {} in operation.get("security", []),
            })
    return schema["info"], operations


def docs(request):
    """The API's reference, rendered on the server from the same OpenAPI schema as /api/schema/
    (no scripts, so the site's CSP holds unchanged)."""
    info, operations = _reference(get_language() or "en")
    return render(request, "api/docs.html", {"operations": operations, "info": info})
