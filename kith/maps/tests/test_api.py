"""The JSON API: every operation × persona, versions (If-Match) and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from kith.accounts.testing import World, make_map, make_person
from kith.maps.models import Map, MapMember, MapStatus

MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
    {"key": "park", "label": "Park", "kind": "place", "circle": 3},
]


def _records(world: World) -> dict[str, Any]:
    person = make_person(world.north, "Casey")
    final = make_map(person, MEMBERS, [("mum", "gp")], status=MapStatus.FINAL)
    draft = make_map(person, MEMBERS, [("mum", "gp")])
    return {"person": person.pk, "final": final.pk, "draft": draft.pk}


# name → (method, path, body, status for a same-team worker)
Op = tuple[str, Callable[[dict[str, Any]], str], dict[str, Any] | None, int]
API: dict[str, Op] = {
    "people_list": ("get", lambda r: "/api/v1/people", None, 200),
    "person_detail": ("get", lambda r: f"/api/v1/people/{r['person']}", None, 200),
    "person_maps": ("get", lambda r: f"/api/v1/people/{r['person']}/maps", None, 200),
    # A draft exists already: 409 (same team) proves access without creating anything.
    "person_start_map": ("post", lambda r: f"/api/v1/people/{r['person']}/maps", {}, 409),
    "person_compare": (
        "get",
        lambda r: f"/api/v1/people/{r['person']}/compare?a={r['final']}&b={r['draft']}",
        None,
        200,
    ),
    "map_detail": ("get", lambda r: f"/api/v1/maps/{r['draft']}", None, 200),
    "map_measures": ("get", lambda r: f"/api/v1/maps/{r['draft']}/measures", None, 200),
    "member_add": ("post", lambda r: f"/api/v1/maps/{r['draft']}/members", {"label": "Nan"}, 201),
    "member_update": (
        "patch",
        lambda r: f"/api/v1/maps/{r['draft']}/members/mum",
        {"circle": 2},
        200,
    ),
    "member_remove": ("delete", lambda r: f"/api/v1/maps/{r['draft']}/members/park", None, 200),
    "tie_add": (
        "post",
        lambda r: f"/api/v1/maps/{r['draft']}/ties",
        {"a": "park", "b": "mum"},
        201,
    ),
    "tie_remove": ("delete", lambda r: f"/api/v1/maps/{r['draft']}/ties/mum/gp", None, 200),
    "map_finalise": ("post", lambda r: f"/api/v1/maps/{r['draft']}/finalise", {}, 200),
}
PUBLIC = {"openapi-json", "api-root"}


def _call(client: Client, op: Op, records: dict[str, Any], **headers: str) -> Any:
    method, path, body, _ = op
    kwargs: dict[str, Any] = {"headers": {"If-Match": '"1"', **headers}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path(records), **kwargs)


def test_every_api_operation_is_in_the_table() -> None:
    (api,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    names = {p.name for p in api.url_patterns}
    # plans_* and outcomes_* have their own table in kith/plans/tests/test_api.py.
    names = {n for n in names if not n.startswith(("plans_", "outcomes_"))}
    assert names - PUBLIC == set(API), "add new API operations to the table"


@pytest.mark.parametrize("name", sorted(API))
def test_api_access_matrix(world: World, name: str) -> None:
    op = API[name]
    expected = {"anon": 401, "ana": op[3], "lee": op[3], "ben": 404, "admin": 404, "dee": 404}
    if name == "people_list":  # a list, not a record: everyone signed in gets their own people
        expected.update(ben=200, admin=200, dee=200)
    for persona, status in expected.items():
        records = _records(world)  # fresh records: writes of one persona do not affect the next
        client = Client()
        if persona != "anon":
            client.force_login(world[persona])
        response = _call(client, op, records)
        assert response.status_code == status, (name, persona, response.content[:300])
        if name == "people_list" and status == 200:
            names = [p["display_name"] for p in response.json()["items"]]
            assert ("Casey" in names) == (persona in ("ana", "lee")), (persona, names)


def test_openapi_schema_is_published(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/maps/{map_id}/members/{key}" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 404  # no CDN-loaded docs page


def test_versions_and_errors(world: World) -> None:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])
    url = f"/api/v1/maps/{records['draft']}"
    got = client.get(url)
    assert got["ETag"] == '"1"'
    assert {m["key"] for m in got.json()["network"]["members"]} == {"mum", "gp", "park"}

    def patch(body: dict[str, Any], **headers: str) -> Any:
        return client.patch(
            f"{url}/members/mum",
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    assert patch({"circle": 2}).status_code == 428
    ok = patch({"circle": 2}, **{"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = patch({"circle": 3}, **{"If-Match": 'W/"1"'})
    assert stale.status_code == 409
    body = stale.json()
    assert (body["your_version"], body["current_version"]) == (1, 2)
    mum = next(m for m in body["current"]["network"]["members"] if m["key"] == "mum")
    assert mum["circle"] == 2
    bad = patch({"relationship": "nonsense"}, **{"If-Match": '"2"'})
    assert bad.status_code == 422 and "relationship" in bad.json()["detail"]
    assert MapMember.objects.get(map_id=records["draft"], key="mum").circle == 2

    final = client.post(f"{url}/finalise", headers={"If-Match": '"2"'})
    assert final.status_code == 200 and final.json()["status"] == "final"
    locked = patch({"circle": 1}, **{"If-Match": '"3"'})
    assert locked.status_code == 409 and "final" in locked.json()["detail"]

    review = client.post(f"/api/v1/people/{records['person']}/maps")
    assert review.status_code == 201
    assert review.json()["based_on"] == records["draft"]
    assert Map.objects.filter(person_id=records["person"]).count() == 3


def test_measures_and_compare(world: World) -> None:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])
    measures = client.get(f"/api/v1/maps/{records['draft']}/measures").json()
    assert measures["summary"][0] == "2 people, 1 of them a professional; 1 place."
    compare = client.get(
        f"/api/v1/people/{records['person']}/compare?a={records['final']}&b={records['draft']}"
    ).json()
    assert compare["gained"] == [] and compare["lost"] == [] and compare["moved"] == []
    other = make_map(make_person(world.north, "Other"), MEMBERS)
    response = client.get(
        f"/api/v1/people/{records['person']}/compare?a={records['final']}&b={other.pk}"
    )
    assert response.status_code == 404
