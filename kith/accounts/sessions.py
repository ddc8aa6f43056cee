"""Session hygiene: when a session started and was last used, and ending a user's sessions.

Sessions are found through :class:`~kith.accounts.models.UserSession` rows written at sign-in
rather than by decoding every session in the store: one indexed query per user, and it works
whatever ``SESSION_ENGINE`` is.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from kith.accounts.models import User, UserSession

#: Session keys (in the session's own data) for its sign-in and last-use times (Unix seconds).
STARTED = "kith_started"
SEEN = "kith_seen"


def _store(session_key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def now_seconds() -> float:
    return timezone.now().timestamp()


def start_clock(session: SessionBase) -> None:
    now = now_seconds()
    session[STARTED] = now
    session[SEEN] = now


def remember_session(user: User, session: SessionBase) -> None:
    """Map the (new, signed-in) ``session`` to ``user``; forget the user's rows for sessions
    that can no longer be valid (older than the absolute timeout)."""
    if session.session_key is None:
        session.save()
    oldest = timezone.now() - dt.timedelta(seconds=settings.KITH_SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=oldest).delete()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every session of ``user`` from the store (except ``keep``); how many ended."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    store = _store()
    for key in keys:
        store.delete(key)
    rows.delete()
    return len(keys)
