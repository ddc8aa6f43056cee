"""The pure ego-network core: model, measures, change, typology, layout and drawing.

No Django and no database here: a researcher can use this package on its own.

>>> from kith.network import Member, Network, Tie, measure_row
>>> net = Network("p1", [Member("a", relationship="family", circle=1), Member("b", kind="place")],
...               [Tie("a", "b")])
>>> measure_row(net)["density"]
1.0
"""

from __future__ import annotations

from kith.network.change import Change, compare, describe_change
from kith.network.drawing import draw_svg
from kith.network.layout import Layout, layout
from kith.network.measures import measure_row
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
from kith.network.tables import Tables
from kith.network.typology import classify

__all__ = [
    "CIRCLES",
    "Change",
    "Contact",
    "Feeling",
    "Kind",
    "Layout",
    "Member",
    "Network",
    "NetworkError",
    "Relationship",
    "Support",
    "Tables",
    "Tie",
    "Wish",
    "classify",
    "compare",
    "describe_change",
    "draw_svg",
    "layout",
    "measure_row",
]
