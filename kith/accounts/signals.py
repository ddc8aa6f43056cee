"""Sign-in, sign-out, failed sign-in and password change: sessions mapped and audited."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed
from allauth.mfa.signals import authentication_failed as mfa_authentication_failed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kith.accounts.adapters import user_id_for
from kith.accounts.models import User
from kith.accounts.sessions import end_sessions, forget_session, remember_session, start_clock
from kith.audit.log import record


@receiver(user_logged_in, dispatch_uid="kith_accounts_logged_in")
def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    start_clock(request.session)
    remember_session(user, request.session)
    record("login", user, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="kith_accounts_logged_out")
def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if request is None:
        return
    forget_session(request.session.session_key)
    if user is not None:
        record("logout", user, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="kith_accounts_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(
        "login_failed",
        "accounts.user",
        object_id=user_id_for(credentials.get("username")),
        reason="wrong username or password",
        request=request,
    )


@receiver(mfa_authentication_failed, dispatch_uid="kith_accounts_mfa_failed")
def on_mfa_failed(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(
        "login_failed",
        user,
        user=user,
        reason="wrong two-factor code",
        request=request,
    )


@receiver(password_changed, dispatch_uid="kith_accounts_password_changed")
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Every other session of the user ends; this one goes on under its new key."""
    end_sessions(user, keep=request.session.session_key)
    remember_session(user, request.session)
