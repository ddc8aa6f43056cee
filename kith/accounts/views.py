from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kith.accounts import access
from kith.accounts.actions import do_create_api_token, do_revoke_api_token
from kith.accounts.auth_forms import ApiTokenForm
from kith.accounts.models import ApiToken


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens and a form for a new one (its text shown on this answer only);
    for an admin, everybody else's tokens too, to revoke."""
    new_token = ""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, new_token = do_create_api_token(
            request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": _with_states(access.api_tokens_of(request.user)),
            "others": _with_states(access.other_users_api_tokens(request.user)),
        },
    )


def _with_states(tokens: Iterable[ApiToken]) -> list[tuple[ApiToken, str]]:
    now = timezone.now()
    return [(token, token.state(now)) for token in tokens]


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.get_api_token(request.user, pk)
    if do_revoke_api_token(token, by=request.user):
        messages.success(request, f"The API token “{token.name}” is revoked.")
    return redirect("api_tokens")
