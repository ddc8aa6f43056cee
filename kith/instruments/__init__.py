"""Outcome questionnaires as data, and their scoring (pure Python, no Django).

Definitions live in ``kith/instruments/definitions/*.json`` (format: ``schema.json`` and
``docs/instruments.md``). Open instruments (the ONS loneliness and ONS4 personal well-being
questions) ship with their text; licensed instruments (SWEMWBS, LSNS-6, De Jong Gierveld 6-item,
Resource Generator-UK, QPR-15) ship their scoring rules only, and an organisation merges its own
licensed text with :func:`load_licensed_text`.

>>> from kith.instruments import load_builtin, score
>>> s = score(load_builtin("ons-loneliness"), {"lack_companionship": 1, "left_out": 1, "isolated": 2})
>>> s.total.raw, s.total.band.label
(4, 'Not lonely (3 to 5)')
"""

from __future__ import annotations

from kith.instruments.loader import (
    builtin_ids,
    load_builtin,
    load_builtins,
    load_definition,
    load_licensed_text,
    merge_licensed_text,
    schema,
)
from kith.instruments.model import (
    Band,
    Citation,
    Conversion,
    Instrument,
    InstrumentError,
    Item,
    Licence,
    ReliableChange,
    ResponseOption,
    SumRule,
)
from kith.instruments.scoring import (
    Change,
    ItemScore,
    Score,
    SumScore,
    reliable_change,
    score,
    validate_answers,
)

__all__ = [
    "Band",
    "Change",
    "Citation",
    "Conversion",
    "Instrument",
    "InstrumentError",
    "Item",
    "ItemScore",
    "Licence",
    "ReliableChange",
    "ResponseOption",
    "Score",
    "SumRule",
    "SumScore",
    "builtin_ids",
    "load_builtin",
    "load_builtins",
    "load_definition",
    "load_licensed_text",
    "merge_licensed_text",
    "reliable_change",
    "schema",
    "score",
    "validate_answers",
]
