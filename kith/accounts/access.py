"""Reads of account records: API tokens (a user's own; admins may see and revoke anyone's)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from kith.accounts.models import ApiToken, Role, User
from kith.audit.log import record_refused, record_view

M = TypeVar("M", bound=Model)

#: Largest primary key a database can hold (a signed 64-bit integer in SQLite and PostgreSQL).
MAX_RECORD_ID = 2**63 - 1


def record_id(value: int | str, what: str = "record") -> int:
    """``value`` as a primary key, or :class:`Http404` when it is not one.

    Ids come from URLs and API paths: text, negative numbers and numbers too large for the
    database are "not found", never a server error.
    """
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404(f"No such {what}") from None
    if not 0 < pk <= MAX_RECORD_ID:
        raise Http404(f"No such {what}")
    return pk


def get_scoped(scoped: QuerySet[M], record: int | str, what: str) -> M:
    """Record ``record`` of ``scoped`` (a queryset already limited to what the user may see).

    Its view is audited; otherwise :class:`Http404`, audited as a refused access when the
    record exists outside the scope.
    """
    found = scoped.filter(pk=record_id(record, what)).first()
    if found is None:
        record_refused(scoped.model, record)
        raise Http404(f"No such {what}")
    record_view(found)
    return found


def is_admin(user: User) -> bool:
    return bool(user.is_superuser or user.has_role(Role.ADMIN))


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def other_users_api_tokens(admin: User) -> QuerySet[ApiToken]:
    """Every other user's tokens, for an admin (none for anybody else)."""
    if not is_admin(admin):
        return ApiToken.objects.none()
    return (
        ApiToken.objects.exclude(user=admin)
        .select_related("user")
        .order_by("user__username", "-created_at")
    )


def get_api_token(user: User, pk: int) -> ApiToken:
    """The user's own token, or any token for an admin; 404 otherwise."""
    tokens = ApiToken.objects.all() if is_admin(user) else api_tokens_of(user)
    try:
        return tokens.select_related("user").get(pk=record_id(pk, "API token"))
    except ApiToken.DoesNotExist:
        raise Http404("No such API token") from None
