"""The pure ego-network core: model, measures, change, typology, layout and drawing.

No Django and no database here: a researcher can use this package on its own.
"""

from __future__ import annotations

from kith.network.model import (
    CIRCLES,
    Contact,
    Feeling,
    Kind,
    Member,
    Network,
    NetworkError,
    Relationship,
    Support,
    Tie,
    Wish,
)

__all__ = [
    "CIRCLES",
    "Contact",
    "Feeling",
    "Kind",
    "Member",
    "Network",
    "NetworkError",
    "Relationship",
    "Support",
    "Tie",
    "Wish",
]
