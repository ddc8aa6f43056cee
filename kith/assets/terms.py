"""Ids of Kith's own taxonomies and terms (pure Python: the demo builds HSDS without Django)."""

from __future__ import annotations

import uuid

KITH_NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4c8b-9a59-3f7d0c2b8e11")
INTEREST = "kith-interest"
ASSET_TYPE = "kith-asset-type"
ACCESS_ROUTE = "kith-access-route"
PRACTICAL = "kith-practical"


def kith_id(*parts: str) -> str:
    """A stable HSDS id for a Kith taxonomy or term: ``kith_id("kith-interest", "creative")``."""
    return str(uuid.uuid5(KITH_NAMESPACE, "/".join(parts)))
