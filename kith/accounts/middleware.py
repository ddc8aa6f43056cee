"""Session timeouts and required MFA, for every signed-in request.

:class:`SessionTimeoutMiddleware` signs a user out after ``KITH_SESSION_IDLE_SECONDS`` without a
request or ``KITH_SESSION_ABSOLUTE_SECONDS`` after signing in, whichever comes first.
:class:`MfaRequiredMiddleware` sends a signed-in user who has no authenticator app to set one
up, and lets them reach nothing else (``KITH_MFA_REQUIRED``; on unless a demo turns it off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from kith.accounts.sessions import SEEN, STARTED, now_seconds

Handler = Callable[[HttpRequest], HttpResponse]

#: Write the last-use time at most this often (seconds): saving the session on every request
#: would be a database write per page for nothing.
SEEN_RESOLUTION = 60

#: What a signed-in user without an authenticator may still reach.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "account_reauthenticate",
        "account_logout",
        "healthz",
    }
)


def _is_api(request: HttpRequest) -> bool:
    """A JSON API call: answered with JSON, not sent to an HTML page."""
    return request.path_info.startswith("/api/")


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": expired}, status=401)
                messages.info(request, expired)
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str:
        """Why the session has ended ("" while it has not)."""
        session = request.session
        now = now_seconds()
        started = session.setdefault(STARTED, now)
        seen = session.get(SEEN, now)
        if now - started > settings.KITH_SESSION_ABSOLUTE_SECONDS:
            hours = settings.KITH_SESSION_ABSOLUTE_SECONDS / 3600
            return f"You were signed out because you signed in more than {hours:g} hours ago."
        if now - seen > settings.KITH_SESSION_IDLE_SECONDS:
            minutes = settings.KITH_SESSION_IDLE_SECONDS / 60
            return f"You were signed out after {minutes:g} minutes without activity."
        if now - seen >= SEEN_RESOLUTION or SEEN not in session:
            session[SEEN] = now
        return ""


class MfaRequiredMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not settings.KITH_MFA_REQUIRED or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_SETUP_URL_NAMES:
            return None
        if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
            return None
        if _is_api(request):
            return JsonResponse(
                {"detail": "Set up two-factor authentication before using Kith."}, status=403
            )
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
