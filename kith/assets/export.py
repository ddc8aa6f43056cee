"""From the database back to HSDS: the whole directory, or the records around a few."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kith.assets.models import MODELS, HsdsLink, HsdsRef, Service
from kith.formats import hsds

CHUNK = 500
#: Nestings followed only from a record of that entity at the top (they list many records).
TOP_ONLY = {("organization", "services"), ("taxonomy", "taxonomy_terms")}


def _private_ids() -> set[str]:
    return set(Service.objects.filter(is_private=True).values_list("hsds_id", flat=True))


def load_directory(*, include_private: bool = False) -> hsds.Directory:
    """Every record and link in the database (private individuals left out)."""
    d = hsds.Directory()
    hidden = set() if include_private else _private_ids()
    for entity, model in MODELS.items():
        table = d.table(entity)
        for rid, data in model.objects.order_by("pk").values_list("hsds_id", "data").iterator(2000):
            table[rid] = data
    if hidden:
        _drop_private(d, hidden)
    for entity, rid, fk, value in HsdsLink.objects.values_list(
        "entity", "record_id", "field", "value"
    ):
        if rid in d.table(entity):
            d.links.add(hsds.Link(entity, rid, fk, value))
    return d


def _drop_private(d: hsds.Directory, hidden: set[str]) -> None:
    for rid in hidden:
        d.service.pop(rid, None)
    # Records that only belong to a private service go too.
    for entity in (
        "service_at_location",
        "schedule",
        "cost_option",
        "service_area",
        "phone",
        "contact",
        "language",
        "funding",
        "required_document",
    ):
        table = d.table(entity)
        for rid in [r for r, rec in table.items() if rec.get("service_id") in hidden]:
            table.pop(rid)
    for rid in [r for r, rec in d.attribute.items() if rec.get("link_id") in hidden]:
        d.attribute.pop(rid)


def directory_around(entity: str, ids: Iterable[str]) -> hsds.Directory:
    """The records :func:`kith.formats.hsds.write_hsds_json` needs to render these records."""
    roots = {(entity, i) for i in ids}
    wanted: dict[str, set[str]] = defaultdict(set)
    for e, i in roots:
        wanted[e].add(i)
    frontier = set(roots)
    seen = set(roots)
    while frontier:
        by_entity: dict[str, set[str]] = defaultdict(set)
        for e, i in frontier:
            by_entity[e].add(i)
        found: set[tuple[str, str]] = set()
        for e, rids in by_entity.items():
            rels = hsds.RELATIONS[e]
            one = {r.field: r.child for r in rels.values() if not r.many}
            many = {
                (r.child, r.field)
                for key, r in rels.items()
                if r.many and ((e, key) not in TOP_ONLY or (e, next(iter(rids))) in roots)
            }
            for chunk in _chunks(sorted(rids)):
                for fk, value in HsdsRef.objects.filter(entity=e, record_id__in=chunk).values_list(
                    "field", "value"
                ):
                    if fk in one:
                        found.add((one[fk], value))
                for child, rid, fk in HsdsRef.objects.filter(value__in=chunk).values_list(
                    "entity", "record_id", "field"
                ):
                    if (child, fk) in many:
                        found.add((child, rid))
        frontier = found - seen
        seen |= frontier
    for e, i in seen:
        wanted[e].add(i)
    d = hsds.Directory()
    hidden = _private_ids() if "service" in wanted else set()
    for e, rids in wanted.items():
        table = d.table(e)
        for chunk in _chunks(sorted(rids)):
            for rid, data in (
                MODELS[e].objects.filter(hsds_id__in=chunk).values_list("hsds_id", "data")
            ):
                table[rid] = data
    if hidden:
        _drop_private(d, hidden - {i for e, i in roots if e == "service"})
    for e, rids in wanted.items():
        for chunk in _chunks(sorted(rids)):
            for rid, fk, value in HsdsLink.objects.filter(
                entity=e, record_id__in=chunk
            ).values_list("record_id", "field", "value"):
                if rid in d.table(e):
                    d.links.add(hsds.Link(e, rid, fk, value))
    return d


def render(entity: str, rid: str) -> dict[str, Any] | None:
    """One record in the nested ("compiled") shape, or None if there is no such record."""
    d = directory_around(entity, [rid])
    out = hsds.write_hsds_json(d, entity, ids=[rid])
    return out[0] if out else None


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
