"""Scoring a completed questionnaire, and reliable change between two occasions.

:func:`score` checks the answers first (every answered item must exist and hold one of its
response values; anything else raises :class:`~kith.instruments.model.InstrumentError` naming
the instrument, the item and the field) and then computes:

* each answered item's score (reverse scoring and score maps applied), its option label and,
  for items reported on their own (ONS4), its band;
* the total and every subscale: the sum of the item scores of its items. When more items are
  missing than the instrument's ``max_missing`` allows, the sum is ``None``; otherwise it is
  the sum of the answered items (missing items are never imputed). A published conversion
  table (SWEMWBS raw → metric) is applied to complete sums, and bands are looked up on the
  converted score where there is one, on the raw sum otherwise.

Instruments without a total (ONS4) are never summed: :attr:`Score.total` is ``None``.

:func:`reliable_change` compares two scores of one person where the instrument publishes a
threshold for individual change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from kith.instruments.model import Band, Instrument, InstrumentError, SumRule

__all__ = [
    "Change",
    "ItemScore",
    "Score",
    "SumScore",
    "reliable_change",
    "score",
    "validate_answers",
]

Answers = Mapping[str, object]


@dataclass(frozen=True)
class ItemScore:
    """One answered item: the recorded value, its score, its option label and band."""

    item_id: str
    value: int
    score: int
    label: str | None = None
    band: Band | None = None


@dataclass(frozen=True)
class SumScore:
    """The total or a subscale.

    ``raw`` is ``None`` when too many items are missing. ``value`` is the number to show and
    chart: the converted score where the instrument has a conversion table, the raw sum
    otherwise.
    """

    id: str
    label: str
    raw: int | None
    converted: float | None
    conversion: str | None
    band: Band | None
    answered: int
    missing: tuple[str, ...]
    bounds: tuple[int, int]

    @property
    def value(self) -> float | None:
        return self.converted if self.conversion is not None else self.raw

    @property
    def complete(self) -> bool:
        """True when every item of this score was answered."""
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "raw": self.raw,
            "converted": self.converted,
            "conversion": self.conversion,
            "value": self.value,
            "band": _band_dict(self.band),
            "answered": self.answered,
            "missing": list(self.missing),
            "min": self.bounds[0],
            "max": self.bounds[1],
        }


@dataclass(frozen=True)
class Score:
    """The result of :func:`score`: per-item scores, the total (or ``None``) and subscales."""

    instrument_id: str
    instrument_version: str
    items: Mapping[str, ItemScore]
    total: SumScore | None
    subscales: Mapping[str, SumScore]
    missing: tuple[str, ...]

    def get(self, score_id: str) -> SumScore:
        """The total or the subscale called ``score_id``."""
        if self.total is not None and self.total.id == score_id:
            return self.total
        if score_id in self.subscales:
            return self.subscales[score_id]
        raise InstrumentError(f"no score called '{score_id}'", instrument=self.instrument_id)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for the API and for storing with a response)."""
        return {
            "instrument": self.instrument_id,
            "version": self.instrument_version,
            "items": {
                k: {
                    "value": v.value,
                    "score": v.score,
                    "label": v.label,
                    "band": _band_dict(v.band),
                }
                for k, v in self.items.items()
            },
            "total": self.total.as_dict() if self.total is not None else None,
            "subscales": {k: v.as_dict() for k, v in self.subscales.items()},
            "missing": list(self.missing),
        }


def _band_dict(band: Band | None) -> dict[str, Any] | None:
    if band is None:
        return None
    return {"id": band.id, "label": band.label, "min": band.low, "max": band.high}


def validate_answers(instrument: Instrument, answers: Answers) -> dict[str, int]:
    """The answered items as ``{item id: value}``, after checking every answer.

    An item that is absent or ``None`` is missing. Unknown items, values that are not whole
    numbers (``True``, ``2.5``, ``"2"``) and values outside the item's response options are
    rejected.

    Raises
    ------
    InstrumentError
        Naming the instrument, the item and the field ``value``.

    Examples
    --------
    >>> from kith.instruments.loader import load_builtin
    >>> ons4 = load_builtin("ons4")
    >>> validate_answers(ons4, {"life_satisfaction": 7, "anxiety": None})
    {'life_satisfaction': 7}
    >>> validate_answers(ons4, {"anxiety": 11})
    Traceback (most recent call last):
    ...
    kith.instruments.model.InstrumentError: instrument 'ons4', item 'anxiety', field 'value': 11 is not an answer to this item; expected one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    """
    known = set(instrument.item_ids)
    out: dict[str, int] = {}
    for item_id, value in answers.items():
        if item_id not in known:
            raise InstrumentError(
                f"not an item of this instrument; expected one of {', '.join(instrument.item_ids)}",
                instrument=instrument.id,
                item=str(item_id),
            )
        if value is None:
            continue
        item = instrument.item(item_id)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InstrumentError(
                f"{value!r} is not a whole number",
                instrument=instrument.id,
                item=item_id,
                field="value",
            )
        if item.option(value) is None:
            allowed = ", ".join(str(v) for v in item.values)
            raise InstrumentError(
                f"{value} is not an answer to this item; expected one of {allowed}",
                instrument=instrument.id,
                item=item_id,
                field="value",
            )
        out[item_id] = value
    return out


def score(instrument: Instrument, answers: Answers) -> Score:
    """Score one completed questionnaire.

    Parameters
    ----------
    instrument
        The instrument the answers belong to.
    answers
        ``{item id: recorded value}``; an absent item or ``None`` is a missing answer.

    Returns
    -------
    Score
        Item scores, the total (``None`` for instruments that are never summed) and subscales.

    Raises
    ------
    InstrumentError
        For an unknown item or a value that is not one of the item's response options.

    Examples
    --------
    The three-item UCLA-based ONS loneliness questions, scored 1–3 each and added (3–9); the
    direct question is reported on its own and never added to them:

    >>> from kith.instruments.loader import load_builtin
    >>> ons = load_builtin("ons-loneliness")
    >>> s = score(ons, {"lack_companionship": 2, "left_out": 1, "isolated": 3, "lonely": 4})
    >>> s.total.raw, s.total.bounds
    (6, (3, 9))
    >>> s.items["lonely"].label
    'Some of the time'

    ONS4 is reported question by question, each with its ONS threshold band:

    >>> w = score(load_builtin("ons4"), {"life_satisfaction": 8, "anxiety": 3})
    >>> w.total is None, w.items["life_satisfaction"].band.label, w.items["anxiety"].band.label
    (True, 'High', 'Low')
    """
    given = validate_answers(instrument, answers)
    items: dict[str, ItemScore] = {}
    for item in instrument.items:
        if item.id not in given:
            continue
        value = given[item.id]
        item_score = item.score_of(value)
        option = item.option(value)
        items[item.id] = ItemScore(
            item_id=item.id,
            value=value,
            score=item_score,
            label=option.label if option is not None else None,
            band=item.band_of(item_score),
        )
    total = _sum(instrument.total, items) if instrument.total is not None else None
    subscales = {rule.id: _sum(rule, items) for rule in instrument.subscales}
    missing = tuple(i for i in instrument.item_ids if i not in items)
    return Score(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        items=MappingProxyType(items),
        total=total,
        subscales=MappingProxyType(subscales),
        missing=missing,
    )


def _sum(rule: SumRule, items: Mapping[str, ItemScore]) -> SumScore:
    missing = tuple(i for i in rule.items if i not in items)
    answered = len(rule.items) - len(missing)
    raw: int | None = None
    converted: float | None = None
    band: Band | None = None
    if len(missing) <= rule.max_missing:
        raw = sum(items[i].score for i in rule.items if i in items)
        if rule.conversion is not None:
            converted = rule.conversion.table[raw]
            band = rule.band_of(converted)
        else:
            band = rule.band_of(raw)
    return SumScore(
        id=rule.id,
        label=rule.label,
        raw=raw,
        converted=converted,
        conversion=rule.conversion.name if rule.conversion is not None else None,
        band=band,
        answered=answered,
        missing=missing,
        bounds=rule.bounds,
    )


@dataclass(frozen=True)
class Change:
    """The change in one score between two occasions, judged against a published threshold.

    ``direction`` is ``"improved"`` or ``"worsened"`` when the change reaches the threshold,
    ``"no reliable change"`` otherwise.
    """

    instrument_id: str
    score_id: str
    before: float
    after: float
    difference: float
    threshold: float
    reliable: bool
    direction: Literal["improved", "worsened", "no reliable change"]
    description: str
    source: str | None


def reliable_change(
    instrument: Instrument, before: Score, after: Score, score_id: str | None = None
) -> Change:
    """Whether one person's score changed reliably between two occasions.

    Only scores with a published threshold can be judged; the threshold and its source come
    from the instrument definition (e.g. SWEMWBS: 2.87 metric points, 2.77 × SEM, Shah et al.
    2018). ``score_id`` defaults to the total.

    Raises
    ------
    InstrumentError
        When the score has no published threshold, either score belongs to another instrument,
        or either score could not be computed (too many missing items).

    Examples
    --------
    >>> from kith.instruments.loader import load_builtin
    >>> sw = load_builtin("swemwbs")
    >>> items = sw.item_ids
    >>> first = score(sw, dict.fromkeys(items, 3))          # raw 21 -> metric 19.25
    >>> later = score(sw, {**dict.fromkeys(items, 3), items[0]: 5, items[1]: 4})  # raw 24 -> 21.54
    >>> c = reliable_change(sw, first, later)
    >>> round(c.difference, 2), c.threshold, c.direction
    (2.29, 2.87, 'no reliable change')
    """
    rule = instrument.total if score_id is None else instrument.sum_rule(score_id)
    if rule is None:
        raise InstrumentError(
            "this instrument has no total; name the subscale to compare", instrument=instrument.id
        )
    if rule.reliable_change is None:
        raise InstrumentError(
            f"no published reliable-change threshold for '{rule.id}'", instrument=instrument.id
        )
    values: list[float] = []
    for name, s in (("before", before), ("after", after)):
        if s.instrument_id != instrument.id:
            raise InstrumentError(
                f"the '{name}' score is for instrument '{s.instrument_id}'",
                instrument=instrument.id,
            )
        part = s.get(rule.id)
        raw_or_converted = (
            part.converted if rule.reliable_change.applies_to == "converted" else part.raw
        )
        if raw_or_converted is None:
            raise InstrumentError(
                f"the '{name}' score has too many missing items to compare "
                f"(missing: {', '.join(part.missing)})",
                instrument=instrument.id,
                field=rule.id,
            )
        values.append(float(raw_or_converted))
    difference = round(values[1] - values[0], 6)
    threshold = rule.reliable_change.threshold
    reliable = abs(difference) >= threshold
    direction: Literal["improved", "worsened", "no reliable change"] = "no reliable change"
    if reliable:
        up_is_better = rule.higher_is != "worse"
        direction = "improved" if (difference > 0) == up_is_better else "worsened"
    return Change(
        instrument_id=instrument.id,
        score_id=rule.id,
        before=values[0],
        after=values[1],
        difference=difference,
        threshold=threshold,
        reliable=reliable,
        direction=direction,
        description=rule.reliable_change.description,
        source=rule.reliable_change.source,
    )
