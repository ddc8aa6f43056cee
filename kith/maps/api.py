"""JSON API for maps, members, ties, measures and change: /api/v1/…

Reads go through ``access.py`` (404 for other teams' records). Writes go through
``actions.py`` and must say which version of the map they change, in an ``If-Match`` header
holding the map's ETag (``"<version>"``, as returned by ``GET /maps/{id}``): a missing header
is 428, a stale one 409 with the current map in the body, a change to a final map 409, and a
value the core model refuses 422 with its message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from kith.maps import summary
from kith.maps.access import get_map_for_user, maps_of_person
from kith.maps.actions import (
    DraftExists,
    MapConflict,
    MapLocked,
    do_add_member,
    do_add_tie,
    do_create_map,
    do_finalise_map,
    do_remove_member,
    do_remove_tie,
    do_update_member,
)
from kith.maps.models import Map, MapMember, MapTie
from kith.network import NetworkError
from kith.network.change import compare as compare_maps
from kith.network.change import describe_change
from kith.people.access import get_person_for_user

router = Router(tags=["maps"])


class MemberIn(Schema):
    label: str = ""
    kind: str = "person"
    relationship: str | None = None
    circle: int | None = None
    contact: str | None = None
    support_received: list[str] = Field(default_factory=list)
    support_given: list[str] = Field(default_factory=list)
    feeling: str | None = None
    wish: str | None = None
    asset_id: str | None = None
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class MemberPatch(Schema):
    label: str | None = None
    kind: str | None = None
    relationship: str | None = None
    circle: int | None = None
    contact: str | None = None
    support_received: list[str] | None = None
    support_given: list[str] | None = None
    feeling: str | None = None
    wish: str | None = None
    asset_id: str | None = None
    attributes: dict[str, str | int | float | bool | None] | None = None


class MemberCreate(MemberIn):
    key: str | None = None


class TieIn(Schema):
    a: str
    b: str
    weight: float | None = None


class MapSummary(Schema):
    id: int
    person_id: int
    date: dt.date
    status: str
    version: int
    based_on: int | None


def json_safe(value: Any) -> Any:
    """nan → None, tuples → lists, recursively (JSON has no nan)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return value


def _summary(the_map: Map) -> dict[str, Any]:
    return {
        "id": the_map.pk,
        "person_id": the_map.person_id,
        "date": the_map.date,
        "status": the_map.status,
        "version": the_map.version,
        "based_on": the_map.based_on_id,
    }


def _full(the_map: Map) -> dict[str, Any]:
    members = list(the_map.members.all())
    ties = list(the_map.ties.select_related("a", "b"))
    network = the_map.to_network(members, ties).as_dict()
    return {**_summary(the_map), "notes": the_map.notes, "network": json_safe(network)}


def _json(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    from kith.api import api

    return api.create_response(request, body, status=status)


def _etag(the_map: Map) -> str:
    return f'"{the_map.version}"'


def _if_match(request: HttpRequest) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if header.startswith("W/"):
        header = header[2:]
    header = header.strip('"')
    try:
        return int(header)
    except ValueError:
        return None


def _write(request: HttpRequest, the_map: Map, change: Any, status: int = 200) -> HttpResponse:
    """Run ``change(version)`` with the version from If-Match; map errors to HTTP answers."""
    version = _if_match(request)
    if version is None:
        return _json(
            request,
            428,
            {"detail": 'Send the map\'s version in an If-Match header, e.g. If-Match: "3".'},
        )
    try:
        change(version)
    except MapConflict as error:
        current = Map.objects.get(pk=error.map.pk)
        return _json(
            request,
            409,
            {
                "detail": str(error),
                "your_version": error.expected,
                "current_version": error.current,
                "current": _full(current),
            },
        )
    except MapLocked as error:
        return _json(request, 409, {"detail": str(error)})
    except NetworkError as error:
        return _json(request, 422, {"detail": str(error)})
    fresh = Map.objects.select_related("person").get(pk=the_map.pk)
    response = _json(request, status, _full(fresh))
    response["ETag"] = _etag(fresh)
    return response


def _member(the_map: Map, key: str) -> MapMember:
    from django.http import Http404

    member = MapMember.objects.filter(map=the_map, key=key).first()
    if member is None:
        raise Http404("No such member")
    member.map = the_map
    return member


@router.get("/people/{person_id}/maps", response=list[MapSummary], url_name="person_maps")
def person_maps(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    person = get_person_for_user(request.user, person_id)
    return [_summary(m) for m in maps_of_person(person)]


@router.post("/people/{person_id}/maps", url_name="person_start_map")
def person_start_map(request: HttpRequest, person_id: int) -> HttpResponse:
    """Start a first map, or a review copying the latest final map (409 if a draft exists)."""
    person = get_person_for_user(request.user, person_id)
    try:
        the_map = do_create_map(request.user, person)
    except DraftExists as error:
        return _json(request, 409, {"detail": str(error), "draft": _summary(error.map)})
    response = _json(request, 201, _full(the_map))
    response["ETag"] = _etag(the_map)
    return response


@router.get("/people/{person_id}/compare", url_name="person_compare")
def person_compare(request: HttpRequest, person_id: int, a: int, b: int) -> dict[str, Any]:
    """What changed from map ``a`` to map ``b``: members, ties, circles and every measure."""
    person = get_person_for_user(request.user, person_id)
    maps = {m.pk: m for m in maps_of_person(person)}
    if a not in maps or b not in maps:
        from django.http import Http404

        raise Http404("No such map")
    before, after = maps[a].to_network(), maps[b].to_network()
    result: dict[str, Any] = {"a": a, "b": b, **summary.simple_change(before, after)}
    change = compare_maps(before, after)
    result["change"] = json_safe(dataclasses.asdict(change))
    result["description"] = describe_change(change)
    return json_safe(result)


@router.get("/maps/{map_id}", url_name="map_detail")
def map_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    """The map with its members and ties (Kith JSON), and its version as the ETag."""
    the_map = get_map_for_user(request.user, map_id)
    response = _json(request, 200, _full(the_map))
    response["ETag"] = _etag(the_map)
    return response


@router.get("/maps/{map_id}/measures", url_name="map_measures")
def map_measures(request: HttpRequest, map_id: int) -> dict[str, Any]:
    the_map = get_map_for_user(request.user, map_id)
    net = the_map.to_network()
    panel = summary.measures_panel(net)
    typology = panel.get("typology")
    return json_safe(
        {
            "map_id": the_map.pk,
            "summary": panel["sentences"],
            "typology": dataclasses.asdict(typology) if typology is not None else None,
            "measures": panel.get("row"),
        }
    )


@router.post("/maps/{map_id}/members", url_name="member_add")
def member_add(request: HttpRequest, map_id: int, body: MemberCreate) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    fields = body.dict(exclude={"key"})
    return _write(
        request,
        the_map,
        lambda v: do_add_member(request.user, the_map, fields, expected_version=v, key=body.key),
        status=201,
    )


@router.patch("/maps/{map_id}/members/{key}", url_name="member_update")
def member_update(request: HttpRequest, map_id: int, key: str, body: MemberPatch) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    member = _member(the_map, key)
    fields = body.dict(exclude_unset=True)
    return _write(
        request,
        the_map,
        lambda v: do_update_member(request.user, member, fields, expected_version=v),
    )


@router.delete("/maps/{map_id}/members/{key}", url_name="member_remove")
def member_remove(request: HttpRequest, map_id: int, key: str) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    member = _member(the_map, key)
    return _write(
        request, the_map, lambda v: do_remove_member(request.user, member, expected_version=v)
    )


@router.post("/maps/{map_id}/ties", url_name="tie_add")
def tie_add(request: HttpRequest, map_id: int, body: TieIn) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    return _write(
        request,
        the_map,
        lambda v: do_add_tie(
            request.user, the_map, body.a, body.b, weight=body.weight, expected_version=v
        ),
        status=201,
    )


@router.delete("/maps/{map_id}/ties/{a}/{b}", url_name="tie_remove")
def tie_remove(request: HttpRequest, map_id: int, a: str, b: str) -> HttpResponse:
    from django.http import Http404

    the_map = get_map_for_user(request.user, map_id)
    first, second = sorted((a, b))
    tie = MapTie.objects.filter(map=the_map, a__key=first, b__key=second).first()
    if tie is None:
        raise Http404("No such tie")
    tie.map = the_map
    return _write(request, the_map, lambda v: do_remove_tie(request.user, tie, expected_version=v))


@router.post("/maps/{map_id}/finalise", url_name="map_finalise")
def map_finalise(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    return _write(
        request, the_map, lambda v: do_finalise_map(request.user, the_map, expected_version=v)
    )
