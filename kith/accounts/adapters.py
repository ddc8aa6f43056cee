"""django-allauth adapters: no sign-up, and refused (locked-out) sign-ins audited."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kith.accounts.models import User
from kith.audit.log import record


def user_id_for(username: str | None) -> int | None:
    """The id of the account a sign-in names, if any. The typed name itself is never audited:
    people type passwords into the username box."""
    if not username:
        return None
    return User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are made by an admin (Django admin site), never by sign-up.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # Locked out: the password is not even checked, so Django sends no
            # user_login_failed signal; audit the refusal here.
            record(
                "login_failed",
                "accounts.user",
                object_id=user_id_for(credentials.get("username")),
                reason="locked out after too many failed attempts",
                request=request,
            )
            raise
