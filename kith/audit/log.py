"""``record``: the one way anything writes to the audit trail.

Who (the actor's id and a snapshot of their username), from where (IP and user agent) come
from the request being served (``kith.audit.context``) unless given. What is a model instance
(its type and id) or a label such as "people.person". Only the *names* of changed fields are
kept, never their values.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from kith.audit.context import current_request
from kith.audit.models import AuditEvent, Verb
from kith.audit.registry import SENSITIVE_MODELS, label_of, person_id_of, person_path

if TYPE_CHECKING:
    from kith.accounts.models import User

USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length or 300
_VERBS = frozenset(Verb.values)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    When the connection comes from a trusted proxy (``KITH_FORWARDED_ALLOW_IPS``), the client is
    the right-most X-Forwarded-For entry that is not itself a trusted proxy: entries further
    left were written by the client and prove nothing.
    """
    address: str = request.META.get("REMOTE_ADDR") or ""
    trusted = set(settings.KITH_AUDIT_TRUSTED_PROXIES)
    if "*" in trusted or address in trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if hop not in trusted:
                address = hop
                break
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a Unix socket, or a header that is not an address
        return None


def _actor(user: Any) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, user.get_username()


def build(
    verb: str,
    target: models.Model | str,
    *,
    object_id: str | int | None = None,
    person_id: int | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """The unsaved event ``record`` would write (``bulk_create`` many of them at once)."""
    if verb not in _VERBS:
        raise ValueError(f"audit verb {verb!r}: expected one of {', '.join(sorted(_VERBS))}")
    if request is None:
        request = current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    actor_id, actor_name = _actor(user)
    if isinstance(target, models.Model):
        object_type = label_of(target)
        if object_id is None:
            object_id = target.pk
        if person_id is None:
            person_id = person_id_of(target)
    else:
        object_type = target
    ip, user_agent = None, ""
    if request is not None:
        ip = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
    return AuditEvent(
        actor_id=actor_id,
        actor_name=actor_name,
        verb=verb,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        person_id=person_id,
        fields=sorted(set(fields)),
        ip=ip,
        user_agent=user_agent,
        reason=reason[:500],
    )


def record(
    verb: str,
    target: models.Model | str,
    *,
    object_id: str | int | None = None,
    person_id: int | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Write one audit event (one INSERT)."""
    build(
        verb,
        target,
        object_id=object_id,
        person_id=person_id,
        fields=fields,
        reason=reason,
        user=user,
        request=request,
    ).save(force_insert=True)


def record_many(events: Iterable[AuditEvent]) -> None:
    """Write several events built with ``build`` in one INSERT."""
    batch = list(events)
    if batch:
        AuditEvent.objects.bulk_create(batch)


_PENDING = "_kith_audit_pending"
_READS = frozenset({"GET", "HEAD"})


def _defer(request: HttpRequest, event: AuditEvent) -> None:
    """Keep ``event`` until the response is ready: a page's events then cost one INSERT."""
    pending: dict[tuple[str, str, str], AuditEvent] = request.__dict__.setdefault(_PENDING, {})
    pending.setdefault((event.verb, event.object_type, event.object_id), event)


def flush(request: HttpRequest) -> None:
    """Write the events a request deferred (called by the middleware once the view is done)."""
    pending: dict[tuple[str, str, str], AuditEvent] | None = request.__dict__.pop(_PENDING, None)
    if pending:
        record_many(pending.values())


def record_view(
    target: models.Model | str,
    *,
    object_id: str | int | None = None,
    person_id: int | None = None,
    reason: str = "",
) -> None:
    """Someone is being shown ``target`` in the request being served.

    Only reads (GET, HEAD) count: the POST that changes a record reads it through the same
    getter and is recorded as the change. Outside a request (commands, tests calling a getter
    directly) nobody is looking, so nothing is recorded.
    """
    request = current_request.get()
    if request is None or request.method not in _READS:
        return
    event = build(
        "view", target, object_id=object_id, person_id=person_id, reason=reason, request=request
    )
    _defer(request, event)


def record_refused(model: type[models.Model], object_id: object) -> None:
    """A getter refused a record: audit it when the record exists (it belongs to another team).

    Called only on the refusal path, so a normal read costs nothing extra; one query here.
    """
    label = label_of(model)
    path = person_path(label) if label in SENSITIVE_MODELS else "pk"
    try:
        found = list(model._default_manager.filter(pk=object_id).values_list(path, flat=True)[:1])
    except (TypeError, ValueError):
        return
    if not found:
        return
    person_id = found[0] if label in SENSITIVE_MODELS else None
    event = build("access_refused", label, object_id=str(object_id), person_id=person_id)
    request = current_request.get()
    if request is None:
        event.save(force_insert=True)
    else:
        _defer(request, event)


def record_export(target: models.Model | str, file_format: str, **details: Any) -> None:
    """Someone took a copy of ``target`` away as a file; ``fields`` holds the file's format.

    In a request it is written with the page's other events (one INSERT).
    """
    request = current_request.get()
    event = build("export", target, fields=[file_format], request=request, **details)
    if request is None:
        event.save(force_insert=True)
    else:
        _defer(request, event)
