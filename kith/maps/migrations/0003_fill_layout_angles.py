"""Fill ``Map.layout_angles`` of maps finalised before it was kept.

Each person's maps are laid out oldest first, each with the angle memory of the ones before it
(as :func:`kith.maps.drawing.angle_memory` does), and the final ones keep their angles. A map
whose stored values no longer make a valid network is skipped and left empty (it is then laid
out when needed, as before). Reversing empties the column (it is derived data).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from kith.network import Member, Network, NetworkError
from kith.network.layout import layout


def fill(apps: Any, schema_editor: Any) -> None:
    Map = apps.get_model("maps", "Map")
    MapMember = apps.get_model("maps", "MapMember")
    people = (
        Map.objects.filter(status="final", layout_angles__isnull=True)
        .values_list("person_id", flat=True)
        .distinct()
    )
    for person_id in sorted(set(people)):
        maps = list(Map.objects.filter(person_id=person_id).order_by("date", "id"))
        rows: dict[int, list[tuple[str, str, str, int | None]]] = {m.pk: [] for m in maps}
        for map_id, key, label, kind, circle in (
            MapMember.objects.filter(map__person_id=person_id)
            .order_by("map_id", "id")
            .values_list("map_id", "key", "label", "kind", "circle")
        ):
            rows[map_id].append((key, label, kind, circle))
        memory: dict[str, float] = {}
        for the_map in maps:
            if the_map.layout_angles is not None:
                memory.update(the_map.layout_angles)
                continue
            try:
                net = Network(
                    ego_id=str(person_id),
                    members=tuple(
                        Member(key=k, label=label, kind=kind, circle=circle)
                        for k, label, kind, circle in rows[the_map.pk]
                    ),
                )
            except NetworkError:
                continue
            angles = layout(net, previous=memory).angles()
            memory.update(angles)
            if the_map.status == "final":
                the_map.layout_angles = angles
                the_map.save(update_fields=["layout_angles"])


def empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("maps", "Map").objects.update(layout_angles=None)


class Migration(migrations.Migration):
    dependencies = [("maps", "0002_map_layout_angles")]

    operations = [migrations.RunPython(fill, empty, elidable=True)]
