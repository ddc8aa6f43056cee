"""System checks (``manage.py check --deploy``): MFA may be relaxed for a demo only."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


def is_production() -> bool:
    """A real deployment: debug off and the host names set (docs/configuration.md)."""
    return not settings.DEBUG and "KITH_ALLOWED_HOSTS" in os.environ


@register(Tags.security, deploy=True)
def check_mfa_required(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.KITH_MFA_REQUIRED or not is_production():
        return []
    return [
        Error(
            "KITH_MFA_REQUIRED is off on a production server (KITH_ALLOWED_HOSTS is set and "
            "KITH_DEBUG is off): accounts could sign in with a password alone.",
            hint="Remove KITH_MFA_REQUIRED from the environment (it is on by default); "
            "turn it off only for a local demo.",
            id="kith.accounts.E001",
        )
    ]
