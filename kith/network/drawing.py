"""Draw a map as a standalone, accessible SVG.

The picture follows :mod:`kith.network.layout`: the person in the centre, circles 1–3 as rings
(named *Closest*, *Close*, *Further*), an outer dashed band *Not placed yet* for members whose
circle is not recorded, ties as grey lines under the members, and a key (legend) below the map.

Every member is told apart by two cues, never by colour alone: a **shape** and a **colour** per
kind, the colours from the Okabe–Ito palette, which stays distinct under the common forms of
colour blindness (Okabe & Ito 2008, *Color Universal Design*). The compare view marks change
with outline patterns and arrows as well as words in the key.

Only presentation attributes are used (no ``<style>`` element, no script), so the SVG can be
inlined in a page under a strict Content-Security-Policy, embedded in a PDF or saved as a file.
All user text is escaped, and the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from kith.network.layout import (
    RING_FONT_SIZE,
    Layout,
    Placement,
    text_width,
)
from kith.network.layout import layout as make_layout
from kith.network.model import Kind, Member, Network

#: The Okabe–Ito colour-blind-safe palette.
OKABE_ITO: tuple[str, ...] = (
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)

#: Fill colour of each kind (all from :data:`OKABE_ITO`).
KIND_COLOURS: dict[Kind, str] = {
    Kind.PERSON: "#0072B2",
    Kind.GROUP: "#E69F00",
    Kind.PLACE: "#009E73",
    Kind.ACTIVITY: "#D55E00",
    Kind.PET: "#CC79A7",
    Kind.SERVICE: "#56B4E9",
    Kind.ONLINE: "#F0E442",
    Kind.THING: "#000000",
}

#: Shape of each kind, as named in the key.
KIND_SHAPES: dict[Kind, str] = {
    Kind.PERSON: "circle",
    Kind.GROUP: "hexagon",
    Kind.PLACE: "square",
    Kind.ACTIVITY: "triangle",
    Kind.PET: "diamond",
    Kind.SERVICE: "pentagon",
    Kind.ONLINE: "rounded rectangle",
    Kind.THING: "star",
}

#: Names of the kinds in the key.
KIND_NAMES: dict[Kind, str] = {
    Kind.PERSON: "Person",
    Kind.GROUP: "Group",
    Kind.PLACE: "Place",
    Kind.ACTIVITY: "Activity",
    Kind.PET: "Pet",
    Kind.SERVICE: "Service",
    Kind.ONLINE: "Online",
    Kind.THING: "Thing",
}

#: The changes the compare view can mark, with their words in the key.
HIGHLIGHTS: dict[str, str] = {
    "gained": "New since last map",
    "lost": "Lost touch",
    "moved-closer": "Moved closer",
    "moved-further": "Moved further out",
}

_CIRCLE_WORDS = {1: "closest circle", 2: "middle circle", 3: "outer circle"}
_INK = "#1A1A1A"
_FONT = "'DejaVu Sans', Verdana, 'Segoe UI', Arial, sans-serif"
_SHAPE_R = 11.0
_RING_FILLS = {1: "#E4E4E4", 2: "#EDEDED", 3: "#F6F6F6", 4: "#FFFFFF"}
_LEGEND_ROW = 30.0
_LEGEND_COLS = 4
_LEGEND_FONT = 14.0
# Characters XML 1.0 does not allow; user text loses them rather than breaking the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    """Escape user text for an XML text node or attribute value."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most two decimals, no trailing zeros (deterministic)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _polygon(x: float, y: float, r: float, n: int, start_deg: float) -> list[tuple[float, float]]:
    out = []
    for i in range(n):
        a = math.radians(start_deg + 360.0 * i / n)
        out.append((x + r * math.sin(a), y - r * math.cos(a)))
    return out


def shape_svg(kind: Kind, x: float, y: float, r: float = _SHAPE_R, **attrs: str) -> str:
    """The SVG element drawing a member of ``kind`` centred on ``(x, y)`` within radius ~``r``.

    Examples
    --------
    >>> shape_svg(Kind.PLACE, 10, 10, 5)
    '<rect x="5.75" y="5.75" width="8.5" height="8.5"/>'
    """
    extra = "".join(f' {k.replace("_", "-")}="{_text(v)}"' for k, v in attrs.items())
    if kind is Kind.PERSON:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"{extra}/>'
    if kind is Kind.PLACE:
        s = 0.85 * r
        return (
            f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}"'
            f"{extra}/>"
        )
    if kind is Kind.ONLINE:
        w, h = r, 0.72 * r
        return (
            f'<rect x="{_n(x - w)}" y="{_n(y - h)}" width="{_n(2 * w)}" height="{_n(2 * h)}" '
            f'rx="{_n(0.35 * r)}"{extra}/>'
        )
    if kind is Kind.GROUP:
        pts = _polygon(x, y, 1.05 * r, 6, 30.0)
    elif kind is Kind.ACTIVITY:
        pts = _polygon(x, y + 0.15 * r, 1.15 * r, 3, 0.0)
    elif kind is Kind.PET:
        pts = _polygon(x, y, 1.2 * r, 4, 0.0)
    elif kind is Kind.SERVICE:
        pts = _polygon(x, y, 1.1 * r, 5, 0.0)
    else:  # Kind.THING: a five-pointed star
        outer = _polygon(x, y, 1.2 * r, 5, 0.0)
        inner = _polygon(x, y, 0.5 * r, 5, 36.0)
        pts = [p for pair in zip(outer, inner, strict=True) for p in pair]
    return f'<polygon points="{_points(pts)}"{extra}/>'


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary(net: Network) -> str:
    """A one-sentence description of a map: members per circle, kinds and ties.

    Examples
    --------
    >>> from kith.network.model import Member, Network, Tie
    >>> net = Network("p", (Member("a", circle=1), Member("b", kind="place", circle=3),
    ...                     Member("c")), (Tie("a", "b"),))
    >>> summary(net)
    'Network map of 3 members: 1 in the closest circle, 1 in the outer circle and 1 not placed in a circle (2 people and 1 place); 1 tie between members.'
    """
    if not net.members:
        return "Network map with no members yet."
    counts = {c: 0 for c in (1, 2, 3)}
    unplaced = 0
    for m in net.members:
        if m.circle is None:
            unplaced += 1
        else:
            counts[m.circle] += 1
    parts = [f"{n} in the {_CIRCLE_WORDS[c]}" for c, n in counts.items() if n]
    if unplaced:
        parts.append(f"{unplaced} not placed in a circle")
    kinds = {k: sum(1 for m in net.members if m.kind is k) for k in Kind}
    plural = {Kind.PERSON: "people", Kind.ACTIVITY: "activities"}
    kind_parts = [
        _plural(n, k.value if k is not Kind.ONLINE else "online space", plural.get(k))
        for k, n in kinds.items()
        if n
    ]
    return (
        f"Network map of {_plural(net.size, 'member')}: {_join(parts)} "
        f"({_join(kind_parts)}); {_plural(len(net.ties), 'tie')} between members."
    )


def member_title(m: Member, change: str | None = None) -> str:
    """The accessible title of a member: full label, kind, circle, relationship, contact.

    >>> member_title(Member("m", "Mum", relationship="family", circle=1, contact="daily"))
    'Mum — person, closest circle, family, contact daily'
    """
    parts = [m.kind.value]
    parts.append(_CIRCLE_WORDS[m.circle] if m.circle else "not placed in a circle")
    if m.relationship:
        parts.append(m.relationship.value)
    if m.contact:
        parts.append(f"contact {m.contact.value}")
    if change:
        parts.append(HIGHLIGHTS.get(change, change).lower())
    return f"{' '.join((m.label or m.key).split())} — {', '.join(parts)}"


def _safe_id(key: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", key)
    if safe != key:
        safe += "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return safe


def _highlight_svg(change: str, x: float, y: float, node_r: float) -> str:
    """The outline that marks a change: dashed (new), dotted (lost) or solid (moved)."""
    if change == "gained":
        dash = ' stroke-dasharray="5 3"'
    elif change == "lost":
        dash = ' stroke-dasharray="1.5 2.5" stroke-linecap="round"'
    else:
        dash = ""
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(node_r - 1.5)}" fill="none" stroke="{_INK}" '
        f'stroke-width="2"{dash}/>'
    )


def _move_arrow(change: str, x: float, y: float, angle: float, node_r: float, length: float) -> str:
    """An arrow arriving at the node from where it came: from outside for a member that moved
    closer (pointing in), from the centre side for one that moved further out (pointing out)."""
    a = math.radians(angle)
    ux, uy = math.sin(a), -math.cos(a)  # outward unit vector
    side = 1.0 if change == "moved-closer" else -1.0
    ux, uy = ux * side, uy * side
    tip = node_r + 1.0
    base = tip + 8.0
    tail = tip + length
    px, py = -uy * 5.0, ux * 5.0
    bx, by = x + ux * base, y + uy * base
    head = [(x + ux * tip, y + uy * tip), (bx + px, by + py), (bx - px, by - py)]
    return (
        f'<g class="kith-move" stroke="{_INK}" fill="{_INK}">'
        f'<line x1="{_n(x + ux * tail)}" y1="{_n(y + uy * tail)}" x2="{_n(bx)}" y2="{_n(by)}" '
        f'stroke-width="2.5"/><polygon points="{_points(head)}" stroke-width="1"/></g>'
    )


#: Words of the compare view's marks in the key.
LEGEND_CHANGES: dict[str, str] = {
    "gained": "New since last map (dashed outline)",
    "lost": "Lost touch (dotted outline, faded)",
    "moved-closer": "Moved closer (arrow points to the centre)",
    "moved-further": "Moved further out (arrow points away from the centre)",
}


def _legend_highlight(change: str, cx: float, y: float) -> str:
    if change in ("moved-closer", "moved-further"):
        # The arrow is drawn level and pointing right; the words say which way the centre is.
        x = cx + 14
        out = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(_SHAPE_R)}" fill="#BBBBBB"/>'
        out += _highlight_svg(change, x, y, 15.0)
        return out + _move_arrow("moved-closer", x, y, 270.0, 13.0, 28.0)
    out = f'<circle cx="{_n(cx)}" cy="{_n(y)}" r="{_n(_SHAPE_R)}" fill="#BBBBBB"/>'
    return out + _highlight_svg(change, cx, y, 15.0)


@dataclass(frozen=True, slots=True)
class _LegendItem:
    what: str
    name: str
    row: int
    x: float
    sample: float


def _legend_items(kinds: list[Kind], changes: list[str], width: float) -> list[_LegendItem]:
    """Flow the key's entries into rows: kinds first, then the compare view's marks."""
    entries: list[tuple[str, str, float]] = [
        (k.value, f"{KIND_NAMES[k]} ({KIND_SHAPES[k]})", 28.0) for k in kinds
    ]
    for c in changes:
        moved = c in ("moved-closer", "moved-further")
        entries.append((c, LEGEND_CHANGES[c], 58.0 if moved else 28.0))
    items: list[_LegendItem] = []
    row, x, left, right = 0, 24.0, 24.0, width - 24.0
    col = (right - left) / _LEGEND_COLS
    for what, name, sample in entries:
        need = sample + 8 + text_width(name, _LEGEND_FONT) + 16
        span = math.ceil(need / col) * col  # whole columns, so entries line up
        if x > left and x + span > right:
            row, x = row + 1, left
        items.append(_LegendItem(what, name, row, x, sample))
        x += span
    return items


def draw_svg(
    net: Network,
    layout: Layout | None = None,
    *,
    title: str | None = None,
    highlight: Mapping[str, str] | None = None,
    width: int = 800,
    ego_label: str = "Me",
    id_prefix: str = "kith-",
) -> str:
    """Draw ``net`` as a standalone SVG document (text).

    Parameters
    ----------
    net : Network
        The map.
    layout : Layout, optional
        Where members go; :func:`kith.network.layout.layout` of ``net`` when not given.
        Pass one made with the person's angle memory to keep members where they were.
    title : str, optional
        The accessible title; ``"Network map"`` (with the map's date) when not given.
    highlight : mapping of str to str, optional
        Member key → ``"gained"``, ``"lost"``, ``"moved-closer"`` or ``"moved-further"``, for
        the compare view. Marked with an outline pattern (dashed, dotted, solid with an arrow
        toward or away from the centre), a ``data-change`` attribute, words in the member's
        title and an entry in the key. Keys not on the map are ignored.
    width : int
        Width attribute in pixels; the height follows the view box.
    ego_label : str
        Text in the centre disc (the person), ``"Me"`` by default.
    id_prefix : str
        Prefix of every ``id`` (to keep ids unique when several maps share a page).

    Returns
    -------
    str
        The SVG document. Members are ``<g>`` elements with ``id``, ``data-key``, ``data-kind``
        and ``data-circle`` (``""`` when not placed) and a ``<title>``.

    Raises
    ------
    ValueError
        For an unknown highlight value.

    Examples
    --------
    >>> from kith.network.model import Member, Network
    >>> svg = draw_svg(Network("p", (Member("mum", "Mum", circle=1),)))
    >>> svg.startswith("<svg") and 'data-key="mum"' in svg and "<desc" in svg
    True
    """
    marks = dict(highlight or {})
    for key, change in marks.items():
        if change not in HIGHLIGHTS:
            raise ValueError(
                f"highlight for member '{key}' is {change!r}; expected one of "
                + ", ".join(HIGHLIGHTS)
            )
    lay = layout if layout is not None else make_layout(net)
    members = {m.key: m for m in net.members}
    placed: dict[str, Placement] = {p.key: p for p in lay.placements if p.key in members}
    kinds = [k for k in Kind if any(m.kind is k for m in net.members)]
    changes = [c for c in HIGHLIGHTS if any(marks.get(k) == c for k in placed)]
    legend = _legend_items(kinds, changes, lay.width)
    rows = legend[-1].row + 1 if legend else 0
    legend_top = lay.height + 10.0
    total_h = lay.height + (rows * _LEGEND_ROW + 44.0 if rows else 0.0)
    height_px = round(width * total_h / lay.width)

    heading = (
        title if title is not None else (f"Network map ({net.date})" if net.date else "Network map")
    )
    tid, did = f"{id_prefix}title", f"{id_prefix}desc"
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(lay.width)} {_n(total_h)}" '
        f'width="{width}" height="{height_px}" role="img" aria-labelledby="{tid} {did}" '
        f'font-family="{_FONT}">',
        f'<title id="{tid}">{_text(heading)}</title>',
        f'<desc id="{did}">{_text(summary(net))}</desc>',
        f'<rect x="0" y="0" width="{_n(lay.width)}" height="{_n(total_h)}" fill="#FFFFFF"/>',
    ]

    # Rings, outermost first so inner fills sit on top.
    out.append('<g class="kith-rings" aria-hidden="true">')
    for ring in sorted(lay.rings, key=lambda r: -r.outer):
        dash = ' stroke-dasharray="8 6"' if ring.ring == 4 else ""
        out.append(
            f'<circle cx="{_n(lay.cx)}" cy="{_n(lay.cy)}" r="{_n(ring.outer)}" '
            f'fill="{_RING_FILLS[ring.ring]}" stroke="#8C8C8C" stroke-width="1.5"{dash}/>'
        )
    for ring in lay.rings:
        out.append(
            f'<text x="{_n(ring.text_x)}" y="{_n(ring.text_y)}" text-anchor="middle" '
            f'font-size="{_n(RING_FONT_SIZE)}" fill="#404040">{_text(ring.name)}</text>'
        )
    out.append("</g>")

    # Ties under the members.
    out.append('<g class="kith-ties" stroke="#7F7F7F" stroke-width="1.5" stroke-opacity="0.75">')
    for tie in net.ties:
        if tie.a in placed and tie.b in placed:
            a, b = placed[tie.a], placed[tie.b]
            dash = (
                ' stroke-dasharray="3 3"' if "lost" in (marks.get(tie.a), marks.get(tie.b)) else ""
            )
            out.append(
                f'<line x1="{_n(a.x)}" y1="{_n(a.y)}" x2="{_n(b.x)}" y2="{_n(b.y)}" '
                f'data-a="{_text(tie.a)}" data-b="{_text(tie.b)}"{dash}/>'
            )
    out.append("</g>")

    # Arrows of moves, above ties and under members (they may pass under other labels).
    moves = [
        _move_arrow(marks[k], p.x, p.y, p.angle, lay.node_radius, 34.0)
        for k, p in placed.items()
        if marks.get(k) in ("moved-closer", "moved-further")
    ]
    if moves:
        out.append('<g class="kith-moves" aria-hidden="true">' + "".join(moves) + "</g>")

    # The person.
    ego_text = ego_label.strip() or "Me"
    ego_font = 16.0
    while ego_font > 9 and text_width(ego_text, ego_font) > 2 * lay.ego_radius - 10:
        ego_font -= 1
    out.append(
        f'<g class="kith-ego"><circle cx="{_n(lay.cx)}" cy="{_n(lay.cy)}" '
        f'r="{_n(lay.ego_radius)}" fill="#FFFFFF" stroke="{_INK}" stroke-width="2"/>'
        f'<text x="{_n(lay.cx)}" y="{_n(lay.cy + ego_font * 0.35)}" text-anchor="middle" '
        f'font-size="{_n(ego_font)}" font-weight="bold" fill="{_INK}">{_text(ego_text)}</text></g>'
    )

    # Members.
    out.append('<g class="kith-members">')
    for m in net.members:
        p = placed.get(m.key)
        if p is None:
            continue
        mark = marks.get(m.key)
        attrs = (
            f'id="{_text(id_prefix + "member-" + _safe_id(m.key))}" class="kith-member" '
            f'data-key="{_text(m.key)}" data-kind="{m.kind.value}" '
            f'data-circle="{m.circle if m.circle is not None else ""}"'
        )
        if mark:
            attrs += f' data-change="{mark}"'
        fade = ' opacity="0.55"' if mark == "lost" else ""
        out.append(f"<g {attrs}>")
        out.append(f"<title>{_text(member_title(m, mark))}</title>")
        out.append(
            f"<g{fade}>"
            + shape_svg(
                m.kind,
                p.x,
                p.y,
                fill=KIND_COLOURS[m.kind],
                stroke=_INK,
                stroke_width="1.5",
            )
            + "</g>"
        )
        if mark:
            out.append(_highlight_svg(mark, p.x, p.y, lay.node_radius))
        box = p.label_box
        out.append(
            f'<rect x="{_n(box.x - 1)}" y="{_n(box.y)}" width="{_n(box.width + 2)}" '
            f'height="{_n(box.height)}" rx="3" fill="#FFFFFF" fill-opacity="0.85"/>'
        )
        out.append(
            f'<text x="{_n(p.text_x)}" y="{_n(p.text_y)}" text-anchor="{p.anchor}" '
            f'font-size="{_n(lay.font_size)}" fill="{_INK}">{_text(p.label)}</text>'
        )
        out.append("</g>")
    out.append("</g>")

    # The key.
    if legend:
        out.append('<g class="kith-legend">')
        out.append(
            f'<text x="24" y="{_n(legend_top + 16)}" font-size="15" font-weight="bold" '
            f'fill="{_INK}">Key</text>'
        )
        for item in legend:
            y = legend_top + 44 + item.row * _LEGEND_ROW
            x = item.x
            if item.what in HIGHLIGHTS:
                shapes = _legend_highlight(item.what, x + item.sample / 2, y)
            else:
                kind = Kind(item.what)
                shapes = shape_svg(
                    kind, x + 14, y, fill=KIND_COLOURS[kind], stroke=_INK, stroke_width="1.5"
                )
            out.append(
                f'<g class="kith-legend-item" data-item="{item.what}">{shapes}'
                f'<text x="{_n(x + item.sample + 8)}" y="{_n(y + 5)}" font-size="{_n(_LEGEND_FONT)}" '
                f'fill="{_INK}">{_text(item.name)}</text></g>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
