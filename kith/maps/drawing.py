"""Drawings of stored maps that keep every member at the same angle across a person's maps.

:func:`kith.network.layout.layout` takes an *angle memory* (member key → angle). For a stored
map the memory comes from the person's earlier maps, laid out in order, each with the memory
of the ones before it, so a member keeps the angle it had the first time it was placed (unless
that spot is taken on a later map) and returns to it when it comes back after a gap.

Nothing is cached between requests: the earlier maps' members are read in one query and laid
out again each time (a few milliseconds per map).
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

from kith.maps.models import Map, MapMember, MapTie
from kith.network import Member, Network, NetworkError
from kith.network.drawing import draw_svg
from kith.network.layout import Layout, layout


def _select(
    model: type[models.Model],
    attnames: Sequence[str],
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
) -> tuple[str, list[tuple[Any, ...]]]:
    """Rows of ``model`` in one plain ``SELECT`` (database alias, rows).

    The map page reads a few hundred rows per request, and building them through a queryset
    (cloning, compiling the SQL, one model instance per row) costs ten times the query itself.
    ``attnames`` are field attnames (``map_id``); ``where`` and ``order`` name columns
    unquoted (they are quoted here), with ``%s`` placeholders for ``params``. Values go through
    the converters the ORM would apply (JSON decoded, and so on), so a row is what
    ``values_list(*attnames)`` would give.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in attnames]
    cols = [field.get_col(meta.db_table) for field in fields]
    converters = []
    for i, col in enumerate(cols):
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, col, found))
    sql = "SELECT {} FROM {} WHERE {} ORDER BY {}".format(
        ", ".join(qn(field.column) for field in fields),
        qn(meta.db_table),
        where.format(**{n: qn(meta.get_field(n).column) for n in _placeholders(where)}),
        ", ".join(qn(meta.get_field(n).column) for n in order),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    if not converters:
        return alias, rows
    out = []
    for row in rows:
        values = list(row)
        for i, col, found in converters:
            value = values[i]
            for convert in found:
                value = convert(value, col, connection)
            values[i] = value
        out.append(tuple(values))
    return alias, out


def _placeholders(where: str) -> list[str]:
    """Field names written as ``{name}`` in a ``where`` of :func:`_select`."""
    return [name for _, name, _, _ in string.Formatter().parse(where) if name]


def read_map(the_map: Map) -> tuple[list[MapMember], list[MapTie]]:
    """Members and ties of a map in two queries whatever its size.

    The rows are read with plain ``SELECT`` s (:func:`_select`) and made into model instances
    with ``from_db`` (as a queryset would, without its overhead). Each tie's ``a`` and ``b``
    are set to the member objects already read (no join: a ``select_related`` would build
    every member a second and third time). The order is the models' (``Meta.ordering``)
    without its leading ``map``, which is the same for every row and would join the maps
    table to sort by the map's own ordering.
    """
    member_fields = [f.attname for f in MapMember._meta.concrete_fields]
    alias, rows = _select(
        MapMember, member_fields, "{map_id} = %s", [the_map.pk], ["circle", "label", "key"]
    )
    members = [MapMember.from_db(alias, member_fields, row) for row in rows]
    tie_fields = [f.attname for f in MapTie._meta.concrete_fields]
    alias, rows = _select(MapTie, tie_fields, "{map_id} = %s", [the_map.pk], ["id"])
    ties = [MapTie.from_db(alias, tie_fields, row) for row in rows]
    by_id = {m.pk: m for m in members}
    for tie in ties:
        tie.a, tie.b = by_id[tie.a_id], by_id[tie.b_id]
    return members, ties


def earlier_maps(the_map: Map) -> list[int]:
    """Ids of the person's maps before ``the_map`` (by date, then id), oldest first."""
    date = connections[router.db_for_read(Map)].ops.adapt_datefield_value(the_map.date)
    _, rows = _select(
        Map,
        ["id"],
        "{person_id} = %s AND ({date} < %s OR ({date} = %s AND {id} < %s))",
        [the_map.person_id, date, date, the_map.pk],
        ["date", "id"],
    )
    return [pk for (pk,) in rows]


def angle_memory(the_map: Map) -> dict[str, float]:
    """Member key → angle, from laying out the person's earlier maps in turn (two queries).

    Only what the layout needs (key, label, kind, circle) is read. A map whose stored values
    no longer make a valid network is skipped (its members keep the memory they had).
    """
    ids = earlier_maps(the_map)
    if not ids:
        return {}
    rows: dict[int, list[tuple[str, str, Any, int | None]]] = {pk: [] for pk in ids}
    _, found = _select(
        MapMember,
        ["map_id", "key", "label", "kind", "circle"],
        "{map_id} IN (" + ", ".join(["%s"] * len(ids)) + ")",
        ids,
        ["map_id", "id"],
    )
    for map_id, key, label, kind, circle in found:
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
