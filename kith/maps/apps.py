from __future__ import annotations

from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "kith.maps"
    label = "maps"
    verbose_name = "Maps"
