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
from kith.assets.testing import IDS, sample_report, sample_service, sample_statement
from kith.maps.exports import pdf_problem, png_problem
from kith.maps.models import MapStatus
from kith.plans.testing import plan_records

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
EDITORS = {"anon": LOGIN, "ana": 404, "ben": 404, "lee": 404, "admin": 200, "dee": 200}

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
    "maps:svg": (lambda r: reverse("maps:svg", args=[r.final.pk]), NORTH_RECORD),
    "maps:pdf": (lambda r: reverse("maps:pdf", args=[r.final.pk]), "pdf"),
    "maps:png": (lambda r: reverse("maps:png", args=[r.final.pk]), "png"),
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
    # The map editor: moving has a page of its own; tie/untie and quick add are POST only.
    "maps:member_move": (
        lambda r: reverse("maps:member_move", args=[r.draft.pk]) + "?key=mum",
        NORTH_RECORD,
    ),
    "maps:tie_toggle": (
        lambda r: reverse("maps:tie_toggle", args=[r.draft.pk]),
        {**dict.fromkeys(PERSONAS, 405), "anon": LOGIN},
    ),
    "maps:quick_add": (
        lambda r: reverse("maps:quick_add", args=[r.draft.pk]),
        {**dict.fromkeys(PERSONAS, 405), "anon": LOGIN},
    ),
    "maps:tie_remove": (
        lambda r: reverse("maps:tie_remove", args=[r.draft.pk, r.tie.pk]),
        NORTH_RECORD,
    ),
    # The community asset directory (kith.assets): any worker searches and reads; editors keep it.
    "assets:search": (lambda r: reverse("assets:search"), SIGNED_IN_ONLY),
    "assets:detail": (
        lambda r: reverse("assets:detail", args=[sample_service().pk]),
        SIGNED_IN_ONLY,
    ),
    "assets:report": (
        lambda r: reverse("assets:report", args=[sample_service().pk]),
        SIGNED_IN_ONLY,
    ),
    "assets:edit": (lambda r: reverse("assets:edit", args=[sample_service().pk]), EDITORS),
    "assets:review": (lambda r: reverse("assets:review"), EDITORS),
    "assets:resolve": (lambda r: reverse("assets:resolve", args=[sample_report().pk]), EDITORS),
    "assets:statements": (lambda r: reverse("assets:statements"), EDITORS),
    "assets:statement_new": (lambda r: reverse("assets:statement_new"), EDITORS),
    "assets:statement_edit": (
        lambda r: reverse("assets:statement_edit", args=[sample_statement().pk]),
        EDITORS,
    ),
    # The member in these records is a person, not a place: nobody may link it (404).
    "assets:link_member": (
        lambda r: reverse("assets:link_member", args=[r.draft.pk, r.member.pk]),
        {**dict.fromkeys(PERSONAS, 404), "anon": LOGIN},
    ),
    "assets:match": (lambda r: reverse("assets:match", args=[r.person.pk]), NORTH_RECORD),
    # The public Open Referral API: no sign-in.
    "openreferral:root": (lambda r: reverse("openreferral:root"), PUBLIC),
    **{
        f"openreferral:{name}": ((lambda n: lambda r: reverse(f"openreferral:{n}"))(name), PUBLIC)
        for name in (
            "services",
            "service_at_locations",
            "organizations",
            "taxonomies",
            "taxonomy_terms",
        )
    },
    **{
        f"openreferral:{entity}": (
            (
                lambda e: (
                    lambda r: (sample_service(), reverse(f"openreferral:{e}", args=[IDS[e]]))[1]
                )
            )(entity),
            PUBLIC,
        )
        for entity in (
            "service",
            "service_at_location",
            "organization",
            "taxonomy",
            "taxonomy_term",
        )
    },
}


# The Connecting People cycle (kith.plans, kith.outcomes); records from kith/plans/testing.py.
TEAM_LEAD_ONLY = {"anon": LOGIN, "ana": 404, "ben": 404, "lee": 200, "admin": 404, "dee": 404}
TABLE.update(
    {
        **{
            f"plans:{name}": (
                (lambda n: lambda r: reverse(f"plans:{n}", args=[r.person.pk]))(name),
                NORTH_RECORD,
            )
            for name in ("plan", "progress", "interest_add", "goal_add", "cycle_start")
        },
        "plans:interest_edit": (
            lambda r: reverse("plans:interest_edit", args=[plan_records(r.person).interest.pk]),
            NORTH_RECORD,
        ),
        "plans:interest_remove": (
            lambda r: reverse("plans:interest_remove", args=[plan_records(r.person).interest.pk]),
            NORTH_RECORD,
        ),
        "plans:goal_edit": (
            lambda r: reverse("plans:goal_edit", args=[plan_records(r.person).goal.pk]),
            NORTH_RECORD,
        ),
        "plans:action_add": (
            lambda r: reverse("plans:action_add", args=[plan_records(r.person).goal.pk]),
            NORTH_RECORD,
        ),
        "plans:action_edit": (
            lambda r: reverse("plans:action_edit", args=[plan_records(r.person).action.pk]),
            NORTH_RECORD,
        ),
        "plans:follow_up_add": (
            lambda r: reverse("plans:follow_up_add", args=[plan_records(r.person).action.pk]),
            NORTH_RECORD,
        ),
        **{
            f"plans:{name}": (
                (lambda n: lambda r: reverse(f"plans:{n}", args=[plan_records(r.person).cycle.pk]))(
                    name
                ),
                NORTH_RECORD,
            )
            for name in ("cycle_advance", "review_start", "review_close")
        },
        "plans:overdue": (lambda r: reverse("plans:overdue"), CASELOAD_WORKERS),
        "plans:fidelity": (lambda r: reverse("plans:fidelity"), CASELOAD_WORKERS),
        "plans:fidelity_add": (lambda r: reverse("plans:fidelity_add"), CASELOAD_WORKERS),
        "plans:team": (lambda r: reverse("plans:team", args=[r.person.team_id]), TEAM_LEAD_ONLY),
        "outcomes:person": (lambda r: reverse("outcomes:person", args=[r.person.pk]), NORTH_RECORD),
        "outcomes:schedule": (
            lambda r: reverse("outcomes:schedule", args=[r.person.pk]),
            NORTH_RECORD,
        ),
        "outcomes:response_add": (
            lambda r: reverse("outcomes:response_add", args=[r.person.pk, "ons4"]),
            NORTH_RECORD,
        ),
        "outcomes:due": (lambda r: reverse("outcomes:due"), CASELOAD_WORKERS),
        "outcomes:response": (
            lambda r: reverse(
                "outcomes:response", args=[plan_records(r.person).signed_response.pk]
            ),
            NORTH_RECORD,
        ),
        "outcomes:edit": (
            lambda r: reverse("outcomes:edit", args=[plan_records(r.person).draft_response.pk]),
            NORTH_RECORD,
        ),
        "outcomes:amend": (
            lambda r: reverse("outcomes:amend", args=[plan_records(r.person).signed_response.pk]),
            NORTH_RECORD,
        ),
        # Signing is POST only.
        "outcomes:sign": (
            lambda r: reverse("outcomes:sign", args=[plan_records(r.person).draft_response.pk]),
            {**dict.fromkeys(PERSONAS, 405), "anon": LOGIN},
        ),
    }
)


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
    if expected in ("pdf", "png"):
        # 200 where the system libraries are installed, 503 (with what to install) where not.
        ok = 503 if (pdf_problem() if expected == "pdf" else png_problem()) else 200
        expected = {**NORTH_RECORD, "ana": ok, "lee": ok}
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
