"""A deterministic concentric layout for a map: the person in the centre, members in three rings.

The layout answers one question for every member: where does it go, and where does its label
go, so that nothing overlaps and so that the same member sits at the same angle on every map of
a person (change between reviews is then visible at a glance). See ``docs/drawing.md`` for the
full story; in short:

- **Rings.** Circle 1 is the inner ring (*Closest*), 2 the middle (*Close*), 3 the outer
  (*Further*). Members whose circle is not recorded go on a fourth, outermost band (*Not placed
  yet*), drawn only when such members exist, so that nothing pretends to a closeness that was not
  recorded. Ring ``4`` in a :class:`Placement` means that band.
- **Sectors.** Each kind of member has a fixed sector of the circle (:data:`KIND_SECTORS`,
  clockwise from 12 o'clock: people take the right-hand 150°, then groups, activities, places,
  services, online spaces, pets and things). Sectors never depend on what else is on the map.
- **Stable angles.** A member's preferred angle is :func:`stable_angle` of its key and kind: a
  hash of the two spread over the kind's sector. It is a pure function, so it is the same on
  every map. With ``previous`` (the :meth:`Layout.angles` of the person's last map, the "angle
  memory"), a kept member prefers the angle it actually had last time instead.
- **No overlaps.** Members are placed one by one (kept members first, then ring by ring, then in
  an order fixed by a hash of the key). Each tries its preferred angle on the band's tracks and
  with its label on each side of the node, then angles 1°, 2°, … away on either side, and takes
  the cheapest spot where its node and label box touch nothing already placed and stay inside the
  view box. So a member moves from its preferred angle only when that spot is taken.
- **Crowded maps.** Bands keep the same radii until a ring passes 10, 20, 30… members
  (:data:`BASE_RING_WEIGHT`); then it gets a wider band. If a member still finds no free spot,
  the layout is redone with bands sized by the room their members need, then with shorter and
  smaller labels (:data:`FALLBACKS`). Up to 60 members, no label overlaps another label or
  another member's node.

Angles are in degrees, clockwise from 12 o'clock, in ``[0, 360)``; coordinates are in the fixed
view box ``0 0 1000 1000`` with the person at ``(500, 500)``.
"""

from __future__ import annotations

import functools
import hashlib
import math
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kith.network.model import Kind, Network

#: Width and height of the view box, in user units.
SIZE = 1000.0
#: Centre of the map (the person).
CENTRE = SIZE / 2
#: Radius of the person's disc in the centre.
EGO_RADIUS = 42.0
#: Inner edge of ring 1 and outer edge of the outermost band.
INNER_EDGE = 56.0
OUTER_EDGE = 478.0
#: Half the side of the square a member's node is drawn in (the shape itself is smaller, leaving room
#: for the compare view's outline and arrow).
NODE_RADIUS = 15.0
#: Space between a node and its label.
LABEL_GAP = 4.0
#: Space kept clear around every node and label box.
CLEARANCE = 2.0
#: Keep everything this far inside the view box.
MARGIN = 4.0
#: Radial distance between the tracks inside one band.
TRACK_STEP = 20.0
#: Angular step of the search for a free spot, in degrees.
ANGLE_STEP = 1.0
#: Cost of one step away from the preferred angle, against 1 per track and 1.5 per label side
#: away from the best: a new member moves a degree or two before it takes an inner track; a kept
#: member (one in the angle memory) tries every track and side before it moves at all.
ANGLE_COST = 2.0
KEPT_ANGLE_COST = 40.0
#: Font size of member labels (user units) and the longest label shown before an ellipsis.
FONT_SIZE = 14.0
MAX_LABEL_CHARS = 18
#: Font size of the ring names.
RING_FONT_SIZE = 13.0
#: A band holds this many members before it grows wider than the others.
BASE_RING_WEIGHT = 10
#: How much band boundaries follow equal areas rather than equal widths (see _ring_bands).
AREA_SHARE = 0.5
#: Weight of the "Not placed yet" band when it holds few members.
BASE_UNPLACED_WEIGHT = 4
#: Label settings tried in turn when a crowded map does not fit: (max characters, font size).
#: The first setting uses the usual bands; the others size the bands by the room their members'
#: nodes and labels need.
FALLBACKS: tuple[tuple[int, float], ...] = (
    (18, 14.0),
    (18, 14.0),
    (12, 14.0),
    (12, 12.0),
    (8, 11.0),
)

#: Ring number of the band for members whose circle is not recorded.
UNPLACED_RING = 4

#: Names of the rings, as printed on the map.
RING_NAMES: dict[int, str] = {1: "Closest", 2: "Close", 3: "Further", 4: "Not placed yet"}

#: Sector of each kind: (start, width) in degrees clockwise from 12 o'clock. Fixed, sums to 360.
KIND_SECTORS: dict[Kind, tuple[float, float]] = {
    Kind.PERSON: (0.0, 150.0),
    Kind.GROUP: (150.0, 40.0),
    Kind.ACTIVITY: (190.0, 40.0),
    Kind.PLACE: (230.0, 40.0),
    Kind.SERVICE: (270.0, 30.0),
    Kind.ONLINE: (300.0, 25.0),
    Kind.PET: (325.0, 15.0),
    Kind.THING: (340.0, 20.0),
}

# Approximate advance widths (em) of DejaVu Sans, the widest of the usual sans-serif fonts, so
# that the estimate errs on the generous side whichever font the viewer uses.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys("il.,:;'|!", 0.30),
    **dict.fromkeys("fjtI", 0.40),
    **dict.fromkeys("r()[]{}-", 0.42),
    **dict.fromkeys('sczJ"', 0.56),
    **dict.fromkeys("abdeghknopquvxy0123456789$?_", 0.64),
    **dict.fromkeys("LFPTYZ", 0.64),
    **dict.fromkeys("ABEKRSX&", 0.70),
    **dict.fromkeys("CDGHNOQUV", 0.79),
    **dict.fromkeys("mwMW%@", 1.0),
    " ": 0.32,
    "…": 1.0,
}
_DEFAULT_WIDTH = 0.72
#: :data:`_WIDTHS` with the default filled in for every other ASCII character.
_ASCII_WIDTHS: dict[str, float] = {chr(i): _WIDTHS.get(chr(i), _DEFAULT_WIDTH) for i in range(128)}


def text_width(text: str, font_size: float) -> float:
    """Estimated width of ``text`` set in a sans-serif font of ``font_size`` user units.

    Widths are those of DejaVu Sans rounded up (wide East Asian characters count one em,
    combining marks nothing), so real text is seldom wider than the estimate.

    Examples
    --------
    >>> round(text_width("Mum", 10), 1)
    26.4
    >>> text_width("", 14)
    0.0
    """
    total = 0.0
    if text.isascii():  # no combining marks, no wide characters: the table alone
        get = _ASCII_WIDTHS.__getitem__
        for ch in text:
            total += get(ch)
        return total * font_size
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            total += 1.0
        else:
            total += _WIDTHS.get(ch, _DEFAULT_WIDTH)
    return total * font_size


def shorten(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    """``text`` on one line, cut to ``max_chars`` characters with an ellipsis when longer.

    Examples
    --------
    >>> shorten("Thursday walking group at the park")
    'Thursday walking…'
    >>> shorten("  Mum \\n ")
    'Mum'
    """
    one_line = " ".join(text.split())
    if len(one_line) <= max_chars:
        return one_line
    return one_line[: max_chars - 1].rstrip() + "…"


def _unit_hash(text: str) -> float:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def stable_angle(key: str, kind: Kind | str) -> float:
    """The preferred angle of a member: a pure function of its key and kind.

    The angle lies inside the kind's sector (:data:`KIND_SECTORS`), a few degrees in from its
    edges, at a position given by a SHA-256 hash of ``"kind:key"``. It does not depend on any
    other member, so the same member gets the same angle on every map of a person.

    Examples
    --------
    >>> a = stable_angle("mum", "person")
    >>> a == stable_angle("mum", Kind.PERSON) and 0 <= a < 150
    True
    >>> 150 <= stable_angle("choir", "group") < 190
    True
    """
    kind = Kind(kind)
    start, width = KIND_SECTORS[kind]
    edge = min(4.0, width * 0.1)
    return round(start + edge + _unit_hash(f"{kind.value}:{key}") * (width - 2 * edge), 6)


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in view-box units: top-left corner, width and height."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """True when the boxes come closer than ``gap`` (touching edges do not overlap).

        >>> Box(0, 0, 10, 10).overlaps(Box(10, 0, 5, 5)), Box(0, 0, 10, 10).overlaps(Box(9, 9, 5, 5))
        (False, True)
        """
        return (
            self.x < other.right + gap
            and other.x < self.right + gap
            and self.y < other.bottom + gap
            and other.y < self.bottom + gap
        )

    def inside(self, other: Box) -> bool:
        """True when this box lies within ``other`` (edges may touch)."""
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.right <= other.right
            and self.bottom <= other.bottom
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one member goes.

    Attributes
    ----------
    key : str
        The member's key.
    x, y : float
        Centre of the member's node.
    angle : float
        Angle of the node, degrees clockwise from 12 o'clock, in ``[0, 360)``.
    preferred : float
        The angle the member asked for (its stable angle, or its previous angle when kept);
        ``angle`` differs from it only when that spot was taken.
    ring : int
        1, 2 or 3 (the circle), or 4 (:data:`UNPLACED_RING`) when no circle is recorded.
    radius : float
        Distance of the node from the centre.
    node_box : Box
        The square the node's shape is drawn in.
    label : str
        The label as shown (shortened with an ellipsis when long; the full label belongs in
        the accessible title).
    label_box : Box
        The estimated box of the shown label.
    anchor : str
        SVG ``text-anchor`` of the label: ``"start"``, ``"middle"`` or ``"end"``.
    text_x, text_y : float
        Anchor point and baseline of the label text.
    """

    key: str
    x: float
    y: float
    angle: float
    preferred: float
    ring: int
    radius: float
    node_box: Box
    label: str
    label_box: Box
    anchor: str
    text_x: float
    text_y: float

    @property
    def displacement(self) -> float:
        """How far (degrees, 0–180) the member was nudged from its preferred angle."""
        return _angle_distance(self.angle, self.preferred)


@dataclass(frozen=True, slots=True)
class Ring:
    """One band of the map: ``inner`` and ``outer`` radii and where its name is written."""

    ring: int
    inner: float
    outer: float
    name: str
    label_box: Box
    text_x: float
    text_y: float


@dataclass(frozen=True, slots=True)
class Layout:
    """The placement of every member of one map in the view box ``0 0 width height``.

    ``placements`` follow the order of the map's members. ``font_size`` and ``max_label_chars``
    tell which label setting (:data:`FALLBACKS`) was needed; ``complete`` is False only if some
    member could not be placed without overlap even with the smallest setting (not seen up to
    60 members).
    """

    width: float
    height: float
    cx: float
    cy: float
    ego_radius: float
    node_radius: float
    font_size: float
    max_label_chars: int
    rings: tuple[Ring, ...]
    placements: tuple[Placement, ...]
    complete: bool = True

    @property
    def viewbox(self) -> Box:
        return Box(0.0, 0.0, self.width, self.height)

    def __getitem__(self, key: str) -> Placement:
        for p in self.placements:
            if p.key == key:
                return p
        raise KeyError(key)

    def __iter__(self) -> Iterator[Placement]:
        return iter(self.placements)

    def __len__(self) -> int:
        return len(self.placements)

    def angles(self) -> dict[str, float]:
        """Member key → angle: the "angle memory" to pass as ``previous`` for the next map."""
        return {p.key: p.angle for p in self.placements}


def _angle_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def _ring_of(circle: int | None) -> int:
    return UNPLACED_RING if circle is None else circle


def _ring_bands(
    rings: list[int], weights: list[float], area_share: float
) -> list[tuple[int, float, float]]:
    """Split ``[INNER_EDGE, OUTER_EDGE]`` into bands for ``rings`` by ``weights``.

    Each boundary is the mix ``area_share`` of the radius that gives every band an *area*
    proportional to its weight and ``1 − area_share`` of the radius that gives it a *width*
    proportional to its weight (areas matter because an inner band is shorter round).
    """
    total = float(sum(weights))
    r0, r1 = INNER_EDGE, OUTER_EDGE
    bands = []
    inner, cum = r0, 0.0
    for r, w in zip(rings, weights, strict=True):
        cum += w
        f = cum / total
        by_width = r0 + (r1 - r0) * f
        by_area = math.sqrt(r0 * r0 + (r1 * r1 - r0 * r0) * f)
        outer = r1 if cum >= total else area_share * by_area + (1 - area_share) * by_width
        bands.append((r, inner, outer))
        inner = outer
    return bands


def _count_weights(rings: list[int], counts: Mapping[int, int]) -> list[float]:
    """Weights by number of members, in whole steps of the base weight (so that small changes
    in numbers keep the same geometry)."""
    out = []
    for r in rings:
        base = BASE_UNPLACED_WEIGHT if r == UNPLACED_RING else BASE_RING_WEIGHT
        out.append(float(base * max(1, math.ceil(counts.get(r, 0) / base))))
    return out


def _tracks(inner: float, outer: float) -> list[float]:
    """Radii of the tracks of a band, the middle one first, then alternately in and out."""
    lo = inner + NODE_RADIUS + CLEARANCE
    hi = outer - NODE_RADIUS - CLEARANCE
    mid = (inner + outer) / 2
    if hi <= lo:
        return [mid]
    out = [mid]
    k = 1
    while True:
        added = False
        for r in (mid - k * TRACK_STEP, mid + k * TRACK_STEP):
            if lo <= r <= hi:
                out.append(r)
                added = True
        if not added:
            return out
        k += 1


# Candidate label sides: direction of the label from the node.
_SIDES = ("right", "left", "above", "below")
_SIDE_DIR = ((1.0, 0.0), (-1.0, 0.0), (0.0, -1.0), (0.0, 1.0))
# Labels above or below are wider along the ring, so they are preferred only near 12 and 6.
_SIDE_WEIGHT = (1.0, 1.0, 0.8, 0.8)


def _label_geometry(
    side: str, x: float, y: float, w: float, h: float, font: float
) -> tuple[Box, str, float, float]:
    gap = LABEL_GAP
    if side == "right":
        box = Box(x + NODE_RADIUS + gap, y - h / 2, w, h)
        anchor, tx = "start", box.x
    elif side == "left":
        box = Box(x - NODE_RADIUS - gap - w, y - h / 2, w, h)
        anchor, tx = "end", box.right
    elif side == "above":
        box = Box(x - w / 2, y - NODE_RADIUS - gap / 2 - h, w, h)
        anchor, tx = "middle", x
    else:
        box = Box(x - w / 2, y + NODE_RADIUS + gap / 2, w, h)
        anchor, tx = "middle", x
    # Baseline: the box is 1.25 em tall; DejaVu's ascent is about 0.93 em.
    return box, anchor, tx, box.y + (h - font * 1.25) / 2 + font * 0.95


#: Side of the square cells of the obstacle index (view-box units). A power of two, so that
#: dividing a coordinate by it is exact.
_CELL = 64.0


class _Obstacles:
    """Boxes already taken, indexed by the grid cells they come near.

    A box is filed under every cell its outline grown by the clearance touches, so a query
    looks only at the few boxes filed under the cells it covers. Entries are
    ``(x0, y0, x1 + clearance, y1 + clearance)``: the far edges grown once when filed rather
    than on every test.
    """

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def add(self, box: Box) -> None:
        x0, y0 = box.x, box.y
        x1, y1 = x0 + box.width, y0 + box.height  # box.right, box.bottom
        entry = (x0, y0, x1 + CLEARANCE, y1 + CLEARANCE)
        g = CLEARANCE + 1e-6  # a little more than the clearance, to be on the safe side
        cells = self._cells
        floor = math.floor
        rows = range(floor((y0 - g) / _CELL), floor((y1 + g) / _CELL) + 1)
        for i in range(floor((x0 - g) / _CELL), floor((x1 + g) / _CELL) + 1):
            for j in rows:
                cell = cells.get((i, j))
                if cell is None:
                    cells[i, j] = [entry]
                else:
                    cell.append(entry)

    def free(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """True when the box (x0, y0)–(x1, y1) comes no closer than the clearance to any box."""
        x1g = x1 + CLEARANCE
        y1g = y1 + CLEARANCE
        get = self._cells.get
        floor = math.floor
        j0, j1 = floor(y0 / _CELL), floor(y1 / _CELL) + 1
        for i in range(floor(x0 / _CELL), floor(x1 / _CELL) + 1):
            for j in range(j0, j1):
                boxes = get((i, j))
                if boxes is None:
                    continue
                for a0, b0, a1g, b1g in boxes:
                    if x0 < a1g and a0 < x1g and y0 < b1g and b0 < y1g:
                        return False
        return True


#: Offsets from the preferred angle in search order: 0, 1, -1, 2, -2, …, 180 (−180 is the same
#: angle), in steps of :data:`ANGLE_STEP`.
_OFFSETS: tuple[float, ...] = (
    0.0,
    *[float(s * k) * ANGLE_STEP for k in range(1, 180) for s in (1, -1)],
    180.0 * ANGLE_STEP,
)


def _side_order(s: float, c: float) -> tuple[int, ...]:
    """Label sides (indexes into :data:`_SIDES`) best first at the angle whose sine and cosine
    are ``s`` and ``c``: the side pointing most outward first, ties in :data:`_SIDES` order.

    The score of a side is the outward direction ``(s, −c)`` dotted with the side's direction,
    times its weight (:data:`_SIDE_WEIGHT`): ``s``, ``−s``, ``0.8·c``, ``−0.8·c``.
    """
    above = c * _SIDE_WEIGHT[2]
    return tuple(sorted(range(4), key=(-s, s, -above, above).__getitem__))


@functools.lru_cache(maxsize=64)
def _search_order(angle_cost: float, n_tracks: int) -> tuple[tuple[int, int, int], ...]:
    """Every spot of a member's search as ``(offset index, track, side rank)``, in the order
    :func:`_place_one` tries them: by cost ``angle_cost·|offset| + track + 1.5·side rank``,
    then offset index, then track (which settles it: on one offset and track, equal cost means
    equal side rank).

    The order does not depend on the member (only which side has which rank does, and that is
    looked up per angle), so it is a pure function of the angle cost and the number of
    tracks; it is memoised (a handful of entries for the whole process).
    """
    n_sides = len(_SIDES)
    keyed = sorted(
        (angle_cost * abs(offset) + tr + 1.5 * rank, oi, tr, rank)
        for oi, offset in enumerate(_OFFSETS)
        for tr in range(n_tracks)
        for rank in range(n_sides)
    )
    return tuple((oi, tr, rank) for _, oi, tr, rank in keyed)


def _place_one(
    preferred: float,
    tracks: list[float],
    label_w: float,
    label_h: float,
    obstacles: _Obstacles,
    angle_cost: float = 2.0,
) -> tuple[float, float, int] | None:
    """Cheapest free (angle, radius, side index) for one member, or None when all are taken.

    ``tracks`` are the radii of the member's band (:func:`_tracks`). The cost of a spot is
    ``angle_cost·|angle offset| + track rank + 1.5·side rank`` (side rank 0 is the side
    pointing most outward); ties go to the smaller offset (in :data:`_OFFSETS` order), then
    the inner track rank. Spots are tried in order of cost (:func:`_search_order`), the
    geometry of an angle worked out only when the search first reaches it, so a member that
    fits at or near its preferred angle costs a handful of box checks. Whether a node square
    is free is tested once per angle and track, whichever side its label is tried on.
    """
    h, w, nr, gap = label_h, label_w, NODE_RADIUS, LABEL_GAP
    lo, hi = MARGIN, SIZE - MARGIN
    n_tr = len(tracks)
    free = obstacles.free
    offsets = _OFFSETS
    # Per offset reached: angle, sin, cos, label sides best first.
    geometry: list[tuple[float, float, float, tuple[int, ...]]] = []
    node_free: dict[int, bool] = {}  # offset index · tracks + track → node square free
    for oi, tr, rank in _search_order(angle_cost, n_tr):
        if oi == len(geometry):  # offsets are first reached in order
            angle = (preferred + offsets[oi]) % 360.0
            rad = math.radians(angle)
            s, c = math.sin(rad), math.cos(rad)
            geometry.append((angle, s, c, _side_order(s, c)))
        angle, s, c, sides = geometry[oi]
        sd = sides[rank]
        r = tracks[tr]
        x = CENTRE + r * s
        y = CENTRE - r * c
        # The label box, computed exactly as _label_geometry will (same operations, same order).
        if sd == 0:
            lx0 = x + nr + gap
        elif sd == 1:
            lx0 = x - nr - gap - w
        else:
            lx0 = x - w / 2
        if sd == 2:
            ly0 = y - nr - gap / 2 - h
        elif sd == 3:
            ly0 = y + nr + gap / 2
        else:
            ly0 = y - h / 2
        lx1, ly1 = lx0 + w, ly0 + h
        if not (lx0 >= lo and ly0 >= lo and lx1 <= hi and ly1 <= hi):
            continue
        k = oi * n_tr + tr
        ok = node_free.get(k)
        if ok is None:
            ok = node_free[k] = free(x - nr, y - nr, x + nr, y + nr)
        if ok and free(lx0, ly0, lx1, ly1):
            return angle, r, sd
    return None


def layout(net: Network, previous: Mapping[str, float] | None = None) -> Layout:
    """Place the members of ``net`` on concentric rings around the person.

    Parameters
    ----------
    net : Network
        The map.
    previous : mapping of str to float, optional
        Angle memory: member key → angle (degrees) from the person's previous map, usually
        ``layout(previous_map).angles()``. Kept members prefer these angles, and are placed
        before new members, so they stay where they were unless their spot is now taken.
        Without it, every member prefers :func:`stable_angle` of its key and kind.

    Returns
    -------
    Layout
        Deterministic: the same map and memory always give the same layout.

    Examples
    --------
    >>> from kith.network.model import Member, Network
    >>> net = Network("p1", (Member("mum", "Mum", circle=1), Member("gym", "Gym", kind="place")))
    >>> lay = layout(net)
    >>> lay["mum"].ring, lay["gym"].ring
    (1, 4)
    >>> lay["mum"].angle == stable_angle("mum", "person")
    True
    >>> layout(net, previous={"mum": 100.0})["mum"].angle
    100.0
    """
    memory = dict(previous or {})
    result: Layout | None = None
    for i, (max_chars, font) in enumerate(FALLBACKS):
        final = i == len(FALLBACKS) - 1
        result = _layout(net, memory, max_chars, font, by_demand=i > 0, final=final)
        if result.complete:
            return result
    assert result is not None
    return result


def _layout(
    net: Network,
    memory: Mapping[str, float],
    max_chars: int,
    font: float,
    *,
    by_demand: bool,
    final: bool,
) -> Layout:
    counts: dict[int, int] = {}
    for m in net.members:
        counts[_ring_of(m.circle)] = counts.get(_ring_of(m.circle), 0) + 1
    rings_used = [1, 2, 3] + ([UNPLACED_RING] if counts.get(UNPLACED_RING, 0) else [])
    if by_demand:
        # Room each ring's members need: node plus label, with clearance, 2.5 times over for
        # the gaps a greedy packing leaves; an empty ring still gets a little.
        need = dict.fromkeys(rings_used, 0.0)
        for m in net.members:
            w = text_width(shorten(m.label or m.key, max_chars), font)
            need[_ring_of(m.circle)] += 2.5 * (2 * NODE_RADIUS + w + 8) * (2 * NODE_RADIUS + 4)
        floor = 0.08 * sum(need.values())
        weights = [max(need[r], floor, 1.0) for r in rings_used]
        bands = _ring_bands(rings_used, weights, area_share=1.0)
    else:
        bands = _ring_bands(rings_used, _count_weights(rings_used, counts), AREA_SHARE)
    band_of = {r: (inner, outer) for r, inner, outer in bands}
    tracks_of = {r: _tracks(inner, outer) for r, inner, outer in bands}

    obstacles = _Obstacles()
    obstacles.add(Box(CENTRE - EGO_RADIUS, CENTRE - EGO_RADIUS, 2 * EGO_RADIUS, 2 * EGO_RADIUS))
    rings: list[Ring] = []
    ring_h = RING_FONT_SIZE * 1.25
    for r, inner, outer in bands:
        name = RING_NAMES[r]
        w = text_width(name, RING_FONT_SIZE)
        top = CENTRE - outer + 3.0
        box = Box(CENTRE - w / 2, top, w, ring_h)
        obstacles.add(box)
        rings.append(Ring(r, inner, outer, name, box, CENTRE, top + RING_FONT_SIZE * 0.95))

    def preferred_of(key: str, kind: Kind) -> float:
        if key in memory:
            return float(memory[key]) % 360.0
        return stable_angle(key, kind)

    order = sorted(
        net.members,
        key=lambda m: (m.key not in memory, _ring_of(m.circle), _unit_hash(m.key), m.key),
    )
    label_h = font * 1.25
    placed: dict[str, Placement] = {}
    complete = True
    for m in order:
        ring = _ring_of(m.circle)
        text = shorten(m.label or m.key, max_chars)
        w = text_width(text, font)
        want = preferred_of(m.key, m.kind)
        cost = KEPT_ANGLE_COST if m.key in memory else ANGLE_COST
        spot = _place_one(want, tracks_of[ring], w, label_h, obstacles, cost)
        if spot is None:
            complete = False
            inner, outer = band_of[ring]
            spot = (want, (inner + outer) / 2, 0)
        angle, radius, side = spot
        angle = round(angle, 6) % 360.0
        rad = math.radians(angle)
        x = CENTRE + radius * math.sin(rad)
        y = CENTRE - radius * math.cos(rad)
        node = Box(x - NODE_RADIUS, y - NODE_RADIUS, 2 * NODE_RADIUS, 2 * NODE_RADIUS)
        box, anchor, tx, ty = _label_geometry(_SIDES[side], x, y, w, label_h, font)
        obstacles.add(node)
        obstacles.add(box)
        placed[m.key] = Placement(
            key=m.key,
            x=x,
            y=y,
            angle=angle,
            preferred=want,
            ring=ring,
            radius=radius,
            node_box=node,
            label=text,
            label_box=box,
            anchor=anchor,
            text_x=tx,
            text_y=ty,
        )
        if not complete and not final:
            break  # the caller retries with smaller labels
    return Layout(
        width=SIZE,
        height=SIZE,
        cx=CENTRE,
        cy=CENTRE,
        ego_radius=EGO_RADIUS,
        node_radius=NODE_RADIUS,
        font_size=font,
        max_label_chars=max_chars,
        rings=tuple(rings),
        placements=tuple(placed[m.key] for m in net.members if m.key in placed),
        complete=complete,
    )
