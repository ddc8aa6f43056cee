from __future__ import annotations

from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "kith.assets"
    label = "assets"
    verbose_name = "Community asset directory"
