"""Change between two maps of the same person: who was kept, lost and gained, who moved.

Members and ties are matched by member key (keys are stable across a person's maps). The
comparison is plain set arithmetic on keys, plus the difference of every measure of
:func:`kith.network.measures.measure_row`.

Circles that were not recorded
------------------------------
A kept member *moved closer* when its circle number went down (3 → 1) and *moved further* when
it went up. When the circle is missing on either map the member did not move in either
direction: it is listed in :attr:`Change.placed` (no circle before, a circle now) or
:attr:`Change.unplaced` (a circle before, none now), so that a gap in the record is never read
as a change in closeness.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kith.network.measures import measure_row
from kith.network.model import Contact, Network

#: The member fields whose changes on kept members are reported.
TRACKED_FIELDS: tuple[str, ...] = ("kind", "relationship", "contact")

MeasureDelta = float | tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of a kept member (values as text; ``None`` = not recorded)."""

    key: str
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Change:
    """What changed from the map ``before`` to the map ``after``.

    Attributes
    ----------
    before_size, after_size : int
        Number of members on each map.
    before_date, after_date : str or None
        The maps' dates.
    kept, lost, gained : tuple of str
        Member keys on both maps, only on ``before``, only on ``after`` (in map order).
    moved_closer, moved_further : tuple of str
        Kept members whose circle went down (closer) or up (further).
    placed, unplaced : tuple of str
        Kept members with no circle before and one now, and the other way round.
    field_changes : tuple of FieldChange
        Changes of kind, relationship or contact of kept members.
    stability : float
        Jaccard index of the member keys, ``|kept| / |before ∪ after|``; nan when both maps
        are empty.
    ties_kept, ties_lost, ties_gained : tuple of (str, str)
        Ties as sorted member-key pairs.
    measures : dict
        Measure name → ``after − before`` for numeric measures (nan when either is nan or
        missing), ``(before, after)`` for text measures (``typology``, ``ego_id``).
    labels : dict
        Member key → label (the label on ``after``, else on ``before``; the key when empty).
    circle_changes : dict
        Kept member key → ``(circle before, circle after)`` for every kept member whose circle
        changed, including to or from "not recorded" (``None``).
    """

    before_size: int
    after_size: int
    before_date: str | None
    after_date: str | None
    kept: tuple[str, ...]
    lost: tuple[str, ...]
    gained: tuple[str, ...]
    moved_closer: tuple[str, ...]
    moved_further: tuple[str, ...]
    placed: tuple[str, ...]
    unplaced: tuple[str, ...]
    field_changes: tuple[FieldChange, ...]
    stability: float
    ties_kept: tuple[tuple[str, str], ...]
    ties_lost: tuple[tuple[str, str], ...]
    ties_gained: tuple[tuple[str, str], ...]
    measures: dict[str, MeasureDelta] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    circle_changes: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def highlight(self) -> dict[str, str]:
        """Member key → mark for :func:`kith.network.drawing.draw_svg` (the compare view).

        Gained and moved members are marked as on ``after``; lost members as ``"lost"`` (they
        appear only when drawing ``before``).
        """
        marks = dict.fromkeys(self.lost, "lost")
        marks.update(dict.fromkeys(self.gained, "gained"))
        marks.update(dict.fromkeys(self.moved_closer, "moved-closer"))
        marks.update(dict.fromkeys(self.moved_further, "moved-further"))
        return marks


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _number(value: Any) -> float:
    if value is None or isinstance(value, str):
        return math.nan
    return float(value)


def measure_deltas(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, MeasureDelta]:
    """Difference of two measure rows, column by column (columns of ``before`` first).

    Numeric columns give ``after − before`` (nan propagates; a column missing on one side
    counts as nan); a column that holds text on either side gives the pair ``(before, after)``.

    Examples
    --------
    >>> measure_deltas({"size": 6, "density": 0.5, "typology": "family"},
    ...                {"size": 7, "density": float("nan"), "typology": "diverse"})
    {'size': 1.0, 'density': nan, 'typology': ('family', 'diverse')}
    """
    out: dict[str, MeasureDelta] = {}
    for name in [*before, *(k for k in after if k not in before)]:
        b, a = before.get(name), after.get(name)
        if isinstance(b, str) or isinstance(a, str):
            out[name] = (_text(b), _text(a))
        else:
            out[name] = _number(a) - _number(b)
    return out


def compare(
    before: Network,
    after: Network,
    by: Mapping[str, Sequence[str] | None] | None = None,
) -> Change:
    """Compare two maps of one person.

    Parameters
    ----------
    before, after : Network
        The earlier and the later map.
    by : mapping of attribute name to category list (or ``None``), optional
        Passed to :func:`kith.network.measures.measure_row` for the composition and
        homophily measures whose change is wanted.

    Returns
    -------
    Change

    Examples
    --------
    >>> from kith.network.model import Member, Network
    >>> a = Network("p", [Member("mum", circle=2), Member("joe", circle=3)])
    >>> b = Network("p", [Member("mum", circle=1), Member("club", kind="group", circle=3)])
    >>> c = compare(a, b)
    >>> c.kept, c.lost, c.gained, c.moved_closer, c.stability
    (('mum',), ('joe',), ('club',), ('mum',), 0.3333333333333333)
    >>> c.measures["size"]
    0.0
    """
    b_members = {m.key: m for m in before.members}
    a_members = {m.key: m for m in after.members}
    kept = tuple(k for k in a_members if k in b_members)
    lost = tuple(k for k in b_members if k not in a_members)
    gained = tuple(k for k in a_members if k not in b_members)

    closer: list[str] = []
    further: list[str] = []
    placed: list[str] = []
    unplaced: list[str] = []
    changes: list[FieldChange] = []
    circle_changes: dict[str, tuple[int | None, int | None]] = {}
    for key in kept:
        old, new = b_members[key], a_members[key]
        if old.circle != new.circle:
            circle_changes[key] = (old.circle, new.circle)
        if old.circle is not None and new.circle is not None:
            if new.circle < old.circle:
                closer.append(key)
            elif new.circle > old.circle:
                further.append(key)
        elif old.circle is None and new.circle is not None:
            placed.append(key)
        elif old.circle is not None and new.circle is None:
            unplaced.append(key)
        for name in TRACKED_FIELDS:
            was, now = _text(getattr(old, name)), _text(getattr(new, name))
            if was != now:
                changes.append(FieldChange(key, name, was, now))

    union = len(b_members.keys() | a_members.keys())
    stability = len(kept) / union if union else math.nan

    b_ties = [t.pair for t in before.ties]
    a_ties = [t.pair for t in after.ties]
    b_set, a_set = set(b_ties), set(a_ties)

    labels = {k: m.label.strip() or k for k, m in b_members.items()}
    labels.update({k: m.label.strip() or k for k, m in a_members.items()})

    row_before = measure_row(before, by=by, weight=False)
    row_after = measure_row(after, by=by, weight=False)

    return Change(
        before_size=before.size,
        after_size=after.size,
        before_date=before.date,
        after_date=after.date,
        kept=kept,
        lost=lost,
        gained=gained,
        moved_closer=tuple(closer),
        moved_further=tuple(further),
        placed=tuple(placed),
        unplaced=tuple(unplaced),
        field_changes=tuple(changes),
        stability=stability,
        ties_kept=tuple(p for p in a_ties if p in b_set),
        ties_lost=tuple(p for p in b_ties if p not in a_set),
        ties_gained=tuple(p for p in a_ties if p not in b_set),
        measures=measure_deltas(row_before, row_after),
        labels=labels,
        circle_changes=circle_changes,
    )


# --- plain-language description -------------------------------------------------------------

_CONTACT_ORDER = {c.value: i for i, c in enumerate(Contact)}  # daily (0) … never (4)
_CIRCLE_PHRASE = {"1": "the closest circle", "2": "the middle circle", "3": "the outer circle"}
_MAX_NAMES = 4


def _contact_rank(value: str | None) -> int:
    return _CONTACT_ORDER.get(value or "", len(_CONTACT_ORDER))


def _date_text(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        d = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _names(change: Change, keys: Sequence[str]) -> str:
    names = [change.labels.get(k, k) for k in keys]
    if len(names) > _MAX_NAMES:
        shown = names[: _MAX_NAMES - 1]
        return ", ".join(shown) + f" and {len(names) - len(shown)} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_change(change: Change) -> str:
    """A plain-language paragraph about the change, for a worker to read out to the person.

    Parameters
    ----------
    change : Change
        From :func:`compare`.

    Returns
    -------
    str
        Names new connections, those the person lost touch with, who moved closer or further
        out, who was placed in a circle for the first time, whom the person sees more or less
        often, and how the size changed. Long lists name three and say how many more.

    Examples
    --------
    >>> from kith.network.model import Member, Network
    >>> a = Network("p", [Member("sis", "Sister", circle=2), Member("joe", "Uncle Joe", circle=3)],
    ...             date="2025-03-03")
    >>> b = Network("p", [Member("sis", "Sister", circle=1),
    ...                   Member("run", "Running club", kind="group", circle=3),
    ...                   Member("lib", "Library", kind="place", circle=3)])
    >>> describe_change(compare(a, b))
    'Since 3 March 2025: 2 new connections (Running club and Library); you lost touch with 1 (Uncle Joe); Sister moved closer. Your network grew from 2 to 3.'
    """
    when = _date_text(change.before_date)
    opening = f"Since {when}" if when else "Since the last map"
    parts: list[str] = []
    if change.gained:
        n = len(change.gained)
        word = "connection" if n == 1 else "connections"
        parts.append(f"{n} new {word} ({_names(change, change.gained)})")
    if change.lost:
        parts.append(f"you lost touch with {len(change.lost)} ({_names(change, change.lost)})")
    if change.moved_closer:
        parts.append(f"{_names(change, change.moved_closer)} moved closer")
    if change.moved_further:
        parts.append(f"{_names(change, change.moved_further)} moved further out")
    if change.placed:
        for circle in (1, 2, 3):
            keys = [k for k in change.placed if change.circle_changes[k][1] == circle]
            if keys:
                parts.append(f"{_names(change, keys)} now in {_CIRCLE_PHRASE[str(circle)]}")
    more = [
        fc
        for fc in change.field_changes
        if fc.field == "contact" and fc.before is not None and fc.after is not None
    ]
    more_often = [fc.key for fc in more if _contact_rank(fc.after) < _contact_rank(fc.before)]
    less_often = [fc.key for fc in more if _contact_rank(fc.after) > _contact_rank(fc.before)]
    if more_often:
        parts.append(f"you see {_names(change, more_often)} more often")
    if less_often:
        parts.append(f"you see {_names(change, less_often)} less often")

    b, a = change.before_size, change.after_size
    if a > b:
        size = f"Your network grew from {b} to {a}."
    elif a < b:
        size = f"Your network got smaller, from {b} to {a}."
    else:
        size = f"Your network stayed at {a}."
    if not parts:
        return f"{opening}: no change in who is on the map or how close they are. {size}"
    return f"{opening}: {'; '.join(parts)}. {size}"
