"""Drawings of stored maps that keep every member at the same angle across a person's maps.

:func:`kith.network.layout.layout` takes an *angle memory* (member key → angle). For a stored
map the memory comes from the person's earlier maps, laid out in order, each with the memory
of the ones before it, so a member keeps the angle it had the first time it was placed (unless
that spot is taken on a later map) and returns to it when it comes back after a gap.

Nothing is cached between requests: the earlier maps' members are read in one query and laid
out again each time (a few milliseconds per map).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from kith.maps.models import Map, MapMember, MapTie
from kith.network import Member, Network, NetworkError
from kith.network.drawing import draw_svg
from kith.network.layout import Layout, layout


def read_map(the_map: Map) -> tuple[list[MapMember], list[MapTie]]:
    """Members and ties of a map in two queries whatever its size.

    Each tie's ``a`` and ``b`` are set to the member objects already read (no join: a
    ``select_related`` would build every member a second and third time). The order is the
    models' (``Meta.ordering``) without its leading ``map``, which is the same for every row
    and would join the maps table to sort by the map's own ordering.
    """
    members = list(the_map.members.order_by("circle", "label", "key"))
    ties = list(the_map.ties.order_by("id"))
    by_id = {m.pk: m for m in members}
    for tie in ties:
        tie.a, tie.b = by_id[tie.a_id], by_id[tie.b_id]
    return members, ties


def earlier_maps(the_map: Map) -> list[int]:
    """Ids of the person's maps before ``the_map`` (by date, then id), oldest first."""
    return list(
        Map.objects.filter(person_id=the_map.person_id)
        .filter(Q(date__lt=the_map.date) | Q(date=the_map.date, pk__lt=the_map.pk))
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    )


def angle_memory(the_map: Map) -> dict[str, float]:
    """Member key → angle, from laying out the person's earlier maps in turn (two queries).

    Only what the layout needs (key, label, kind, circle) is read. A map whose stored values
    no longer make a valid network is skipped (its members keep the memory they had).
    """
    ids = earlier_maps(the_map)
    if not ids:
        return {}
    rows: dict[int, list[tuple[str, str, str, int | None]]] = {pk: [] for pk in ids}
    for map_id, key, label, kind, circle in (
        MapMember.objects.filter(map_id__in=ids)
        .order_by("map_id", "pk")
        .values_list("map_id", "key", "label", "kind", "circle")
    ):
        rows[map_id].append((key, label, kind, circle))
    memory: dict[str, float] = {}
    for pk in ids:
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
        memory.update(layout(net, previous=memory).angles())
    return memory


def stable_layout(the_map: Map, net: Network) -> Layout:
    """The layout of ``net`` (the network of ``the_map``) with the person's angle memory."""
    return layout(net, previous=angle_memory(the_map))


def map_drawing(the_map: Map, net: Network, **options: Any) -> str:
    """The SVG drawing of a stored map, members at their angles from earlier maps.

    ``options`` as for :func:`kith.network.drawing.draw_svg` (``highlight``, ``id_prefix``,
    ``width``, ``title``, …).
    """
    return draw_svg(net, stable_layout(the_map, net), **options)
