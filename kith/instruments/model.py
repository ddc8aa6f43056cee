"""Outcome instruments as data: items, response options, scoring rules, bands and licence.

An :class:`Instrument` is built from a definition file (JSON, see ``schema.json`` and
``docs/instruments.md``) by :func:`instrument_from_data`; everything is checked on the way in,
so an :class:`Instrument` that exists is a consistent one. Bad input raises
:class:`InstrumentError` naming the file, the item and the field.

Two kinds of instrument exist:

* **open** instruments (``licensed: false``) carry their item text, because their terms allow
  it (the ONS loneliness and personal well-being questions, Open Government Licence);
* **licensed** instruments (``licensed: true``) ship the scoring rules only: item ids, values,
  reverse items, subscales, the missing-item rule and published conversion tables. Their item
  text and option labels are ``None`` until an organisation merges its own licensed copy with
  :func:`kith.instruments.loader.load_licensed_text`.

Item scores are integers. A sum (the total or a subscale) adds the item scores of its items;
the instrument says how many of them may be missing (``max_missing``) before the sum is not
computed at all. Missing items are never imputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "Band",
    "Citation",
    "Conversion",
    "Direction",
    "Instrument",
    "InstrumentError",
    "Item",
    "Licence",
    "ReliableChange",
    "ResponseOption",
    "SumRule",
    "instrument_from_data",
]

Direction = Literal["better", "worse"]


class InstrumentError(ValueError):
    """An instrument definition, a licensed-text file or a set of answers is not valid.

    The message reads ``<file>, instrument '<id>', item '<id>', field '<field>': <problem>``
    with the parts that are known.

    >>> str(InstrumentError("11 is not allowed", instrument="ons4", item="anxiety", field="value"))
    "instrument 'ons4', item 'anxiety', field 'value': 11 is not allowed"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        instrument: str | None = None,
        item: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.instrument = instrument
        self.item = item
        self.field = field
        where: list[str] = []
        if self.file is not None:
            where.append(self.file)
        if instrument is not None:
            where.append(f"instrument '{instrument}'")
        if item is not None:
            where.append(f"item '{item}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


@dataclass(frozen=True)
class Citation:
    """A published source for the instrument or for one of its rules."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Licence:
    """The terms under which the instrument is used.

    ``text_included`` says whether Kith ships the item text; it is ``False`` for every licensed
    instrument.
    """

    name: str
    text_included: bool
    url: str | None = None
    terms: str | None = None


@dataclass(frozen=True)
class ResponseOption:
    """One answer an item accepts: the recorded ``value`` and its ``label`` (``None`` = not
    loaded, or shown as the number itself, e.g. the middle points of a 0–10 scale)."""

    value: int
    label: str | None = None


@dataclass(frozen=True)
class Band:
    """A named range of a score, ``low`` to ``high`` inclusive (e.g. ONS "Low": 0 to 4)."""

    id: str
    label: str
    low: float
    high: float
    source: str | None = None

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Conversion:
    """A published table from a raw sum to another metric (e.g. SWEMWBS raw → metric score)."""

    name: str
    table: Mapping[int, float]
    source: str | None = None


@dataclass(frozen=True)
class ReliableChange:
    """A published threshold for change in one person's score between two occasions.

    A change is reliable when ``abs(after - before) >= threshold`` on the ``applies_to`` score
    (``raw`` sum or ``converted`` metric).
    """

    threshold: float
    applies_to: Literal["raw", "converted"]
    description: str
    source: str | None = None


@dataclass(frozen=True)
class Item:
    """One question.

    ``score_map`` (value → score) gives the item score where it is not the value itself (the
    De Jong Gierveld items count "more or less" as lonely); ``reverse`` scores the item as
    ``min + max - value`` over its response options. ``bands`` and ``higher_is`` apply when the
    item is reported on its own (ONS4).
    """

    id: str
    text: str | None
    response_set: str
    options: tuple[ResponseOption, ...]
    reverse: bool = False
    score_map: Mapping[int, int] | None = None
    bands: tuple[Band, ...] = ()
    higher_is: Direction | None = None

    @property
    def values(self) -> tuple[int, ...]:
        """The values this item accepts, in display order."""
        return tuple(o.value for o in self.options)

    def option(self, value: int) -> ResponseOption | None:
        for o in self.options:
            if o.value == value:
                return o
        return None

    def score_of(self, value: int) -> int:
        """The item score of a recorded ``value`` (reverse scoring and score maps applied).

        >>> item = Item("q", None, "five", tuple(ResponseOption(v) for v in range(1, 6)), reverse=True)
        >>> item.score_of(1), item.score_of(5)
        (5, 1)
        """
        if self.score_map is not None:
            return self.score_map[value]
        if self.reverse:
            return min(self.values) + max(self.values) - value
        return value

    def score_bounds(self) -> tuple[int, int]:
        """The lowest and highest item score."""
        scores = [self.score_of(v) for v in self.values]
        return min(scores), max(scores)

    def band_of(self, score: float) -> Band | None:
        return _band_of(self.bands, score)


@dataclass(frozen=True)
class SumRule:
    """A summed score: the instrument total or a subscale."""

    id: str
    label: str
    items: tuple[str, ...]
    max_missing: int = 0
    higher_is: Direction | None = None
    bands: tuple[Band, ...] = ()
    conversion: Conversion | None = None
    reliable_change: ReliableChange | None = None
    bounds: tuple[int, int] = (0, 0)

    def band_of(self, score: float) -> Band | None:
        return _band_of(self.bands, score)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: its items, scoring rules, licence and sources.

    ``total`` is ``None`` for instruments whose items must never be added up (ONS4); their
    items are reported one by one with their own bands.
    """

    id: str
    version: str
    name: str
    construct: str
    licensed: bool
    licence: Licence
    citations: tuple[Citation, ...]
    items: tuple[Item, ...]
    response_sets: Mapping[str, tuple[ResponseOption, ...]]
    total: SumRule | None = None
    subscales: tuple[SumRule, ...] = ()
    instructions: str | None = None
    notes: str | None = None
    source: str | None = None
    text_licence: str | None = None

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise InstrumentError("no such item", instrument=self.id, item=item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(it.id for it in self.items)

    @property
    def has_text(self) -> bool:
        """True when every item has its text (always for open instruments; for licensed ones
        once the organisation's text is loaded)."""
        return all(it.text for it in self.items)

    def sum_rule(self, rule_id: str) -> SumRule:
        """The total or the subscale called ``rule_id``."""
        for rule in self.sum_rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.sum_rules) or "none"
        raise InstrumentError(
            f"no score called '{rule_id}'; this instrument has: {known}", instrument=self.id
        )

    @property
    def sum_rules(self) -> tuple[SumRule, ...]:
        return ((self.total,) if self.total is not None else ()) + self.subscales


def _band_of(bands: Sequence[Band], score: float) -> Band | None:
    for band in bands:
        if band.contains(score):
            return band
    return None


# ---------------------------------------------------------------------------------------------
# Building an Instrument from parsed JSON (already checked against schema.json by the loader).
# ---------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    file: str | Path | None
    instrument: str | None = None
    item: str | None = field(default=None)

    def error(
        self, problem: str, fld: str | None = None, item: str | None = None
    ) -> InstrumentError:
        return InstrumentError(
            problem,
            file=self.file,
            instrument=self.instrument,
            item=item if item is not None else self.item,
            field=fld,
        )


def _citation(data: Mapping[str, Any]) -> Citation:
    return Citation(text=data["text"], url=data.get("url"))


def _bands(raw: Iterable[Mapping[str, Any]], ctx: _Ctx, fld: str) -> tuple[Band, ...]:
    bands = tuple(
        Band(
            id=b["id"],
            label=b["label"],
            low=b["min"],
            high=b["max"],
            source=b.get("source"),
        )
        for b in raw
    )
    ordered = sorted(bands, key=lambda b: b.low)
    for band in ordered:
        if band.low > band.high:
            raise ctx.error(f"band '{band.id}' has min {band.low} above max {band.high}", fld)
    for a, b in pairwise(ordered):
        if b.low <= a.high:
            raise ctx.error(f"bands '{a.id}' and '{b.id}' overlap", fld)
    if len({b.id for b in bands}) != len(bands):
        raise ctx.error("two bands have the same id", fld)
    return bands


def _check_cover(bands: Sequence[Band], low: float, high: float, ctx: _Ctx, fld: str) -> None:
    """Bands on an integer score must cover every possible score, without gaps."""
    if not bands:
        return
    ordered = sorted(bands, key=lambda b: b.low)
    if ordered[0].low != low or ordered[-1].high != high:
        raise ctx.error(
            f"bands cover {ordered[0].low:g} to {ordered[-1].high:g}; "
            f"the score runs from {low:g} to {high:g}",
            fld,
        )
    for a, b in pairwise(ordered):
        if b.low != a.high + 1:
            raise ctx.error(f"no band covers the scores between '{a.id}' and '{b.id}'", fld)


def _options(raw: Iterable[Mapping[str, Any]], ctx: _Ctx, fld: str) -> tuple[ResponseOption, ...]:
    options = tuple(ResponseOption(value=o["value"], label=o.get("label")) for o in raw)
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        raise ctx.error("two response options have the same value", fld)
    return options


def _sum_rule(
    data: Mapping[str, Any],
    items: Mapping[str, Item],
    ctx: _Ctx,
    fld: str,
    *,
    default_items: Sequence[str] | None = None,
) -> SumRule:
    rule_items = tuple(data.get("items", default_items or ()))
    for item_id in rule_items:
        if item_id not in items:
            raise ctx.error(f"'{item_id}' is not an item of this instrument", f"{fld}.items")
    if len(set(rule_items)) != len(rule_items):
        raise ctx.error("an item is listed twice", f"{fld}.items")
    if not rule_items:
        raise ctx.error("a score needs at least one item", f"{fld}.items")
    low = sum(items[i].score_bounds()[0] for i in rule_items)
    high = sum(items[i].score_bounds()[1] for i in rule_items)
    max_missing = data.get("max_missing", 0)
    if max_missing >= len(rule_items):
        raise ctx.error(
            f"max_missing {max_missing} would allow a score with no answers", f"{fld}.max_missing"
        )
    conversion = None
    if "conversion" in data:
        c = data["conversion"]
        table: dict[int, float] = {}
        for key, value in c["table"].items():
            try:
                raw = int(key)
            except ValueError:
                raise ctx.error(
                    f"'{key}' is not a whole-number raw score", f"{fld}.conversion.table"
                ) from None
            table[raw] = float(value)
        if max_missing:
            raise ctx.error(
                "a conversion table needs every item answered; set max_missing to 0",
                f"{fld}.conversion",
            )
        expected = set(range(low, high + 1))
        if set(table) != expected:
            missing = sorted(expected - set(table))
            extra = sorted(set(table) - expected)
            raise ctx.error(
                f"the table must give every raw score {low}..{high} once "
                f"(missing {missing or 'none'}, not possible {extra or 'none'})",
                f"{fld}.conversion.table",
            )
        conversion = Conversion(
            name=c["name"],
            table=MappingProxyType(dict(sorted(table.items()))),
            source=c.get("source"),
        )
    bands = _bands(data.get("bands", ()), ctx, f"{fld}.bands")
    if conversion is None:
        _check_cover(bands, low, high, ctx, f"{fld}.bands")
    reliable = None
    if "reliable_change" in data:
        r = data["reliable_change"]
        applies_to = r.get("applies_to", "raw")
        if applies_to == "converted" and conversion is None:
            raise ctx.error(
                "applies to the converted score but there is no conversion table",
                f"{fld}.reliable_change.applies_to",
            )
        if data.get("higher_is") is None:
            raise ctx.error(
                "a reliable-change threshold needs higher_is ('better' or 'worse')",
                f"{fld}.higher_is",
            )
        reliable = ReliableChange(
            threshold=float(r["threshold"]),
            applies_to=applies_to,
            description=r["description"],
            source=r.get("source"),
        )
    return SumRule(
        id=data["id"],
        label=data["label"],
        items=rule_items,
        max_missing=max_missing,
        higher_is=data.get("higher_is"),
        bands=bands,
        conversion=conversion,
        reliable_change=reliable,
        bounds=(low, high),
    )


def instrument_from_data(data: Mapping[str, Any], *, file: str | Path | None = None) -> Instrument:
    """Build an :class:`Instrument` from a parsed definition (checked against ``schema.json``).

    Checks what a schema cannot: item and response-set references, bands that overlap or leave
    gaps, conversion tables that miss a raw score, and that a licensed instrument carries no
    item text and an open one carries all of it.

    Raises
    ------
    InstrumentError
        Naming the file, the instrument, the item and the field.

    Examples
    --------
    >>> data = {
    ...     "kith": "instrument", "format_version": 1, "id": "demo", "version": "1",
    ...     "name": "Demo", "construct": "demo", "licensed": False,
    ...     "licence": {"name": "CC0", "text_included": True},
    ...     "citations": [{"text": "Made up for this example."}],
    ...     "response_sets": {"yn": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
    ...     "items": [{"id": "a", "text": "Example item one", "response_set": "yn"},
    ...               {"id": "b", "text": "Example item two", "response_set": "yn"}],
    ...     "total": {"id": "total", "label": "Total"},
    ... }
    >>> instrument_from_data(data).total.bounds
    (0, 2)
    """
    ctx = _Ctx(file=file, instrument=data.get("id"))
    response_sets: dict[str, tuple[ResponseOption, ...]] = {}
    for set_id, options in data["response_sets"].items():
        response_sets[set_id] = _options(options, ctx, f"response_sets.{set_id}")
    licensed = bool(data["licensed"])
    items: dict[str, Item] = {}
    for index, raw in enumerate(data["items"]):
        item_id = raw["id"]
        ctx.item = item_id
        fld = f"items[{index}]"
        if item_id in items:
            raise ctx.error("two items have this id", f"{fld}.id")
        set_id = raw["response_set"]
        if set_id not in response_sets:
            raise ctx.error(f"no response set called '{set_id}'", f"{fld}.response_set")
        options = response_sets[set_id]
        text = raw.get("text")
        if licensed and (text or any(o.label for o in options)):
            raise ctx.error(
                "a licensed instrument must not carry item text or option labels; the "
                "organisation loads them from its own licensed file",
                f"{fld}.text" if text else f"response_sets.{set_id}",
            )
        if not licensed and not text:
            raise ctx.error("an open instrument needs the text of every item", f"{fld}.text")
        score_map: dict[int, int] | None = None
        if "score_map" in raw:
            if raw.get("reverse"):
                raise ctx.error("use either reverse or score_map, not both", f"{fld}.score_map")
            score_map = {}
            for key, score in raw["score_map"].items():
                try:
                    value = int(key)
                except ValueError:
                    raise ctx.error(f"'{key}' is not a whole number", f"{fld}.score_map") from None
                score_map[value] = score
            values = {o.value for o in options}
            if set(score_map) != values:
                raise ctx.error(
                    f"score_map must give a score for exactly the values {sorted(values)}",
                    f"{fld}.score_map",
                )
        item = Item(
            id=item_id,
            text=text,
            response_set=set_id,
            options=options,
            reverse=bool(raw.get("reverse", False)),
            score_map=MappingProxyType(score_map) if score_map is not None else None,
            higher_is=raw.get("higher_is"),
        )
        bands = _bands(raw.get("bands", ()), ctx, f"{fld}.bands")
        low, high = item.score_bounds()
        _check_cover(bands, low, high, ctx, f"{fld}.bands")
        items[item_id] = replace(item, bands=bands)
    ctx.item = None
    total = None
    if "total" in data:
        total = _sum_rule(data["total"], items, ctx, "total", default_items=list(items))
    subscales = tuple(
        _sum_rule(s, items, ctx, f"subscales[{i}]") for i, s in enumerate(data.get("subscales", ()))
    )
    ids = [r.id for r in ((total,) if total else ()) + subscales]
    if len(set(ids)) != len(ids):
        raise ctx.error("the total and the subscales need different ids", "subscales")
    licence = data["licence"]
    if licensed and licence["text_included"]:
        raise ctx.error("a licensed instrument never includes its text", "licence.text_included")
    return Instrument(
        id=data["id"],
        version=data["version"],
        name=data["name"],
        construct=data["construct"],
        licensed=licensed,
        licence=Licence(
            name=licence["name"],
            text_included=licence["text_included"],
            url=licence.get("url"),
            terms=licence.get("terms"),
        ),
        citations=tuple(_citation(c) for c in data["citations"]),
        items=tuple(items.values()),
        response_sets=MappingProxyType(response_sets),
        total=total,
        subscales=subscales,
        instructions=data.get("instructions"),
        notes=data.get("notes"),
        source=str(file) if file is not None else None,
    )
