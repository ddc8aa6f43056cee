from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kith.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from kith.audit import signals

        signals.connect()
