"""Searching the directory, for practitioners and for the public Open Referral API.

Filters run in SQL on the derived index tables; each uses an index, so a search near a point
reads only the rows of the grid cells around it (:mod:`kith.assets.geo`) however large the
directory is. Ranking: services whose **service area covers the point** first, then
**distance**, then **text relevance** (SQLite FTS5 ``bm25``; PostgreSQL ``ts_rank``), then name.
"Open at" is prefiltered on weekly slots and decided exactly by
:func:`kith.assets.schedules.is_open` (dates, monthly rules, bank holidays).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from kith.assets import geo, schedules
from kith.assets.index import FTS_TABLE
from kith.assets.models import (
    HsdsRef,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaCell,
    ServiceAtLocation,
    ServiceIndex,
    ServiceSlot,
    ServiceTerm,
)

DEFAULT_RADIUS_KM = 5.0
MAX_RADIUS_KM = 100.0
#: Without a place, text search ranks at most this many matches.
MAX_TEXT_MATCHES = 5000
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def normalise_postcode(text: str) -> str:
    """'ab12cd' → 'AB1 2CD'; '' if it does not look like a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not _POSTCODE.match(compact):
        return ""
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_point(text: str) -> tuple[float, float] | None:
    code = normalise_postcode(text)
    if not code:
        return None
    row = Postcode.objects.filter(postcode=code).first()
    return (row.latitude, row.longitude) if row else None


@dataclass
class Query:
    text: str = ""
    term_refs: list[str] = field(default_factory=list)  # any of these taxonomy terms
    taxonomy_ref: str = ""  # any term of this taxonomy
    lat: float | None = None
    lon: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    open_at: dt.datetime | None = None  # a moment (local time): open then
    day: int | None = None  # 0 = Monday …
    start: int | None = None  # minutes after midnight
    end: int | None = None
    needs: set[str] = field(default_factory=set)  # wheelchair, hearing_loop, transport
    free_only: bool = False
    age: int | None = None
    organization_ref: str = ""
    modified_after: dt.datetime | None = None
    include_inactive: bool = False
    include_private: bool = True

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class Hit:
    service: Service
    distance_km: float | None = None
    covers: bool = False
    relevance: float = 0.0
    location_ref: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0


def _rows(q: Query) -> QuerySet[ServiceIndex]:
    rows = ServiceIndex.objects.all()
    if not q.include_inactive:
        rows = rows.filter(active=True)
    if q.free_only:
        rows = rows.filter(free=True)
    for need in sorted(q.needs):
        if need in ("wheelchair", "hearing_loop", "transport"):
            rows = rows.filter(**{need: True})
    if q.age is not None:
        rows = rows.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=q.age))
        rows = rows.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=q.age))
    if q.term_refs:
        rows = rows.filter(
            Exists(
                ServiceTerm.objects.filter(
                    service_id=OuterRef("service_id"), term_ref__in=q.term_refs
                )
            )
        )
    if q.taxonomy_ref:
        from kith.assets.models import TaxonomyTerm

        terms = TaxonomyTerm.objects.filter(taxonomy_ref=q.taxonomy_ref).values("hsds_id")
        rows = rows.filter(
            Exists(
                ServiceTerm.objects.filter(service_id=OuterRef("service_id"), term_ref__in=terms)
            )
        )
    day, start, end = q.day, q.start, q.end
    if q.open_at is not None:
        day, start, end = q.open_at.weekday(), q.open_at.hour * 60 + q.open_at.minute, None
    if day is not None:
        slots = ServiceSlot.objects.filter(service_id=OuterRef("service_id"), weekday=day)
        if start is not None:
            slots = slots.filter(opens__lte=start, closes__gt=start)
        if end is not None:
            slots = slots.filter(closes__gte=end)
            if start is None:
                slots = slots.filter(opens__lt=end)
        rows = rows.filter(Exists(slots))
    if not q.include_private:
        rows = rows.filter(service__is_private=False)
    if q.organization_ref:
        rows = rows.filter(service__organization_ref=q.organization_ref)
    if q.modified_after is not None:
        rows = rows.filter(service__last_modified__gte=q.modified_after)
    return rows


def _fts_expression(text: str) -> str:
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{w}"*' for w in words[:12])


def text_relevance(text: str, service_pks: list[int] | None) -> dict[int, float]:
    """Service pk → relevance (higher is better) of the services matching ``text``.

    ``service_pks`` limits the search to these services; None searches all (best first,
    at most :data:`MAX_TEXT_MATCHES`).
    """
    if not re.findall(r"\w+", text):
        return {}
    out: dict[int, float] = {}
    if connection.vendor == "sqlite":
        expression = _fts_expression(text)
        with connection.cursor() as cursor:
            if service_pks is None:
                cursor.execute(
                    f"SELECT rowid, bm25({FTS_TABLE}, 4.0, 1.0) FROM {FTS_TABLE} "
                    f"WHERE {FTS_TABLE} MATCH %s ORDER BY 2 LIMIT {MAX_TEXT_MATCHES}",
                    [expression],
                )
                out.update({pk: -score for pk, score in cursor.fetchall()})
            else:
                for i in range(0, len(service_pks), 900):
                    chunk = service_pks[i : i + 900]
                    cursor.execute(
                        f"SELECT rowid, bm25({FTS_TABLE}, 4.0, 1.0) FROM {FTS_TABLE} "
                        f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({','.join('%s' for _ in chunk)})",
                        [expression, *chunk],
                    )
                    out.update({pk: -score for pk, score in cursor.fetchall()})
        return out
    vector = "to_tsvector('english', search_text)"
    query = "to_tsquery('english', %s)"
    text = " & ".join(f"{w}:*" for w in re.findall(r"\w+", text.lower())[:12])
    services = Service.objects.all()
    if service_pks is not None:
        services = services.filter(pk__in=service_pks)
    matched = services.extra(
        where=[f"{vector} @@ {query}"],
        params=[text],
        select={"relevance": f"ts_rank({vector}, {query})"},
        select_params=[text],
    ).values_list("pk", "relevance")
    if service_pks is None:
        matched = matched.order_by("-relevance")[:MAX_TEXT_MATCHES]
    return {pk: float(rank) for pk, rank in matched}


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "er", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def candidate_relevance(text: str, service_pks: list[int]) -> dict[int, float]:
    """Relevance among a few candidates (near a point), scored here rather than by the index.

    Every word must match the start of a word of the service's text (after stripping common
    endings, as the indexes' stemmers do); the name counts four times. Reading a few hundred
    candidates' text costs the same whatever the size of the directory, where a full-text
    query restricted to them still walks the whole posting list of each word.
    """
    words = [_stem(w) for w in re.findall(r"\w+", text.lower())[:12]]
    if not words:
        return {}
    out: dict[int, float] = {}
    for i in range(0, len(service_pks), 500):
        chunk = service_pks[i : i + 500]
        for pk, name, body in Service.objects.filter(pk__in=chunk).values_list(
            "pk", "name", "search_text"
        ):
            name_tokens = [_stem(t) for t in re.findall(r"\w+", name.lower())]
            tokens = [_stem(t) for t in re.findall(r"\w+", body.lower())]
            score = 0.0
            for word in words:
                in_name = sum(t.startswith(word) for t in name_tokens)
                in_body = sum(t.startswith(word) for t in tokens)
                if not in_name and not in_body:
                    break
                score += (4 * in_name + in_body) / (1 + math.log1p(len(tokens)))
            else:
                out[pk] = score
    return out


def _schedules_of(services: list[Service]) -> dict[int, list[dict[str, Any]]]:
    by_ref = {s.hsds_id: s.pk for s in services}
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    refs = list(by_ref)
    for i in range(0, len(refs), 500):
        chunk = refs[i : i + 500]
        sal = dict(
            ServiceAtLocation.objects.filter(service_ref__in=chunk).values_list(
                "hsds_id", "service_ref"
            )
        )
        # Two queries, not one with OR (nor NOT IN): each uses its own index.
        found = {
            rid: row
            for rid, *row in Schedule.objects.filter(service_ref__in=chunk).values_list(
                "hsds_id", "service_ref", "service_at_location_ref", "data"
            )
        }
        found.update(
            {
                rid: row
                for rid, *row in Schedule.objects.filter(
                    # Through HsdsRef's selective index on the value: most schedules have no
                    # service_at_location_id, so the planner rightly ignores that column's index.
                    hsds_id__in=HsdsRef.objects.filter(
                        value__in=list(sal), entity="schedule", field="service_at_location_id"
                    ).values("record_id")
                ).values_list("hsds_id", "service_ref", "service_at_location_ref", "data")
            }
        )
        for sref, salref, data in found.values():
            owner = sref if sref in by_ref else sal.get(salref)
            if owner in by_ref:
                out[by_ref[owner]].append(data)
    return out


def search(q: Query, *, page: int = 1, per_page: int = 20) -> Results:
    """The page ``page`` of services matching ``q``, ranked as the module says."""
    page = max(1, page)
    per_page = max(1, min(per_page, 200))
    rows = _rows(q)
    text = q.text.strip()
    if not q.has_point and not text and q.open_at is None:
        services = Service.objects.filter(pk__in=rows.values("service_id")).order_by(
            "name", "hsds_id"
        )
        total = services.count()
        chosen = list(services[(page - 1) * per_page : page * per_page])
        return Results([Hit(s) for s in chosen], total, page, per_page)

    # candidate rows: (service pk, location, lat, lon)
    covering: set[int] = set()
    if q.has_point:
        assert q.lat is not None and q.lon is not None
        radius = min(max(q.radius_km, 0.1), MAX_RADIUS_KM)
        near = rows.filter(cell__in=geo.cells_near(q.lat, q.lon, radius))
        area_services = set(
            ServiceAreaCell.objects.filter(
                cell__in=[geo.cell(q.lat, q.lon), geo.EVERYWHERE]
            ).values_list("service_id", flat=True)
        )
        if area_services:
            covering = _covering(area_services, q.lat, q.lon)
        candidates = list(near.values_list("service_id", "location_ref", "latitude", "longitude"))
        if covering:
            candidates += list(
                rows.filter(service_id__in=covering).values_list(
                    "service_id", "location_ref", "latitude", "longitude"
                )
            )
    else:
        radius = 0.0
        pre = None
        if text:
            relevance = text_relevance(text, None)
            pre = list(relevance)
            rows = rows.filter(service_id__in=pre)
        candidates = list(rows.values_list("service_id", "location_ref", "latitude", "longitude"))

    best: dict[int, Hit] = {}
    for pk, loc, lat, lon in candidates:
        distance = None
        if q.has_point and lat is not None and lon is not None:
            distance = geo.distance_km(q.lat, q.lon, lat, lon)  # type: ignore[arg-type]
        covers = pk in covering
        if q.has_point and not covers and (distance is None or distance > radius):
            continue
        hit = best.get(pk)
        if hit is None or (
            distance is not None and (hit.distance_km is None or distance < hit.distance_km)
        ):
            best[pk] = Hit(
                service=None,  # type: ignore[arg-type]
                distance_km=distance,
                covers=covers,
                location_ref=loc,
                lat=lat,
                lon=lon,
            )
    if text:
        if q.has_point:
            relevance = candidate_relevance(text, sorted(best))
        best = {pk: h for pk, h in best.items() if pk in relevance}
        for pk, h in best.items():
            h.relevance = relevance[pk]
    services = {s.pk: s for s in Service.objects.filter(pk__in=list(best))} if best else {}
    for pk, h in best.items():
        h.service = services[pk]
    hits = list(best.values())
    if q.open_at is not None and hits:
        timetable = _schedules_of([h.service for h in hits])
        hits = [h for h in hits if schedules.is_open(timetable.get(h.service.pk, []), q.open_at)]
    hits.sort(
        key=lambda h: (
            not h.covers,
            h.distance_km if h.distance_km is not None else math.inf,
            -h.relevance,
            h.service.name,
            h.service.hsds_id,
        )
    )
    total = len(hits)
    return Results(hits[(page - 1) * per_page : page * per_page], total, page, per_page)


def _covering(service_pks: set[int], lat: float, lon: float) -> set[int]:
    """The services (of these) whose GeoJSON service area holds the point."""
    refs = dict(Service.objects.filter(pk__in=service_pks).values_list("hsds_id", "pk"))
    out = set()
    for sref, data in ServiceArea.objects.filter(service_ref__in=list(refs)).values_list(
        "service_ref", "data"
    ):
        if str(data.get("extent_type") or "").lower() != "geojson":
            continue
        shapes = geo.polygons(data.get("extent"))
        if shapes and geo.covers(shapes, lat, lon):
            out.add(refs[sref])
    return out
