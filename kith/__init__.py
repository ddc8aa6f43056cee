"""Kith: map, understand and grow the connections that support recovery."""

from __future__ import annotations

__version__ = "0.1.0"
