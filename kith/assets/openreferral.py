"""The public Open Referral (HSDS 3.0) read API at /openreferral/: no sign-in, read-only, CORS *.

Endpoints and parameters follow the HSDS 3.0 OpenAPI description (``schema/openapi.json``):
lists are pages (``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``,
``last_page``, ``empty``, ``contents``) of the ``*_list`` shapes; single records are fully
nested ("compiled"). Private records (individuals) are never shown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from kith.assets import schedules
from kith.assets.export import render
from kith.assets.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from kith.assets.search import Query, postcode_point, search

HSDS_OPENAPI = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
)
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0/"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
#: A page asked for with ``search`` etc. ranks at most this many services.
MAX_RANKED = 10_000


class BadRequest(Exception):
    pass


View = Callable[..., HttpResponse]


def endpoint(view: View) -> View:
    """GET (and OPTIONS) only, no session needed, CORS for everyone, JSON errors."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response: HttpResponse = HttpResponse(status=204)
        elif request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": "This API is read-only."}, status=405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                response = view(request, *args, **kwargs)
            except BadRequest as error:
                response = JsonResponse({"detail": str(error)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        return response

    return wrapper


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    value = request.GET.get(name, "")
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name}: expected a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name}: expected a number from {low} to {high}")
    return number


def _paging(request: HttpRequest) -> tuple[int, int]:
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        raise BadRequest("format: only 'json' is offered")
    return (
        _int(request, "page", 1, 1, 1_000_000),
        _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def page_of(contents: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    total_pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def _query(request: HttpRequest) -> Query:
    q = Query(include_private=False, include_inactive=True)
    q.text = request.GET.get("search", "")[:200]
    if request.GET.get("taxonomy_term_id"):
        q.term_refs = [t for t in request.GET.get("taxonomy_term_id", "").split(",") if t]
    q.taxonomy_ref = request.GET.get("taxonomy_id", "")
    q.organization_ref = request.GET.get("organization_id", "")
    after = request.GET.get("modified_after", "")
    if after:
        moment = parse_datetime(after)
        if moment is None:
            day = parse_date(after)
            moment = dt.datetime.combine(day, dt.time()) if day else None
        if moment is None:
            raise BadRequest("modified_after: expected a date or date-time (ISO 8601)")
        q.modified_after = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    postcode = request.GET.get("postcode", "")
    if postcode:
        point = postcode_point(postcode)
        if point is None:
            raise BadRequest(f"postcode: {postcode!r} is not a known postcode")
        q.lat, q.lon = point
        q.radius_km = _int(request, "proximity", 5000, 1, 100_000) / 1000
    day = request.GET.get("day", "").strip().upper()[:2]
    if day:
        if day not in schedules.DAYS:
            raise BadRequest("day: expected one of MO, TU, WE, TH, FR, SA, SU")
        q.day = schedules.DAYS.index(day)
    for name in ("start_time", "end_time"):
        value = request.GET.get(name, "")
        if value:
            minute = schedules.minutes(value)
            if minute is None:
                raise BadRequest(f"{name}: expected a time such as 09:30")
            setattr(q, "start" if name == "start_time" else "end", minute)
    if (q.start is not None or q.end is not None) and q.day is None:
        raise BadRequest("start_time and end_time need day")
    return q


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not isinstance(v, list | dict) or k not in _NESTED}


_NESTED = frozenset(
    {"organization", "program", "location", "service", "phones", "schedules", "attributes"}
)


def _service_item(service: Service, orgs: dict[str, Organization]) -> dict[str, Any]:
    item = dict(service.data)
    org = orgs.get(service.organization_ref)
    if org is not None:
        item["organization"] = dict(org.data)
    return item


@endpoint
def root(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"version": "3.0", "profile": HSDS_PROFILE, "openapi_url": HSDS_OPENAPI})


def _ranked_services(request: HttpRequest) -> tuple[list[Service], int, int, int]:
    page, per_page = _paging(request)
    results = search(_query(request), page=page, per_page=per_page)
    return [h.service for h in results.hits], results.total, page, per_page


@endpoint
def services(request: HttpRequest) -> HttpResponse:
    chosen, total, page, per_page = _ranked_services(request)
    orgs = {
        o.hsds_id: o
        for o in Organization.objects.filter(hsds_id__in={s.organization_ref for s in chosen})
    }
    return JsonResponse(page_of([_service_item(s, orgs) for s in chosen], total, page, per_page))


def _one(entity: str, rid: str, hidden: Callable[[], bool] = lambda: False) -> HttpResponse:
    record = None if hidden() else render(entity, rid)
    if record is None:
        return JsonResponse({"detail": f"No {entity.replace('_', ' ')} with id {rid}"}, status=404)
    return JsonResponse(record)


@endpoint
def service_detail(request: HttpRequest, rid: str) -> HttpResponse:
    return _one(
        "service",
        rid,
        lambda: Service.objects.filter(hsds_id=rid, is_private=True).exists(),
    )


@endpoint
def service_at_locations(request: HttpRequest) -> HttpResponse:
    page, per_page = _paging(request)
    q = _query(request)
    results = search(q, page=1, per_page=MAX_RANKED) if _filtered(request) else None
    sals: QuerySet[ServiceAtLocation] = ServiceAtLocation.objects.exclude(
        service_ref__in=Service.objects.filter(is_private=True).values("hsds_id")
    )
    if results is not None:
        order = {h.service.hsds_id: i for i, h in enumerate(results.hits)}
        near = {h.service.hsds_id: h for h in results.hits}
        rows = [s for s in sals.filter(service_ref__in=list(order))]
        if q.has_point:
            # Only the places within the proximity (or of a service whose area covers it).
            from kith.assets import geo

            places = {
                loc.hsds_id: loc
                for loc in Location.objects.filter(hsds_id__in=[r.location_ref for r in rows])
            }

            def keep(sal: ServiceAtLocation) -> bool:
                hit = near[sal.service_ref]
                loc = places.get(sal.location_ref)
                if hit.covers:
                    return True
                if loc is None or loc.latitude is None or loc.longitude is None:
                    return False
                return geo.distance_km(q.lat, q.lon, loc.latitude, loc.longitude) <= q.radius_km  # type: ignore[arg-type]

            rows = [r for r in rows if keep(r)]
        rows.sort(key=lambda s: (order[s.service_ref], s.hsds_id))
        total = len(rows)
        chosen = rows[(page - 1) * per_page : page * per_page]
    else:
        total = sals.count()
        chosen = list(sals.order_by("hsds_id")[(page - 1) * per_page : page * per_page])
    locations = {
        loc.hsds_id: loc
        for loc in Location.objects.filter(hsds_id__in=[s.location_ref for s in chosen])
    }
    services_ = {
        s.hsds_id: s for s in Service.objects.filter(hsds_id__in=[s.service_ref for s in chosen])
    }
    contents = []
    for sal in chosen:
        item = dict(sal.data)
        if sal.location_ref in locations:
            item["location"] = dict(locations[sal.location_ref].data)
        if sal.service_ref in services_:
            item["service"] = dict(services_[sal.service_ref].data)
        contents.append(item)
    return JsonResponse(page_of(contents, total, page, per_page))


def _filtered(request: HttpRequest) -> bool:
    keys = {
        "search",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "postcode",
        "day",
        "start_time",
        "end_time",
    }
    return any(request.GET.get(k) for k in keys)


@endpoint
def service_at_location_detail(request: HttpRequest, rid: str) -> HttpResponse:
    def hidden() -> bool:
        sal = ServiceAtLocation.objects.filter(hsds_id=rid).first()
        return (
            sal is not None
            and Service.objects.filter(hsds_id=sal.service_ref, is_private=True).exists()
        )

    return _one("service_at_location", rid, hidden)


def _simple_list(
    request: HttpRequest, records: QuerySet[Any], text_fields: tuple[str, ...]
) -> HttpResponse:
    page, per_page = _paging(request)
    text = request.GET.get("search", "").strip()
    if text:
        from django.db.models import Q

        match = Q()
        for name in text_fields:
            match |= Q(**{f"{name}__icontains": text})
        records = records.filter(match)
    total = records.count()
    chosen = records[(page - 1) * per_page : page * per_page]
    return JsonResponse(page_of([dict(r.data) for r in chosen], total, page, per_page))


@endpoint
def organizations(request: HttpRequest) -> HttpResponse:
    return _simple_list(request, Organization.objects.order_by("name", "hsds_id"), ("name",))


@endpoint
def organization_detail(request: HttpRequest, rid: str) -> HttpResponse:
    return _one("organization", rid)


@endpoint
def taxonomies(request: HttpRequest) -> HttpResponse:
    return _simple_list(request, Taxonomy.objects.order_by("name", "hsds_id"), ("name",))


@endpoint
def taxonomy_detail(request: HttpRequest, rid: str) -> HttpResponse:
    return _one("taxonomy", rid)


@endpoint
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    terms = TaxonomyTerm.objects.order_by("name", "hsds_id")
    if request.GET.get("taxonomy_id"):
        terms = terms.filter(taxonomy_ref=request.GET["taxonomy_id"])
    if request.GET.get("parent_id"):
        terms = terms.filter(parent_ref=request.GET["parent_id"])
    if request.GET.get("top_only", "").lower() in ("1", "true", "yes"):
        terms = terms.filter(parent_ref="")
    return _simple_list(request, terms, ("name", "code"))


@endpoint
def taxonomy_term_detail(request: HttpRequest, rid: str) -> HttpResponse:
    return _one("taxonomy_term", rid)
