"""Every URL pattern × every persona.

The table below must name every URL pattern of the project (except Django's own admin site,
tested separately, and the JSON API, whose table is in kith/maps/tests/test_api.py): a new URL without a row makes :func:`test_every_url_is_in_the_table` fail.

Personas: ``anon`` (signed out), ``ana`` (practitioner, same team as the records), ``ben``
(practitioner, other team), ``lee`` (team lead of the records' team), ``admin`` (admin role
and superuser) and ``dee`` (directory editor). Admins and directory editors manage users and
the asset directory; they do not read case records (404), as DESIGN.md's roles say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kith.accounts.testing import World, make_map, make_person
from kith.maps.models import MapStatus
from kith.maps.summary import optional

PERSONAS = ("anon", "ana", "ben", "lee", "admin", "dee")
LOGIN = "login"


@dataclass
class Records:
    person: Any
    final: Any
    draft: Any
    member: Any
    tie: Any


def _records(world: World) -> Records:
    person = make_person(world.north, "Casey N.", key_worker=world["ana"])
    members = [
        {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
        {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
    ]
    final = make_map(person, members, [("mum", "gp")], status=MapStatus.FINAL)
    draft = make_map(person, members, [("mum", "gp")], status=MapStatus.DRAFT)
    return Records(person, final, draft, draft.members.get(key="mum"), draft.ties.get())


# Expected status per persona. "login" = redirect to the login page.
SIGNED_IN_ONLY = {"anon": LOGIN, "ana": 200, "ben": 200, "lee": 200, "admin": 200, "dee": 200}
CASELOAD_WORKERS = {"anon": LOGIN, "ana": 200, "ben": 200, "lee": 200, "admin": 404, "dee": 404}
NORTH_RECORD = {"anon": LOGIN, "ana": 200, "ben": 404, "lee": 200, "admin": 404, "dee": 404}
PUBLIC = dict.fromkeys(PERSONAS, 200)

Url = Callable[[Records], str]
TABLE: dict[str, tuple[Url, dict[str, Any]]] = {
    "healthz": (lambda r: reverse("healthz"), PUBLIC),
    "login": (
        lambda r: reverse("login"),
        {"anon": 200, "ana": 302, "ben": 302, "lee": 302, "admin": 302, "dee": 302},
    ),
    # Signing out is POST only.
    "logout": (lambda r: reverse("logout"), dict.fromkeys(PERSONAS, 405)),
    "people:caseload": (lambda r: reverse("people:caseload"), SIGNED_IN_ONLY),
    "people:create": (lambda r: reverse("people:create"), CASELOAD_WORKERS),
    "people:detail": (lambda r: reverse("people:detail", args=[r.person.pk]), NORTH_RECORD),
    "people:edit": (lambda r: reverse("people:edit", args=[r.person.pk]), NORTH_RECORD),
    "people:start_map": (lambda r: reverse("people:start_map", args=[r.person.pk]), NORTH_RECORD),
    "people:compare": (lambda r: reverse("people:compare", args=[r.person.pk]), NORTH_RECORD),
    "maps:detail": (lambda r: reverse("maps:detail", args=[r.draft.pk]), NORTH_RECORD),
    "maps:svg": (lambda r: reverse("maps:svg", args=[r.final.pk]), "svg"),
    "maps:edit": (lambda r: reverse("maps:edit", args=[r.draft.pk]), NORTH_RECORD),
    "maps:finalise": (lambda r: reverse("maps:finalise", args=[r.draft.pk]), NORTH_RECORD),
    "maps:member_add": (lambda r: reverse("maps:member_add", args=[r.draft.pk]), NORTH_RECORD),
    "maps:member_edit": (
        lambda r: reverse("maps:member_edit", args=[r.draft.pk, r.member.pk]),
        NORTH_RECORD,
    ),
    "maps:member_remove": (
        lambda r: reverse("maps:member_remove", args=[r.draft.pk, r.member.pk]),
        NORTH_RECORD,
    ),
    "maps:tie_add": (lambda r: reverse("maps:tie_add", args=[r.draft.pk]), NORTH_RECORD),
    "maps:tie_remove": (
        lambda r: reverse("maps:tie_remove", args=[r.draft.pk, r.tie.pk]),
        NORTH_RECORD,
    ),
}


def _expected_svg() -> dict[str, Any]:
    # While kith.network.drawing is missing, the SVG export is 404 for everyone signed in.
    ok = 200 if optional("kith.network.drawing", "draw_svg") else 404
    return {**NORTH_RECORD, "ana": ok, "lee": ok}


def _all_url_names(patterns: list[Any] | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                # Django's admin site: test_admin_site_is_for_staff_only. The JSON API has
                # its own operation × persona table in kith/maps/tests/test_api.py.
                continue
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _all_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            names.add(prefix + entry.name)
    return names


def test_every_url_is_in_the_table() -> None:
    missing = _all_url_names() - set(TABLE)
    assert not missing, f"add these URL patterns to the access matrix: {sorted(missing)}"
    stale = set(TABLE) - _all_url_names()
    assert not stale, f"these rows name URL patterns that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_matrix(world: World, name: str) -> None:
    records = _records(world)
    url_of, expected = TABLE[name]
    if expected == "svg":
        expected = _expected_svg()
    url = url_of(records)
    for persona in PERSONAS:
        client = Client()
        if persona != "anon":
            client.force_login(world[persona])
        response = client.get(url)
        want = expected[persona]
        if want == LOGIN:
            assert response.status_code == 302, (name, persona, response.status_code)
            assert response["Location"].startswith(reverse("login")), (name, persona)
        else:
            assert response.status_code == want, (name, persona, response.status_code)


WRITES = [
    "people:edit",
    "people:start_map",
    "maps:edit",
    "maps:finalise",
    "maps:member_add",
    "maps:member_edit",
    "maps:member_remove",
    "maps:tie_add",
    "maps:tie_remove",
]


@pytest.mark.parametrize("name", WRITES)
def test_other_teams_cannot_write(world: World, name: str) -> None:
    """A POST from another team, an admin or a directory editor is 404 and changes nothing."""
    records = _records(world)
    url = TABLE[name][0](records)
    before = (records.draft.__class__.objects.get(pk=records.draft.pk).version,)
    for persona in ("ben", "admin", "dee"):
        client = Client()
        client.force_login(world[persona])
        response = client.post(url, {"version": records.draft.version, "label": "X"})
        assert response.status_code == 404, (name, persona)
    anon = Client().post(url, {"version": records.draft.version})
    assert anon.status_code == 302
    after = (records.draft.__class__.objects.get(pk=records.draft.pk).version,)
    assert before == after
    records.person.refresh_from_db()
    assert records.person.display_name == "Casey N."


def test_admin_site_is_for_staff_only(world: World) -> None:
    client = Client()
    assert client.get("/admin/").status_code == 302
    client.force_login(world["ana"])
    assert client.get("/admin/").status_code == 302
    client.force_login(world["admin"])
    assert client.get("/admin/").status_code == 200
