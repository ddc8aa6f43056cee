"""Drawings of stored maps that keep every member at the same angle across a person's maps.

:func:`kith.network.layout.layout` takes an *angle memory* (member key → angle). For a stored
map the memory comes from the person's earlier maps, laid out in order, each with the memory
of the ones before it, so a member keeps the angle it had the first time it was placed (unless
that spot is taken on a later map) and returns to it when it comes back after a gap.

A final map keeps the angles of its drawing (``Map.layout_angles``, derived data written by
:func:`kith.maps.actions.do_finalise_map`), so the memory of a later map is read, not laid out
again: one query for the earlier maps and their kept angles. Maps without kept angles (drafts
and maps finalised before the angles were kept) are laid out as before, with one more query
for their members; nothing is written on a read.

Every change to a map also keeps its drawing (``Map.drawing_svg``, written by the actions in
the same transaction) with a fingerprint of what it was made from (:func:`drawing_inputs`: the
whole network, the angle memory, the drawing options and the source of the drawing code). A
read shows the kept drawing only when the fingerprint of what it would draw now is the same,
so the result is always what drawing afresh gives; otherwise (a map changed outside the
actions, an earlier map changed, new drawing code, other options) it draws afresh.

The map page goes one step further (:func:`kept_view`): the change also keeps the measures
panel, and both are shown while the map's version and angle memory are those they were kept
for, without building the network at all. Every write goes through the actions, which bump the
version; see docs/drawing.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connections, router

from kith.maps.models import Map, MapMember, MapTie, reading_order
from kith.maps.rows import instances, select
from kith.network import Member, Network, NetworkError, Tie
from kith.network.drawing import draw_svg
from kith.network.layout import Layout, layout


def read_map(the_map: Map) -> tuple[list[MapMember], list[MapTie]]:
    """Members and ties of a map in two queries whatever its size.

    The rows are read with plain ``SELECT`` s (:func:`kith.maps.rows.select`) and made into
    model instances directly (:func:`kith.maps.rows.instances`). Each tie's ``a``
    and ``b`` are the member objects already read (no join: a ``select_related`` would build
    every member a second and third time). Members come in
    :func:`~kith.maps.models.reading_order`.
    """
    member_fields = [f.attname for f in MapMember._meta.concrete_fields]
    alias, rows = select(MapMember, member_fields, "{map_id} = %s", [the_map.pk], ["id"])
    # Sorted here, not in SQL: labels are encrypted in the database.
    members = sorted(instances(MapMember, alias, member_fields, rows), key=reading_order)
    tie_fields = [f.attname for f in MapTie._meta.concrete_fields]
    alias, rows = select(MapTie, tie_fields, "{map_id} = %s", [the_map.pk], ["id"])
    ties = instances(MapTie, alias, tie_fields, rows)
    by_id = {m.pk: m for m in members}
    for tie in ties:
        # What assigning ``tie.a`` and ``tie.b`` does, as ``a_id`` and ``b_id`` are already set.
        tie._state.fields_cache.update(a=by_id[tie.a_id], b=by_id[tie.b_id])
    return members, ties


def _earlier_maps(the_map: Map) -> list[tuple[int, dict[str, float] | None]]:
    """(id, kept angles) of the person's maps before ``the_map`` (by date, then id), oldest first."""
    date = connections[router.db_for_read(Map)].ops.adapt_datefield_value(the_map.date)
    _, rows = select(
        Map,
        ["id", "layout_angles"],
        "{person_id} = %s AND ({date} < %s OR ({date} = %s AND {id} < %s))",
        [the_map.person_id, date, date, the_map.pk],
        ["date", "id"],
    )
    return [(pk, angles) for pk, angles in rows]


def earlier_maps(the_map: Map) -> list[int]:
    """Ids of the person's maps before ``the_map`` (by date, then id), oldest first."""
    return [pk for pk, _ in _earlier_maps(the_map)]


def _layout_rows(ids: list[int]) -> dict[int, list[tuple[str, str, Any, int | None]]]:
    """Map id → (key, label, kind, circle) of its members: what the layout needs (one query)."""
    rows: dict[int, list[tuple[str, str, Any, int | None]]] = {pk: [] for pk in ids}
    _, found = select(
        MapMember,
        ["map_id", "key", "label", "kind", "circle"],
        "{map_id} IN (" + ", ".join(["%s"] * len(ids)) + ")",
        ids,
        ["map_id", "id"],
    )
    for map_id, key, label, kind, circle in found:
        rows[map_id].append((key, label, kind, circle))
    return rows


def angle_memory(the_map: Map) -> dict[str, float]:
    """Member key → angle, from the person's earlier maps in turn (one or two queries).

    Each earlier map adds the angles of its drawing: the kept ones of a final map, else those
    of laying it out (key, label, kind and circle of its members, read in a second query) with
    the memory of the maps before it. A map whose stored values no longer make a valid network
    is skipped (its members keep the memory they had).
    """
    earlier = _earlier_maps(the_map)
    missing = [pk for pk, angles in earlier if angles is None]
    rows = _layout_rows(missing) if missing else {}
    memory: dict[str, float] = {}
    for pk, angles in earlier:
        if angles is None:
            try:
                net = Network(
                    ego_id=str(the_map.person_id),
                    members=tuple(
                        Member(key=k, label=label, kind=kind, circle=circle)
                        for k, label, kind, circle in rows[pk]
                    ),
                )
            except NetworkError:
                continue
            angles = layout(net, previous=memory).angles()
        memory.update(angles)
    return memory


def stable_layout(the_map: Map, net: Network) -> Layout:
    """The layout of ``net`` (the network of ``the_map``) with the person's angle memory."""
    return layout(net, previous=angle_memory(the_map))


#: The source of the code a drawing comes from: a kept drawing made by other code is not shown.
_CODE = hashlib.sha256(
    b"".join(
        Path(str(importlib.import_module(f"kith.network.{name}").__file__)).read_bytes()
        for name in ("model", "layout", "drawing")
    )
).hexdigest()


#: The fields of the core model's classes, in the order :func:`drawing_inputs` writes them.
_MEMBER_FIELDS = (
    "key",
    "label",
    "kind",
    "relationship",
    "circle",
    "contact",
    "support_received",
    "support_given",
    "feeling",
    "wish",
    "asset_id",
    "attributes",
)
_TIE_FIELDS = ("a", "b", "weight", "attributes")
_NETWORK_FIELDS = ("ego_id", "members", "ties", "ego", "map_id", "date")
# A field added to the core model must be added to the fingerprint too.
assert tuple(f.name for f in dataclasses.fields(Member)) == _MEMBER_FIELDS
assert tuple(f.name for f in dataclasses.fields(Tie)) == _TIE_FIELDS
assert tuple(f.name for f in dataclasses.fields(Network)) == _NETWORK_FIELDS


def drawing_inputs(net: Network, memory: Mapping[str, float], options: Mapping[str, Any]) -> str:
    """Fingerprint of everything :func:`map_drawing` draws from: equal fingerprints, equal SVG.

    Every field of the network, its members and ties (enumerations are text, sets sorted), the
    angle memory, the drawing options and the source of the drawing code (:data:`_CODE`).
    """
    members = [
        (
            m.key,
            m.label,
            m.kind,
            m.relationship,
            m.circle,
            m.contact,
            sorted(m.support_received),
            sorted(m.support_given),
            m.feeling,
            m.wish,
            m.asset_id,
            dict(m.attributes),
        )
        for m in net.members
    ]
    ties = [(t.a, t.b, t.weight, dict(t.attributes)) for t in net.ties]
    text = json.dumps(
        [_CODE, net.ego_id, members, ties, dict(net.ego), net.map_id, net.date, memory, options],
        sort_keys=True,
        ensure_ascii=False,
        default=_plain,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON form of what drawing options may hold (mappings, sets)."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def map_drawing(the_map: Map, net: Network, **options: Any) -> str:
    """The SVG drawing of a stored map, members at their angles from earlier maps.

    ``options`` as for :func:`kith.network.drawing.draw_svg` (``highlight``, ``id_prefix``,
    ``width``, ``title``, …). The map's kept drawing when it was made from the same inputs.
    """
    memory = angle_memory(the_map)
    if the_map.drawing_svg and the_map.drawing_inputs == drawing_inputs(net, memory, options):
        return str(the_map.drawing_svg)
    return draw_svg(net, layout(net, previous=memory), **options)


#: The source of the code behind the measures panel: a change to it makes kept panels stale.
_PANEL_CODE = hashlib.sha256(
    b"".join(
        Path(str(importlib.import_module(name).__file__)).read_bytes()
        for name in ("kith.network.measures", "kith.network.typology", "kith.maps.summary")
    )
    + (
        Path(str(importlib.import_module("kith.network").__file__)).parent / "typology.json"
    ).read_bytes()
).hexdigest()


def kept_for(the_map: Map, memory: Mapping[str, float]) -> str:
    """Fingerprint of what a map's kept drawing and panel stand for: the map's id and version
    (bumped by every change, all of which go through the actions), its angle memory and the
    code that draws and measures it."""
    text = json.dumps([_CODE, _PANEL_CODE, the_map.pk, the_map.version, memory], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def kept_view(the_map: Map) -> tuple[str, dict[str, Any]] | None:
    """The kept drawing and measures panel of ``the_map`` when they are those of its current
    version and angle memory (one query, for the memory), else ``None``."""
    if not (the_map.kept_for and the_map.drawing_svg and the_map.kept_panel):
        return None
    if the_map.kept_for != kept_for(the_map, angle_memory(the_map)):
        return None
    return str(the_map.drawing_svg), dict(the_map.kept_panel)


class KeptDrawing(NamedTuple):
    """What a change keeps on the map: its drawing, that drawing's fingerprint and angles, the
    measures panel and the fingerprint of the version they stand for."""

    svg: str
    inputs: str
    angles: dict[str, float]
    panel: dict[str, Any]
    kept_for: str


def drawing_to_keep(the_map: Map, net: Network) -> KeptDrawing:
    """The drawing and panel of ``net`` (the network of ``the_map`` at its current version)
    with default options, to keep."""
    from kith.maps.summary import measures_panel

    memory = angle_memory(the_map)
    lay = layout(net, previous=memory)
    panel = measures_panel(net)
    panel["typology"] = dataclasses.asdict(panel["typology"])
    return KeptDrawing(
        draw_svg(net, lay),
        drawing_inputs(net, memory, {}),
        lay.angles(),
        panel,
        kept_for(the_map, memory),
    )
