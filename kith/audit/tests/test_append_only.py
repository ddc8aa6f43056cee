"""The audit table is append-only: PostgreSQL refuses changes; the app never tries on any database."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World
from kith.audit.context import acting_as
from kith.audit.log import record
from kith.audit.models import AuditEvent
from kith.maps import actions as map_actions
from kith.people import actions as people_actions
from kith.people.models import Status
from kith.plans import actions as plan_actions

TABLE = AuditEvent._meta.db_table
WRITES_TO_AUDIT = re.compile(
    rf'^\s*(UPDATE|DELETE\s+FROM|TRUNCATE)\b[^;]*\b"?{TABLE}"?', re.IGNORECASE
)


@pytest.fixture
def event(db: None) -> AuditEvent:
    record("view", "people.person", object_id=1, person_id=1)
    return AuditEvent.objects.get()


def _refused(sql: str) -> str:
    """Run ``sql`` in a savepoint; return the database's refusal (fails if it was accepted)."""
    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(refusal.value)


def test_postgresql_refuses_update_delete_and_truncate(event: AuditEvent) -> None:
    """On PostgreSQL the trigger of migration 0002 refuses them, even in raw SQL and the ORM.

    (On SQLite the migration installs nothing: see the workflow test below for that side.)
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchone()[0] == 0
        return
    assert "append-only" in _refused(f"UPDATE {TABLE} SET verb = 'delete' WHERE id = {event.pk}")
    assert "append-only" in _refused(f"DELETE FROM {TABLE} WHERE id = {event.pk}")
    assert "append-only" in _refused(f"TRUNCATE {TABLE}")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.reason = "tampered"
        event.save()
    AuditEvent.objects.create(verb="view", object_type="people.person")  # inserts still work
    assert AuditEvent.objects.filter(reason="tampered").count() == 0
    assert AuditEvent.objects.count() == 2


@pytest.fixture
def sqlite_guard(db: None) -> Iterator[None]:
    """On SQLite, a trigger (tests only) that fails any UPDATE or DELETE of an audit row."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        for op in ("UPDATE", "DELETE"):
            cursor.execute(
                f"CREATE TEMP TRIGGER audit_test_no_{op.lower()} BEFORE {op} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, 'audit row {op} attempted'); END"
            )
    yield
    with connection.cursor() as cursor:
        for op in ("update", "delete"):
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_test_no_{op}")


def test_sqlite_guard_works(event: AuditEvent, sqlite_guard: None) -> None:
    """The guard the workflow test relies on really stops a change (so its silence means it)."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's own trigger is tested above.
    assert "attempted" in _refused(f"DELETE FROM {TABLE}")


def test_a_full_workflow_never_updates_or_deletes_audit_rows(
    world: World, sqlite_guard: None
) -> None:
    """Create, edit, remove, view, export, erase and apply retention to records: every SQL
    statement is captured and none changes or deletes an audit row (and the guard saw none)."""
    ana, lee, admin = world["ana"], world["lee"], world["admin"]
    client = Client()
    client.force_login(ana)
    with CaptureQueriesContext(connection) as captured:
        with acting_as(ana):
            person = people_actions.do_create_person(ana, team=world.north, display_name="Jo")
            the_map = map_actions.do_create_map(ana, person, dt.date(2026, 1, 5))
            mum = map_actions.do_add_member(ana, the_map, {"label": "Mum", "circle": 1})
            park = map_actions.do_add_member(ana, the_map, {"label": "Park", "kind": "place"})
            map_actions.do_add_tie(ana, the_map, mum.key, park.key)
            map_actions.do_update_member(ana, mum, {"circle": 2})
            map_actions.do_remove_member(ana, park)
            map_actions.do_finalise_map(ana, the_map)
            map_actions.do_create_map(ana, person, dt.date(2026, 4, 5))  # a review: bulk copy
            goal = plan_actions.do_create_goal(ana, person, wording="Walk", owner="person")
            plan_actions.do_update_goal(ana, goal, wording="Walk more")
            interest = plan_actions.do_add_interest(ana, person, "Music", [])
            plan_actions.do_remove_interest(ana, interest)
            people_actions.do_update_person(ana, person, pronouns="she")
        for url in (
            reverse("people:caseload"),
            reverse("people:detail", args=[person.pk]),
            reverse("maps:detail", args=[the_map.pk]),
            reverse("maps:svg", args=[the_map.pk]),
            f"/api/v1/people/{person.pk}",
        ):
            assert client.get(url).status_code == 200
        client.force_login(world["ben"])
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
        with acting_as(lee):
            people_actions.do_export_subject_access(lee, person, io.BytesIO())
            people_actions.do_erase_person(person, lee, "Asked to be forgotten")
            closed = people_actions.do_create_person(
                lee, team=world.north, display_name="Old", status=Status.CLOSED
            )
        # Closed long ago (set directly: the app dates a closure today).
        type(closed).objects.filter(pk=closed.pk).update(closed_on=dt.date(2000, 1, 1))
        people_actions.do_apply_retention(dt.date(2026, 6, 1), dry_run=False)
        client.force_login(admin)
        assert client.get(reverse("audit:events"), {"verb": "delete"}).status_code == 200
        export = client.get(reverse("audit:export"))
        assert export.status_code == 200
        b"".join(export.streaming_content)  # type: ignore[attr-defined]
    offending = [q["sql"] for q in captured.captured_queries if WRITES_TO_AUDIT.search(q["sql"])]
    assert offending == []
    inserts = [q for q in captured.captured_queries if f"INSERT INTO {TABLE}" in q["sql"]]
    inserts += [q for q in captured.captured_queries if f'INSERT INTO "{TABLE}"' in q["sql"]]
    assert inserts, "the workflow must have written audit rows for the check to mean anything"
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"create", "update", "delete", "view", "export", "access_refused", "erase"} <= verbs
    assert {"subject_access", "retention_delete"} <= verbs
