"""The request being served, kept in a context variable so ``record`` can tell who and where.

The middleware sits after AuthenticationMiddleware, so ``request.user`` is resolved lazily by
the time anything is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from kith.audit.registry import remembering

current_request: ContextVar[HttpRequest | None] = ContextVar("kith_audit_request", default=None)


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from kith.audit.log import flush  # here: kith.audit.log imports this module

        token = current_request.set(request)
        try:
            with remembering():
                response = self.get_response(request)
                flush(request)
            return response
        finally:
            current_request.reset(token)


@contextmanager
def acting_as(user: Any, *, ip: str | None = None) -> Iterator[HttpRequest]:
    """Record what happens inside as done by ``user`` outside a web request (commands, tests).

    Events deferred inside (views) are written on the way out, as the middleware would.
    """
    from kith.audit.log import flush

    request = HttpRequest()
    request.method = "POST"
    request.user = user
    if ip:
        request.META["REMOTE_ADDR"] = ip
    token = current_request.set(request)
    try:
        with remembering():
            yield request
            flush(request)
    finally:
        current_request.reset(token)
