"""What the trail records around the edges (refusals, reads vs writes, cost) and the admin pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.audit.access import events_for_person
from kith.audit.log import record
from kith.audit.models import AuditEvent
from kith.audit.views import PAGE_SIZE

TABLE = AuditEvent._meta.db_table


def _client(world: World, name: str) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="Firefox")
    client.force_login(world[name])
    return client


def _audit_inserts(captured: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("INSERT") and TABLE in q["sql"]
    )


def test_another_teams_record_is_refused_and_audited(world: World) -> None:
    person = make_person(world.north, "Casey")
    the_map = make_map(person, 2)
    ben = _client(world, "ben")
    assert ben.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert ben.get(reverse("maps:detail", args=[the_map.pk])).status_code == 404
    refused = list(AuditEvent.objects.filter(verb="access_refused").order_by("id"))
    assert [(e.object_type, e.object_id, e.person_id) for e in refused] == [
        ("people.person", str(person.pk), person.pk),
        ("maps.map", str(the_map.pk), person.pk),
    ]
    assert all(e.actor_id == world["ben"].pk and e.ip == "203.0.113.5" for e in refused)
    assert not AuditEvent.objects.filter(verb="view").exists()


def test_a_record_that_does_not_exist_is_not_a_refusal(world: World) -> None:
    assert _client(world, "ana").get(reverse("people:detail", args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(verb="access_refused").exists()


def test_a_post_records_the_change_not_a_view(world: World) -> None:
    person = make_person(world.north, "Casey")
    response = _client(world, "ana").post(
        reverse("people:edit", args=[person.pk]),
        {"display_name": "Casey M.", "team": world.north.pk, "status": "open"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    verbs = list(AuditEvent.objects.filter(person_id=person.pk).values_list("verb", "fields"))
    assert ("view" not in [v for v, _ in verbs]) and any(
        v == "update" and "display_name" in f for v, f in verbs
    )


def test_the_map_page_costs_one_insert(world: World) -> None:
    """The map page is benchmarked: its audit is one INSERT, however many members it shows."""
    person = make_person(world.north, "Casey")
    the_map = make_map(person, 12, [("k0", "k1"), ("k1", "k2")])
    client = _client(world, "ana")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("maps:detail", args=[the_map.pk])).status_code == 200
    assert _audit_inserts(captured) == 1
    event = AuditEvent.objects.get(verb="view")
    assert (event.object_type, event.object_id, event.person_id) == (
        "maps.map",
        str(the_map.pk),
        person.pk,
    )


def test_a_member_page_records_member_and_map_in_one_insert(world: World) -> None:
    person = make_person(world.north, "Casey")
    the_map = make_map(person, 2)
    member = the_map.members.get(key="k0")
    client = _client(world, "ana")
    with CaptureQueriesContext(connection) as captured:
        url = reverse("maps:member_edit", args=[the_map.pk, member.pk])
        assert client.get(url).status_code == 200
    assert _audit_inserts(captured) == 1
    shown = set(AuditEvent.objects.filter(verb="view").values_list("object_type", "object_id"))
    assert shown == {("maps.map", str(the_map.pk)), ("maps.mapmember", str(member.pk))}


def test_the_caseload_is_one_list_view_without_a_person(world: World) -> None:
    for name in ("A", "B", "C"):
        make_person(world.north, name)
    assert _client(world, "ana").get(reverse("people:caseload")).status_code == 200
    event = AuditEvent.objects.get(verb="view")
    assert (event.object_type, event.object_id, event.person_id) == ("people.person", "", None)


def test_exports_are_audited(world: World) -> None:
    person = make_person(world.north, "Casey")
    the_map = make_map(person, 3)
    assert _client(world, "ana").get(reverse("maps:svg", args=[the_map.pk])).status_code == 200
    export = AuditEvent.objects.get(verb="export")
    assert (export.object_type, export.object_id, export.person_id, export.fields) == (
        "maps.map",
        str(the_map.pk),
        person.pk,
        ["svg"],
    )


def test_events_for_person_are_newest_first_and_only_theirs(world: World) -> None:
    a, b = make_person(world.north, "A"), make_person(world.north, "B")
    record("view", a)
    record("export", a, fields=["pdf"])
    record("view", b)
    assert [e.verb for e in events_for_person(a.pk)] == ["export", "view", "create"]


def test_record_refuses_an_unknown_verb(db: None) -> None:
    with pytest.raises(ValueError, match="audit verb 'peek'"):
        record("peek", "people.person")


# -- the admin pages ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ana", "lee", "dee"])
def test_only_admins_see_the_audit(world: World, name: str) -> None:
    client = _client(world, name)
    assert client.get(reverse("audit:events")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404


def test_admins_filter_and_page_through_the_trail(world: World) -> None:
    person = make_person(world.north, "Casey")
    for _ in range(PAGE_SIZE + 5):
        record("view", person, user=world["ana"])
    record("update", person, fields=["pronouns"], user=world["sam"])
    client = _client(world, "admin")
    page = client.get(reverse("audit:events"), {"actor": "ana", "verb": "view"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert page.context["page"].paginator.count == PAGE_SIZE + 5
    assert len(page.context["page"].object_list) == PAGE_SIZE
    second = client.get(reverse("audit:events"), {"actor": "ana", "verb": "view", "page": 2})
    assert len(second.context["page"].object_list) == 5
    by_id = client.get(reverse("audit:events"), {"actor": str(world["sam"].pk)})
    assert [e.verb for e in by_id.context["page"].object_list] == ["update"]
    assert "pronouns" in by_id.content.decode()
    today = dt.datetime.now(dt.UTC).date()
    dated = client.get(
        reverse("audit:events"),
        {"person": person.pk, "since": today.isoformat(), "until": today.isoformat()},
    )
    assert dated.context["page"].paginator.count == PAGE_SIZE + 5 + 1 + 1  # + create, update
    before = client.get(reverse("audit:events"), {"until": "2020-01-01"})
    assert before.context["page"].paginator.count == 0
    wrong = client.get(reverse("audit:events"), {"since": "2026-02-01", "until": "2026-01-01"})
    assert "The end date must be on or after the start date." in wrong.content.decode()
    # Looking at the audit is itself audited: one event for each of the six searches above.
    searches = AuditEvent.objects.filter(
        verb="view", object_type="audit.auditevent", actor_id=world["admin"].pk
    )
    assert searches.count() == 6


def test_the_csv_export_defuses_formulas_and_is_audited(world: World) -> None:
    person = make_person(world.north, "Casey")
    record("update", person, reason='=HYPERLINK("http://evil.example")', user=world["ana"])
    client = _client(world, "admin")
    response = client.get(reverse("audit:export"), {"verb": "update"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["at_utc", "actor_id", "actor_name", "verb"]
    assert len(rows) == 2
    assert rows[1][10] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][2] == "ana" and rows[1][6] == str(person.pk)
    export = AuditEvent.objects.get(verb="export")
    assert (export.object_type, export.fields, export.actor_id) == (
        "audit.auditevent",
        ["csv"],
        world["admin"].pk,
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("198.51.100.7", "", "198.51.100.7"),  # no proxy
        ("198.51.100.7", "10.9.9.9", "198.51.100.7"),  # an untrusted peer cannot claim another
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # behind the trusted local proxy
        ("127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own claim ignored
        ("127.0.0.1", "not-an-address", None),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    remote: str, forwarded: str, expected: str | None
) -> None:
    from django.http import HttpRequest

    from kith.audit.log import client_ip

    request = HttpRequest()
    request.META.update(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_row_saved_without_being_read_names_every_field(world: World) -> None:
    """An instance built in code has no "before": its save names every field it writes."""
    from kith.people.models import Person

    person = make_person(world.north, "Casey")
    Person(
        pk=person.pk, team=world.north, display_name="Casey R.", created_at=person.created_at
    ).save()
    update = AuditEvent.objects.filter(verb="update", object_id=str(person.pk)).get()
    assert {"display_name", "team", "status"} <= set(update.fields)
