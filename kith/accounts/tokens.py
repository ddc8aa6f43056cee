"""API tokens: ``kith_<prefix>_<secret>``, checked against a SHA-256 digest.

The secret is 32 random bytes, so a plain SHA-256 suffices (nothing to brute-force, unlike a
password) and lookups stay one indexed query by the public prefix. The token is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from kith.accounts.models import ApiToken, TokenScope

TOKEN_START = "kith_"
#: Safe methods only for read-scoped tokens (RFC 9110 §9.2.1).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Write last_used_at at most this often (seconds): a write per API call would be wasted.
LAST_USED_RESOLUTION = 60


def new_token() -> tuple[str, str, str]:
    """A fresh token, its prefix and its digest."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, digest_of(token)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_token(token: str) -> ApiToken | None:
    """The stored token that ``token`` is (whatever its state), or None."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token[len(TOKEN_START) :].partition("_")
    if not prefix or not secret:
        return None
    stored = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if stored is None or not hmac.compare_digest(stored.digest, digest_of(token)):
        return None
    return stored


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kith_…``: 401 for an unknown, expired or revoked token or an
    inactive user; 403 for a read-only token on a method that changes things."""

    openapi_description = "A personal API token (`kith_…`), made on the account's API tokens page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        stored = find_token(token)
        now = timezone.now()
        if stored is None or stored.state(now) != "active" or not stored.user.is_active:
            # A bearer header that does not work is an error, never a fall-back to the session.
            raise AuthenticationError(401, "The API token is unknown, expired or revoked.")
        if stored.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise AuthorizationError(403, "This API token is read-only.")
        if (
            stored.last_used_at is None
            or (now - stored.last_used_at).total_seconds() >= LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=stored.pk).update(last_used_at=now)
        request.user = stored.user
        request.api_token = stored  # type: ignore[attr-defined]
        return stored.user
