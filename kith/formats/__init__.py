"""Readers and writers for research and exchange formats (pure Python, no Django)."""

from __future__ import annotations
