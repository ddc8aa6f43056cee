"""The derived search tables, rebuilt for the services an action touched.

For each service: one :class:`ServiceIndex` row per place (point, grid cell, free, ages,
access features), its taxonomy terms (:class:`ServiceTerm`), weekly opening slots
(:class:`ServiceSlot`), the grid cells of its service areas (:class:`ServiceAreaCell`), its
``search_text`` and the full-text index: an FTS5 table ``assets_service_fts`` on SQLite
(rowid = service pk), a GIN index on ``to_tsvector('english', search_text)`` on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection

from kith.assets import geo, schedules
from kith.assets.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaCell,
    ServiceAtLocation,
    ServiceIndex,
    ServiceSlot,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)
from kith.assets.terms import ASSET_TYPE, kith_id

FTS_TABLE = "assets_service_fts"
#: The ABCD asset type "individual": such an asset is a private record, never published.
INDIVIDUAL = kith_id(ASSET_TYPE, "individual")
BATCH = 500

#: Codes of ``kith-practical`` terms that mean an access feature.
ACCESS_CODES = {
    "wheelchair": "wheelchair",
    "step_free": "wheelchair",
    "hearing_loop": "hearing_loop",
    "near_transport": "transport",
    "transport": "transport",
}
ACCESS_WORDS = {
    "wheelchair": ("wheelchair", "step-free", "step free", "level access", "ramp"),
    "hearing_loop": ("hearing loop", "induction loop", "t-coil", "hearing aid"),
    "transport": ("bus", "train", "tram", "station", "transport", "parking", "minibus"),
}
NEEDS = {
    "wheelchair": "Wheelchair access",
    "hearing_loop": "Hearing loop",
    "transport": "Public transport or parking nearby",
}


def fts_available() -> bool:
    return connection.vendor == "sqlite"


def create_text_index(schema_editor: Any = None) -> None:
    """Create the full-text index of the current database (used by the migration)."""
    conn = schema_editor.connection if schema_editor is not None else connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "name, body, tokenize='porter unicode61 remove_diacritics 2')"
            )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS assets_service_search_gin ON assets_service "
                "USING gin (to_tsvector('english', search_text))"
            )


def drop_text_index(schema_editor: Any = None) -> None:
    conn = schema_editor.connection if schema_editor is not None else connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif conn.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS assets_service_search_gin")


def _text(*values: Any) -> str:
    return " ".join(str(v) for v in values if isinstance(v, str | int | float) and v != "")


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def reindex_services(service_pks: Iterable[int] | None = None) -> int:
    """Rebuild the search tables of these services (all when None). Returns how many."""
    pks = sorted(
        set(service_pks)
        if service_pks is not None
        else Service.objects.values_list("pk", flat=True)
    )
    for chunk in _chunks(pks):
        _reindex(chunk)
    return len(pks)


def _reindex(pks: list[int]) -> None:
    services = list(Service.objects.filter(pk__in=pks))
    by_ref = {s.hsds_id: s for s in services}
    refs = list(by_ref)
    orgs = {
        o.hsds_id: o
        for o in Organization.objects.filter(hsds_id__in={s.organization_ref for s in services})
    }
    sals = list(ServiceAtLocation.objects.filter(service_ref__in=refs))
    loc_refs = {sal.location_ref for sal in sals if sal.location_ref}
    locations = {loc.hsds_id: loc for loc in Location.objects.filter(hsds_id__in=loc_refs)}
    addresses: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in Address.objects.filter(location_ref__in=loc_refs):
        addresses[a.location_ref].append(a.data)
    access_text: dict[str, list[str]] = defaultdict(list)
    for acc in Accessibility.objects.filter(location_ref__in=loc_refs):
        access_text[acc.location_ref].append(
            _text(acc.data.get("description"), acc.data.get("details"))
        )
    sal_refs = {sal.hsds_id for sal in sals}
    linked = set(refs) | loc_refs | sal_refs
    attributes = list(Attribute.objects.filter(link_ref__in=linked))
    term_refs = {a.taxonomy_term_ref for a in attributes if a.taxonomy_term_ref}
    terms = {t.hsds_id: t for t in TaxonomyTerm.objects.filter(hsds_id__in=term_refs)}
    taxonomy_names = dict(Taxonomy.objects.values_list("hsds_id", "name"))
    cost: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in CostOption.objects.filter(service_ref__in=refs):
        cost[c.service_ref].append(c.data)
    sched: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sal_service = {sal.hsds_id: sal.service_ref for sal in sals}
    loc_services: dict[str, set[str]] = defaultdict(set)
    for sal in sals:
        loc_services[sal.location_ref].add(sal.service_ref)
    for sch in Schedule.objects.filter(service_ref__in=refs) | Schedule.objects.filter(
        service_at_location_ref__in=sal_refs
    ):
        owners = {sch.service_ref} if sch.service_ref in by_ref else set()
        if sch.service_at_location_ref in sal_service:
            owners.add(sal_service[sch.service_at_location_ref])
        for owner in owners:
            sched[owner].append(sch.data)
    areas: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for area in ServiceArea.objects.filter(service_ref__in=refs):
        areas[area.service_ref].append(area.data)

    # attributes → terms of each service (its own, its places', its service-at-locations')
    service_terms: dict[str, set[str]] = defaultdict(set)
    for attr in attributes:
        owners = set()
        if attr.link_ref in by_ref:
            owners.add(attr.link_ref)
        if attr.link_ref in sal_service:
            owners.add(sal_service[attr.link_ref])
        owners |= loc_services.get(attr.link_ref, set())
        for owner in owners:
            if attr.taxonomy_term_ref:
                service_terms[owner].add(attr.taxonomy_term_ref)

    rows: list[ServiceIndex] = []
    term_rows: list[ServiceTerm] = []
    slot_rows: list[ServiceSlot] = []
    cell_rows: list[ServiceAreaCell] = []
    fts_rows: list[tuple[int, str, str]] = []
    for s in services:
        record = s.data
        mine = [terms[t] for t in sorted(service_terms[s.hsds_id]) if t in terms]
        codes = {t.code for t in mine}
        s.is_private = INDIVIDUAL in service_terms[s.hsds_id] or any(
            t.code == "individual" and taxonomy_names.get(t.taxonomy_ref) == ASSET_TYPE
            for t in mine
        )
        amounts = [c.get("amount") for c in cost[s.hsds_id]]
        fees = _text(record.get("fees_description"), record.get("fees")).lower()
        free = (
            "free" in codes
            or (bool(amounts) and all(isinstance(a, int | float) and a == 0 for a in amounts))
            or (
                not any(isinstance(a, int | float) and a > 0 for a in amounts)
                and fees.startswith("free")
            )
        )
        my_sals = [sal for sal in sals if sal.service_ref == s.hsds_id]
        places = [locations[sal.location_ref] for sal in my_sals if sal.location_ref in locations]
        org = orgs.get(s.organization_ref)
        s.search_text = _text(
            record.get("name"),
            record.get("alternate_name"),
            record.get("description"),
            record.get("eligibility_description"),
            org.name if org else "",
            *(t.name for t in mine),
            *(p.name for p in places),
            *(
                _text(a.get("city"), a.get("postal_code"))
                for p in places
                for a in addresses.get(p.hsds_id, [])
            ),
        )
        active = (s.status or "active") == "active"
        for place in places or [None]:
            needs = {ACCESS_CODES[c] for c in codes if c in ACCESS_CODES}
            if place is not None:
                blob = " ".join(access_text.get(place.hsds_id, [])).lower()
                blob += " " + str(place.data.get("transportation") or "").lower()
                for need, words in ACCESS_WORDS.items():
                    if any(w in blob for w in words):
                        needs.add(need)
            lat = place.latitude if place is not None else None
            lon = place.longitude if place is not None else None
            has_point = lat is not None and lon is not None
            rows.append(
                ServiceIndex(
                    service=s,
                    location_ref=place.hsds_id if place is not None else "",
                    latitude=lat if has_point else None,
                    longitude=lon if has_point else None,
                    cell=geo.cell(lat, lon) if has_point else None,  # type: ignore[arg-type]
                    active=active,
                    free=free,
                    minimum_age=s.minimum_age,
                    maximum_age=s.maximum_age,
                    wheelchair="wheelchair" in needs,
                    hearing_loop="hearing_loop" in needs,
                    transport="transport" in needs,
                )
            )
        term_rows += [ServiceTerm(service=s, term_ref=t) for t in sorted(service_terms[s.hsds_id])]
        slot_rows += [
            ServiceSlot(service=s, weekday=d, opens=o, closes=c)
            for d, o, c in sorted(schedules.weekly_slots(sched[s.hsds_id]))
        ]
        cells: set[int] = set()
        for area in areas[s.hsds_id]:
            if str(area.get("extent_type") or "").lower() == "geojson":
                shapes = geo.polygons(area.get("extent"))
                if shapes:
                    cells |= set(geo.area_cells(shapes))
        cell_rows += [ServiceAreaCell(service=s, cell=c) for c in sorted(cells)]
        fts_rows.append((s.pk, s.name, s.search_text))

    ServiceIndex.objects.filter(service_id__in=pks).delete()
    ServiceTerm.objects.filter(service_id__in=pks).delete()
    ServiceSlot.objects.filter(service_id__in=pks).delete()
    ServiceAreaCell.objects.filter(service_id__in=pks).delete()
    ServiceIndex.objects.bulk_create(rows)
    ServiceTerm.objects.bulk_create(term_rows)
    ServiceSlot.objects.bulk_create(slot_rows)
    ServiceAreaCell.objects.bulk_create(cell_rows)
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE assets_service SET search_text = %s, is_private = %s WHERE id = %s",
            [(s.search_text, s.is_private, s.pk) for s in services],
        )
    if fts_available():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join('%s' for _ in pks)})", pks
            )
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, name, body) VALUES (%s, %s, %s)", fts_rows
            )


def remove_from_text_index(pks: list[int]) -> None:
    if fts_available() and pks:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join('%s' for _ in pks)})", pks
            )
