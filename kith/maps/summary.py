"""What a map says, in plain language: the measures panel, the typology sentence and the
drawing, from the core (:mod:`kith.network`)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from kith.network import Kind, Network, Relationship
from kith.network.drawing import draw_svg
from kith.network.measures import measure_row
from kith.network.typology import TypologyResult, describe, rule

KIND_WORDS: dict[str, tuple[str, str]] = {
    "person": ("person", "people"),
    "group": ("group", "groups"),
    "place": ("place", "places"),
    "activity": ("activity", "activities"),
    "pet": ("pet", "pets"),
    "service": ("service", "services"),
    "online": ("online space", "online spaces"),
    "thing": ("thing", "things"),
}

#: Measures shown on the map page, with plain-language names and how to show the value.
MEASURE_LABELS: tuple[tuple[str, str, str], ...] = (
    ("size", "Members on the map", "count"),
    ("people", "People", "count"),
    ("places_activities", "Places and activities", "count"),
    ("weekly_contact", "In contact every week or more", "count"),
    ("support_any", "Give the person some support", "count"),
    ("professionals_share", "Share of people who are professionals", "share"),
    ("reciprocal_support_share", "Support that goes both ways", "share"),
    ("ties", "Links between members", "count"),
    ("density", "How many members know each other (density)", "share"),
    ("components", "Separate clusters", "count"),
    ("isolates", "Members linked to no one else", "count"),
    ("effective_size", "Effective size (non-overlapping contacts)", "number"),
    ("wish_more", "Would like more contact with", "count"),
    ("wish_reconnect", "Would like to reconnect with", "count"),
)


def _count(n: int, kind: str) -> str:
    one, many = KIND_WORDS.get(kind, (kind, kind + "s"))
    return f"{n} {one if n == 1 else many}"


def join_words(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def plain_summary(net: Network) -> list[str]:
    """Sentences like "8 people, 3 of them professionals; 2 places; 1 activity."."""
    if not net.members:
        return ["Nobody is on this map yet."]
    kinds = Counter(m.kind.value for m in net.members)
    parts: list[str] = []
    people = kinds.pop(Kind.PERSON.value, 0)
    if people:
        professionals = sum(1 for m in net.members if m.is_professional)
        text = _count(people, "person")
        if professionals:
            text += f", {professionals} of them {'a professional' if professionals == 1 else 'professionals'}"
        parts.append(text)
    for kind in KIND_WORDS:
        if kinds.get(kind):
            parts.append(_count(kinds[kind], kind))
    sentences = ["; ".join(parts) + "."]
    support = Counter(
        m.relationship.value
        for m in net.members
        if m.support_received and m.relationship is not None
    )
    if support:
        top = support.most_common(1)[0][0]
        names = {
            Relationship.FAMILY.value: "family",
            Relationship.PARTNER.value: "a partner",
            Relationship.FRIEND.value: "friends",
            Relationship.NEIGHBOUR.value: "neighbours",
            Relationship.COLLEAGUE.value: "colleagues",
            Relationship.PEER.value: "peers",
            Relationship.PROFESSIONAL.value: "professionals",
            Relationship.OTHER.value: "other people",
        }
        sentences.append(f"Most support comes from {names.get(top, top)}.")
    circles = Counter(m.circle for m in net.members if m.circle)
    if circles.get(1):
        sentences.append(f"{circles[1]} in the closest circle.")
    wishes = [
        m.label or m.key
        for m in net.members
        if m.wish is not None and m.wish.value in ("more", "reconnect")
    ]
    if wishes:
        sentences.append(f"Would like more contact with {join_words(wishes)}.")
    return sentences


def show_value(value: Any, how: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if how == "share":
        return f"{round(float(value) * 100)}%"
    if how == "number":
        return f"{float(value):.1f}"
    return str(int(value))


def measures_panel(net: Network) -> dict[str, Any]:
    """Plain sentences, the typology (name and sentence) and the main measures.

    The measure row is computed once and the typology read from it (what
    :func:`kith.network.typology.classify` does, without computing the row a second time).
    """
    row = measure_row(net)
    key = str(row["typology"])
    return {
        "sentences": plain_summary(net),
        "typology": TypologyResult(key=key, name=rule(key).name, sentence=describe(key, row)),
        "row": row,
        "rows": [
            {"name": name, "label": label, "value": show_value(row.get(name), how)}
            for name, label, how in MEASURE_LABELS
            if name in row
        ],
    }


def drawing_svg(net: Network, **options: Any) -> str:
    """The SVG drawing of the map (``options`` as for :func:`kith.network.drawing.draw_svg`).

    For a stored map, :func:`kith.maps.drawing.map_drawing` keeps members at the angles of
    the person's earlier maps.
    """
    return draw_svg(net, **options)


def all_measure_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[dict[str, str]]:
    """Every column of the two measure rows: before, after and the difference."""
    if not before or not after:
        return []
    rows = []
    for name, value in after.items():
        if name in ("ego_id",):
            continue
        old = before.get(name)
        if isinstance(value, int | float) and isinstance(old, int | float):
            diff = float(value) - float(old)
            delta = "—" if math.isnan(diff) else (f"{diff:+.3g}" if diff else "0")
            rows.append(
                {"name": name, "before": f"{old:.3g}", "after": f"{value:.3g}", "change": delta}
            )
        else:
            rows.append(
                {
                    "name": name,
                    "before": str(old),
                    "after": str(value),
                    "change": "" if old == value else "changed",
                }
            )
    return rows


def simple_change(before: Network, after: Network) -> dict[str, list[dict[str, Any]]]:
    """Gained, lost and moved members by key, as label and circle for the compare lists."""
    old = {m.key: m for m in before.members}
    new = {m.key: m for m in after.members}
    gained = [{"label": new[k].label or k, "circle": new[k].circle} for k in new if k not in old]
    lost = [{"label": old[k].label or k, "circle": old[k].circle} for k in old if k not in new]
    moved = [
        {"label": new[k].label or k, "from": old[k].circle, "to": new[k].circle}
        for k in new
        if k in old and old[k].circle != new[k].circle
    ]
    return {"gained": gained, "lost": lost, "moved": moved}
