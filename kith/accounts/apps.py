from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kith.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the signal receivers and the system checks.
        from kith.accounts import checks, signals  # noqa: F401
