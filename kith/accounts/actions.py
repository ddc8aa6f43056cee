"""Writes to accounts: API tokens and deactivating a user (one transaction each, audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kith.accounts.models import TOKEN_LIFETIMES_DAYS, ApiToken, User
from kith.accounts.sessions import end_sessions
from kith.accounts.tokens import new_token
from kith.audit.log import record


def do_create_api_token(user: User, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with the token text, which is never shown again."""
    if days not in TOKEN_LIFETIMES_DAYS:
        raise ValueError(f"token lifetime {days} days: expected one of {TOKEN_LIFETIMES_DAYS}")
    token_text, prefix, digest = new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=digest,
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record("token_create", token, fields=["name", "scope", "expires_at"], user=user)
    return token, token_text


def do_revoke_api_token(token: ApiToken, *, by: User | None) -> bool:
    """Revoke ``token`` (by its owner or an admin); False when it was revoked already."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if changed:
            record("token_revoke", token, fields=["revoked_at"], user=by)
    token.refresh_from_db(fields=["revoked_at"])
    return bool(changed)


def do_deactivate_user(user: User, *, by: User | None) -> int:
    """Stop ``user`` signing in: inactive, every session ended, every token revoked.
    Returns how many sessions were ended."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        record("update", user, fields=["is_active"], user=by)
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
            do_revoke_api_token(token, by=by)
        ended = end_sessions(user)
    return ended
