from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "kith.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
