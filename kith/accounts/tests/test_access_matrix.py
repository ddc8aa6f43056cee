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

from kith.accounts.actions import do_create_api_token
from kith.accounts.testing import World, make_map, make_person
from kith.assets.testing import IDS, sample_report, sample_service, sample_statement
from kith.maps.exports import pdf_problem, png_problem
from kith.maps.models import MapStatus
from kith.plans.testing import plan_records

PERSONAS = ("anon", "ana", "ben", "lee", "admin", "dee")
LOGIN = "account_login"


@dataclass
class Records:
    person: Any
    final: Any
    draft: Any
    member: Any
    tie: Any
    token: Any


def _records(world: World) -> Records:
    person = make_person(world.north, "Casey N.", key_worker=world["ana"])
    members = [
        {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
        {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
    ]
    final = make_map(person, members, [("mum", "gp")], status=MapStatus.FINAL)
    draft = make_map(person, members, [("mum", "gp")], status=MapStatus.DRAFT)
    token, _ = do_create_api_token(world["ana"], name="Matrix", scope="read", days=30)
    return Records(person, final, draft, draft.members.get(key="mum"), draft.ties.get(), token)


# Expected status per persona. "login" = redirect to the login page.
SIGNED_IN_ONLY = {"anon": LOGIN, "ana": 200, "ben": 200, "lee": 200, "admin": 200, "dee": 200}
CASELOAD_WORKERS = {"anon": LOGIN, "ana": 200, "ben": 200, "lee": 200, "admin": 404, "dee": 404}
NORTH_RECORD = {"anon": LOGIN, "ana": 200, "ben": 404, "lee": 200, "admin": 404, "dee": 404}
PUBLIC = dict.fromkeys(PERSONAS, 200)
EDITORS = {"anon": LOGIN, "ana": 404, "ben": 404, "lee": 404, "admin": 200, "dee": 200}
SIGNED_IN_302 = {**dict.fromkeys(PERSONAS, 302), "anon": LOGIN}
SIGNED_IN_404 = {**dict.fromkeys(PERSONAS, 404), "anon": LOGIN}

Url = Callable[[Records], str]
TABLE: dict[str, tuple[Url, dict[str, Any]]] = {
    "healthz": (lambda r: reverse("healthz"), PUBLIC),
    # Sign-in, MFA and API tokens (kith/accounts/urls.py; the persona's own account only).
    "account_login": (
        lambda r: reverse("account_login"),
        {"anon": 200, "ana": 302, "ben": 302, "lee": 302, "admin": 302, "dee": 302},
    ),
    # GET asks "Sign out?"; the POST signs out.
    "account_logout": (lambda r: reverse("account_logout"), SIGNED_IN_ONLY),
    "account_change_password": (lambda r: reverse("account_change_password"), SIGNED_IN_ONLY),
    "account_reauthenticate": (lambda r: reverse("account_reauthenticate"), SIGNED_IN_ONLY),
    "mfa_index": (lambda r: reverse("mfa_index"), SIGNED_IN_ONLY),
    # Only between the password and the code of a sign-in (test_mfa.py); otherwise away (302).
    "mfa_authenticate": (lambda r: reverse("mfa_authenticate"), SIGNED_IN_302),
    # The personas have no authenticator yet: nothing to confirm with (302 to the password
    # form), remove or view (404); setting one up or making codes first asks for the password
    # again (302 to account_reauthenticate).
    "mfa_reauthenticate": (lambda r: reverse("mfa_reauthenticate"), SIGNED_IN_302),
    "mfa_activate_totp": (lambda r: reverse("mfa_activate_totp"), SIGNED_IN_302),
    "mfa_deactivate_totp": (lambda r: reverse("mfa_deactivate_totp"), SIGNED_IN_404),
    "mfa_view_recovery_codes": (lambda r: reverse("mfa_view_recovery_codes"), SIGNED_IN_404),
    "mfa_generate_recovery_codes": (
        lambda r: reverse("mfa_generate_recovery_codes"),
        SIGNED_IN_302,
    ),
    "api_tokens": (lambda r: reverse("api_tokens"), SIGNED_IN_ONLY),
    # Revoking is POST only (kith/accounts/tests/test_tokens.py: owner or admin, else 404).
    "api_token_revoke": (
        lambda r: reverse("api_token_revoke", args=[r.token.pk]),
        {**dict.fromkeys(PERSONAS, 405), "anon": LOGIN},
    ),
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
        # UK GDPR rights on a record (kith/people/gdpr_views.py): team leads of its team only.
        "people:subject_access": (
            lambda r: reverse("people:subject_access", args=[r.person.pk]),
            TEAM_LEAD_ONLY,
        ),
        "people:erase": (lambda r: reverse("people:erase", args=[r.person.pk]), TEAM_LEAD_ONLY),
        # The person's "My connections" PDF: the person's access rules (503 without WeasyPrint).
        "plans:my_connections": (
            lambda r: reverse("plans:my_connections", args=[r.person.pk]),
            "pdf",
        ),
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

# The audit trail (kith.audit): admins only (admin role or superuser); everyone else 404.
ADMINS_ONLY = {"anon": LOGIN, "ana": 404, "ben": 404, "lee": 404, "admin": 200, "dee": 404}
TABLE.update(
    {
        "audit:events": (lambda r: reverse("audit:events"), ADMINS_ONLY),
        "audit:export": (lambda r: reverse("audit:export"), ADMINS_ONLY),
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
            assert response["Location"].startswith(reverse(LOGIN)), (name, persona)
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
    "people:subject_access",
    "people:erase",
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
