"""Network types: a plain-language reading of a map, with its rules written as data.

The rules live in ``typology.json`` beside this module: an ordered list of types, each with a
``key``, a ``name``, a ``sentence`` template a worker can read out to the person and
``conditions`` on columns of the measure row (:func:`kith.network.measures.measure_row`), e.g.
``{"people": {"lte": 3}, "professionals_share": {"gte": 0.5}}``; a condition may also test
the ratio of two columns, ``"weekly_contact/size"`` (nan when the divisor is 0). The first type whose
conditions all hold wins; the last type has no condition and is the fallback. A missing value
(nan or ``None``) never satisfies a condition.

The types are inspired by the Community Health Networks study ("formal and sparse", "family
and stable", "diverse and active") and GENIE ("diverse", "family/friend centred", "limited
contact"); ``docs/measures.md`` documents each rule.

:func:`classify_row` evaluates the rules on one row and :func:`classify_columns` on arrays of
columns (the batch measures), using the same rules and the same comparison, so per-map and
batch types agree by construction.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from kith.network.model import Network

#: Comparison operators allowed in conditions.
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


@dataclass(frozen=True)
class TypeRule:
    """One network type: key, display name, sentence template and conditions."""

    key: str
    name: str
    sentence: str
    conditions: tuple[tuple[str, str, float], ...]
    inspiration: str = ""


@dataclass(frozen=True)
class TypologyResult:
    """The type of one map: ``key``, display ``name`` and the plain-language ``sentence``."""

    key: str
    name: str
    sentence: str


def parse_rules(data: Mapping[str, Any]) -> tuple[TypeRule, ...]:
    """Validate and parse the JSON rules (raises ``ValueError`` naming the bad type)."""
    out: list[TypeRule] = []
    raw_types = data.get("types")
    if not isinstance(raw_types, list) or not raw_types:
        raise ValueError("typology: 'types' must be a non-empty list")
    keys: set[str] = set()
    for i, raw in enumerate(raw_types):
        key = raw.get("key")
        if not isinstance(key, str) or not key or key in keys:
            raise ValueError(f"typology: type {i} has a missing or repeated key {key!r}")
        keys.add(key)
        conditions: list[tuple[str, str, float]] = []
        for column, tests in (raw.get("conditions") or {}).items():
            for op, value in tests.items():
                if op not in OPERATORS:
                    raise ValueError(f"typology: type '{key}': unknown operator '{op}'")
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"typology: type '{key}': '{column}' {op} needs a number")
                if len(_operands(column)) > 2 or not all(_operands(column)):
                    raise ValueError(f"typology: type '{key}': bad column expression '{column}'")
                conditions.append((column, op, float(value)))
        out.append(
            TypeRule(
                key=key,
                name=str(raw.get("name", key)),
                sentence=str(raw.get("sentence", "")),
                conditions=tuple(conditions),
                inspiration=str(raw.get("inspiration", "")),
            )
        )
    if out[-1].conditions:
        raise ValueError("typology: the last type must have no conditions (the fallback)")
    return tuple(out)


@lru_cache(maxsize=1)
def rules() -> tuple[TypeRule, ...]:
    """The rules of ``typology.json``, in order (the last is the fallback)."""
    text = resources.files("kith.network").joinpath("typology.json").read_text("utf-8")
    return parse_rules(json.loads(text))


def rule(key: str) -> TypeRule:
    """The type with ``key`` (``KeyError`` if unknown)."""
    for r in rules():
        if r.key == key:
            return r
    raise KeyError(key)


def _operands(expression: str) -> list[str]:
    """The column names of a condition: ``"people"`` or a ratio ``"family/people"``."""
    return [part.strip() for part in expression.split("/")]


def columns_used() -> tuple[str, ...]:
    """Every measure-row column some rule looks at, sorted."""
    return tuple(sorted({c for r in rules() for e, _, _ in r.conditions for c in _operands(e)}))


def _number(value: Any) -> float:
    if value is None or isinstance(value, str):
        return math.nan
    return float(value)


def _scalar(expression: str, row: Mapping[str, Any]) -> float:
    parts = _operands(expression)
    for column in parts:
        if column not in row:
            raise KeyError(f"typology: the row has no column '{column}'")
    if len(parts) == 1:
        return _number(row[parts[0]])
    num, den = _number(row[parts[0]]), _number(row[parts[1]])
    return num / den if den != 0 and not math.isnan(den) else math.nan


def _vector(
    expression: str, arrays: Mapping[str, npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    parts = _operands(expression)
    if len(parts) == 1:
        return arrays[parts[0]]
    num, den = arrays[parts[0]], arrays[parts[1]]
    safe = np.where(den == 0, np.nan, den)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(num / safe, dtype=np.float64)


def _holds(rule_: TypeRule, row: Mapping[str, Any]) -> bool:
    for expression, op, threshold in rule_.conditions:
        value = _scalar(expression, row)
        if math.isnan(value) or not OPERATORS[op](value, threshold):
            return False
    return True


def classify_row(row: Mapping[str, Any]) -> str:
    """The key of the first type whose conditions hold for this measure row.

    >>> classify_row({"size": 0, "people": 0, "professionals_share": float("nan")})
    'empty'
    """
    for r in rules():
        if _holds(r, row):
            return r.key
    return rules()[-1].key


def classify_columns(columns: Mapping[str, npt.ArrayLike]) -> npt.NDArray[np.object_]:
    """Vectorised :func:`classify_row`: one key per row of equal-length column arrays.

    nan never satisfies a condition (numpy comparisons with nan are false, ``ne`` included
    because it is tested explicitly).

    >>> import numpy as np
    >>> cols = {c: np.array([0.0, 2.0]) for c in columns_used()}
    >>> cols["size"] = np.array([0, 2])
    >>> classify_columns(cols).tolist()
    ['empty', 'formal_sparse']
    """
    arrays: dict[str, npt.NDArray[np.float64]] = {}
    length: int | None = None
    for column in columns_used():
        if column not in columns:
            raise KeyError(f"typology: no column '{column}'")
        arr = np.asarray(columns[column], dtype=np.float64)
        arrays[column] = arr
        if length is None:
            length = len(arr)
        elif len(arr) != length:
            raise ValueError("typology: columns differ in length")
    n = length or 0
    out = np.full(n, rules()[-1].key, dtype=object)
    undecided = np.ones(n, dtype=bool)
    for r in rules():
        mask = undecided.copy()
        for expression, op, threshold in r.conditions:
            arr = _vector(expression, arrays)
            with np.errstate(invalid="ignore"):
                mask &= ~np.isnan(arr) & OPERATORS[op](arr, threshold)
        out[mask] = r.key
        undecided &= ~mask
    return out


def _plural(count: Any, one: str, many: str) -> str:
    try:
        n = int(count)
    except (TypeError, ValueError):
        return f"some {many}"
    return f"{n} {one if n == 1 else many}"


def describe(key: str, row: Mapping[str, Any]) -> str:
    """The plain-language sentence of type ``key`` filled in from the measure row.

    >>> describe("family_stable", {"size": 8, "people": 8})
    'Your map has 8 people, mostly family, and you see most of them every week: a family-centred, stable network.'
    """
    fields = {
        "size": row.get("size"),
        "people": row.get("people"),
        "places_activities": row.get("places_activities"),
        "weekly_contact": row.get("weekly_contact"),
        "members_phrase": _plural(row.get("size"), "member", "members"),
        "people_phrase": _plural(row.get("people"), "person", "people"),
        "places_phrase": _plural(
            row.get("places_activities"), "place or activity", "places and activities"
        ),
    }
    return rule(key).sentence.format(**fields)


def classify(net: Network) -> TypologyResult:
    """The type of one map, with its name and sentence.

    >>> from kith.network.model import Member, Network
    >>> classify(Network("p")).key
    'empty'
    """
    from kith.network.measures import measure_row

    row = measure_row(net)
    key = str(row["typology"])
    return TypologyResult(key=key, name=rule(key).name, sentence=describe(key, row))
