"""UK GDPR: lawful basis and closure on the record, subject access export, erasure, retention.

The erasure test walks every installed model (``apps.get_models()``), not a list: a model added
later with a foreign key into a person's records is checked without changing this file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kith.accounts.testing import World, make_map, make_person
from kith.assets.models import Service
from kith.assets.testing import sample_service
from kith.audit.log import record
from kith.audit.models import AuditEvent
from kith.instruments import load_builtin
from kith.maps.exports import pdf_problem
from kith.maps.models import MapStatus
from kith.outcomes.actions import do_amend_response, do_set_schedule
from kith.people import gdpr
from kith.people.actions import (
    ErasureRefused,
    do_apply_retention,
    do_erase_person,
    do_update_person,
)
from kith.people.forms import PersonForm
from kith.people.models import Person, Status
from kith.plans.testing import ONS_LONELY, plan_records

NAME = "Robin Quartermaine"  # unusual enough that finding it anywhere means it leaked


def everything(world: World, name: str = NAME, reference: str = "RQ-17") -> Person:
    """A person with one or more of every kind of record Kith keeps about someone."""
    person = make_person(world.north, name, reference=reference, key_worker=world["ana"])
    service = sample_service()
    members = [
        {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
        {"key": "J", "label": "J.", "relationship": "friend", "circle": 2},
        {"key": "walk", "label": "Walking group", "kind": "activity", "circle": 3,
         "asset_id": service.hsds_id},
    ]  # fmt: skip
    final = make_map(person, members, [("mum", "J"), ("J", "walk")], status=MapStatus.FINAL)
    draft = make_map(person, members, [("mum", "walk")], date=dt.date(2026, 4, 1))
    draft.based_on = final
    draft.save()
    records = plan_records(person, world["ana"])
    records.cycle.review_map = final
    records.cycle.save()
    records.action.member_key, records.action.member_label = "J", "J."
    records.action.save()
    do_amend_response(
        world["ana"],
        records.signed_response,
        load_builtin("ons-loneliness"),
        answers={**ONS_LONELY, "lonely": 3},
        reason="Read back to the person; they meant 'some of the time'",
    )
    do_set_schedule(
        world["ana"], person, "ons-loneliness", every_months=3, start_on=dt.date(2026, 1, 1)
    )
    # Django's admin log names the record in object_repr: it must go with the person.
    LogEntry.objects.create(
        user=world["admin"],
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
    )
    return person


# -- an independent walk of every model back to a person -----------------------------------


def _fk_paths(model: type[models.Model], depth: int = 6) -> Iterator[str]:
    """Lookups from ``model`` to people.Person along foreign keys (written apart from gdpr.py)."""
    if depth == 0:
        return
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        target = field.related_model
        if target is Person:
            yield field.name
        elif target is not model and target is not None:
            for rest in _fk_paths(target, depth - 1):
                yield f"{field.name}__{rest}"


def _linked_to(model: type[models.Model], person_id: int) -> list[Any]:
    paths = list(_fk_paths(model))
    if not paths:
        return []
    query = Q()
    for path in paths:
        query |= Q(**{path: person_id})
    return list(model._default_manager.filter(query).values_list("pk", flat=True).distinct())


def _snapshot(person_id: int) -> dict[str, set[str]]:
    """Ids of every row linked to the person, by model label (the person included)."""
    found = {"people.person": {str(person_id)}}
    for model in apps.get_models():
        if model._meta.app_label == "audit":
            continue
        ids = _linked_to(model, person_id)
        if ids:
            found[model._meta.label_lower] = {str(i) for i in ids}
    return found


def _leftovers(before: dict[str, set[str]], person_id: int) -> list[str]:
    """Every trace of the erased rows still in the database, as readable lines."""
    left = []
    by_model_name = {label.split(".")[1]: ids for label, ids in before.items()}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label == "audit":
            continue  # the append-only trail keeps ids, never names (checked separately)
        if label in before and model._default_manager.filter(pk__in=before[label]).exists():
            left.append(f"{label}: rows still there")
        if _linked_to(model, person_id):
            left.append(f"{label}: rows still linked to person {person_id}")
        for field in model._meta.concrete_fields:
            # A plain column keeping an erased row's id (``person_id``, ``map_id``, ``object_id``).
            if field.is_relation or not field.name.endswith("_id"):
                continue
            ids = by_model_name.get(field.name.removesuffix("_id"), set())
            if field.name == "object_id":
                ids = set().union(*before.values())
                ct_field = next(
                    (f for f in model._meta.concrete_fields if f.name == "content_type"), None
                )
                if ct_field is not None:
                    for erased_label, erased_ids in before.items():
                        ct = ContentType.objects.get_for_model(apps.get_model(erased_label))
                        rows = model._default_manager.filter(content_type=ct)
                        if rows.filter(object_id__in=erased_ids).exists():
                            left.append(f"{label}.object_id: points at an erased {erased_label}")
                continue
            if ids and model._default_manager.filter(**{f"{field.name}__in": ids}).exists():
                left.append(f"{label}.{field.name}: keeps an erased id")
    return left


@pytest.mark.django_db
def test_erasure_leaves_nothing_linked_to_the_person(world: World) -> None:
    person = everything(world)
    other = everything(world, "Other Person", "OP-2")
    before = _snapshot(person.pk)
    other_before = _snapshot(other.pk)
    # The fixture really has the records the walk is meant to find.
    for label in ("maps.maptie", "plans.followup", "outcomes.amendment", "outcomes.schedule"):
        assert before.get(label), label

    erasure = do_erase_person(person, world["lee"], f"{NAME} asked for erasure")

    assert _leftovers(before, person.pk) == []
    assert erasure.deleted["maps.mapmember"] == 6  # 3 members on each of the 2 maps
    assert erasure.deleted["maps.maptie"] == 3
    # The other person, the directory and the staff are untouched.
    assert _snapshot(other.pk) == other_before
    assert Service.objects.filter(hsds_id=sample_service().hsds_id).exists()
    assert world["ana"].__class__.objects.filter(pk=world["ana"].pk).exists()
    # The tombstone: one erase event by id, the name taken out of the reason.
    tombstone = AuditEvent.objects.get(verb="erase", person_id=person.pk)
    assert tombstone.object_type == "people.person"
    assert tombstone.object_id == str(person.pk)
    assert tombstone.actor_name == "lee"
    assert tombstone.reason == "[removed] asked for erasure"
    for event in AuditEvent.objects.filter(person_id=person.pk):
        text = " ".join(str(v) for v in (event.reason, event.fields, event.object_id))
        assert NAME.casefold() not in text.casefold()
        assert "RQ-17" not in text


@pytest.mark.django_db
def test_the_erasure_fixture_has_every_model_linked_to_a_person(world: World) -> None:
    """A new model linked to a person: add a row of it to ``everything`` so erasure covers it."""
    person = everything(world)
    linked = {m._meta.label_lower for m in apps.get_models() if list(_fk_paths(m))}
    linked -= {m._meta.label_lower for m in apps.get_app_config("audit").get_models()}
    assert linked - set(_snapshot(person.pk)) == set()
    # gdpr.py's own walk finds the same models.
    assert {x.label for x in gdpr.linked_models()} == linked


@pytest.mark.django_db
def test_legal_hold_blocks_erasure_and_changes_nothing(world: World) -> None:
    person = everything(world)
    person.legal_hold, person.legal_hold_reason = True, "Complaint under investigation"
    person.save()
    before = _snapshot(person.pk)
    with pytest.raises(ErasureRefused, match="legal hold \\(Complaint under investigation\\)"):
        do_erase_person(person, world["lee"], "asked")
    assert _snapshot(person.pk) == before
    assert not AuditEvent.objects.filter(verb="erase").exists()


# -- the erasure page ---------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_team_lead_erases_after_typing_the_reference(world: World) -> None:
    person = everything(world)
    lee = _client(world["lee"])
    url = reverse("people:erase", args=[person.pk])
    page = lee.get(url)
    assert page.status_code == 200
    assert "To confirm, type RQ-17" in page.content.decode()

    wrong = lee.post(url, {"confirm": "RQ-18", "reason": "asked"})
    assert wrong.status_code == 200
    assert "Type RQ-17 exactly to confirm" in wrong.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()

    done = lee.post(url, {"confirm": "rq 17", "reason": "The person asked on 3 March"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("people:caseload")
    assert f"Record {person.pk} and everything linked to it were erased." in done.content.decode()
    assert not Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_erasure_page_shows_the_hold_and_refuses(world: World) -> None:
    person = make_person(world.north, "Casey N.", legal_hold=True, legal_hold_reason="Court case")
    lee = _client(world["lee"])
    url = reverse("people:erase", args=[person.pk])
    assert "This record is on legal hold (Court case)" in lee.get(url).content.decode()
    refused = lee.post(url, {"confirm": "CN", "reason": "asked"})
    assert "cannot be erased" in refused.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_only_team_leads_see_the_rights_links(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    erase_url = reverse("people:erase", args=[person.pk])
    assert erase_url in _client(world["lee"]).get(person.get_absolute_url()).content.decode()
    assert erase_url not in _client(world["ana"]).get(person.get_absolute_url()).content.decode()
    assert _client(world["ana"]).get(erase_url).status_code == 404
    assert (
        _client(world["ana"]).post(erase_url, {"confirm": "CN", "reason": "x"}).status_code == 404
    )
    assert Person.objects.filter(pk=person.pk).exists()


# -- subject access -----------------------------------------------------------------------


def _export(world: World, person: Person, **form: str) -> tuple[Any, zipfile.ZipFile]:
    url = reverse("people:subject_access", args=[person.pk])
    response = _client(world["lee"]).post(url, {"pdf": "on", **form})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(body))


@pytest.mark.django_db
def test_subject_access_export_holds_everything(world: World) -> None:
    person = everything(world)
    # Someone looked at the record: the audit in the export shows it.
    assert _client(world["sam"]).get(person.get_absolute_url()).status_code == 200
    response, archive = _export(world, person)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    assert response["Cache-Control"] == "no-store"
    names = archive.namelist()
    maps = list(person.maps.order_by("date"))
    for m in maps:
        assert f"maps/map-{m.pk}-{m.date:%Y-%m-%d}.svg" in names
    assert {"person.json", "audit.csv", "README.txt"} <= set(names)

    doc = json.loads(archive.read("person.json"))
    assert (doc["format"], doc["version"]) == ("kith-subject-access", 1)
    assert doc["person"]["display_name"] == NAME
    assert doc["person"]["key_worker"] == "Ana"  # workers by name
    assert [len(m["members"]) for m in doc["maps"]] == [3, 3]
    assert {(t["a"], t["b"]) for t in doc["maps"][0]["ties"]} == {("J", "mum"), ("J", "walk")}
    mum = next(m for m in doc["maps"][0]["members"] if m["key"] == "mum")
    assert (mum["label"], mum["relationship_text"], mum["circle"]) == ("Mum", "Family", 1)
    [goal] = doc["goals"]
    assert goal["actions"][0]["member_label"] == "J."
    assert goal["actions"][0]["follow_ups"][0]["barriers"] == ["transport"]
    assert [r["status"] for r in doc["responses"]] == ["draft", "signed"]
    signed = doc["responses"][1]
    assert signed["answers"]["lonely"] == 3
    assert signed["total"] is not None
    assert signed["amendments"][0]["before"]["answers"]["lonely"] == 4
    assert doc["interests"][0]["text"] == "I would like to be outdoors"
    assert doc["cycles"][0]["review_map"] == maps[0].pk
    assert doc["schedules"][0]["every_months"] == 3
    assert doc["other_records"] == {}

    audit = list(csv.DictReader(io.StringIO(archive.read("audit.csv").decode())))
    whats = {(row["who"], row["what"]) for row in audit}
    assert ("sam", "View") in whats
    assert ("lee", "Subject access export") in whats
    assert AuditEvent.objects.filter(verb="subject_access", person_id=person.pk).count() == 1

    readme = archive.read("README.txt").decode()
    assert f"record number {person.pk} (reference RQ-17)" in readme
    if pdf_problem() is None:
        assert f"maps/map-{maps[0].pk}-{maps[0].date:%Y-%m-%d}.pdf" in names
        assert (
            archive.read(names[names.index(f"maps/map-{maps[0].pk}-{maps[0].date:%Y-%m-%d}.pdf")])[
                :5
            ]
            == b"%PDF-"
        )
    else:
        assert pdf_problem() in readme


@pytest.mark.django_db
def test_subject_access_without_pdf_libraries_says_so(world: World, monkeypatch) -> None:
    # WeasyPrint's Pango cannot be uninstalled for one test: the check that finds it is replaced.
    problem = "PDF export needs the Pango text libraries, which are not installed on this server."
    monkeypatch.setattr("kith.maps.exports.pdf_problem", lambda: problem)
    person = everything(world)
    _, archive = _export(world, person)
    assert not [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len([n for n in archive.namelist() if n.endswith(".svg")]) == 2
    assert (
        f"The maps are here as SVG drawings only, not PDF. {problem}"
        in archive.read("README.txt").decode()
    )


@pytest.mark.django_db
def test_subject_access_without_printouts_when_the_box_is_unticked(world: World) -> None:
    person = everything(world)
    response = _client(world["lee"]).post(reverse("people:subject_access", args=[person.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert not [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len([n for n in archive.namelist() if n.endswith(".svg")]) == 2
    assert "The printouts were left out when it was made." in archive.read("README.txt").decode()


@pytest.mark.django_db
def test_subject_access_is_for_team_leads_and_get_changes_nothing(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    url = reverse("people:subject_access", args=[person.pk])
    assert _client(world["ana"]).post(url).status_code == 404
    page = _client(world["lee"]).get(url).content.decode()
    assert "Download the export (zip)" in page
    assert "0 maps. Printouts take a few seconds each" in page
    assert not AuditEvent.objects.filter(verb="subject_access").exists()


@pytest.mark.django_db
def test_audit_csv_neutralises_formulas(world: World) -> None:
    """A reason typed as a spreadsheet formula is written as text (CSV injection, OWASP)."""
    person = make_person(world.north, "Casey N.")
    record("view", person, reason='=HYPERLINK("http://evil.example","x")', user=world["lee"])
    record("view", person, reason="plain words", user=world["lee"])
    rows = list(csv.reader(io.StringIO(gdpr.audit_csv(person.pk))))
    reasons = [row[-1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","x")' in reasons
    assert "plain words" in reasons


# -- lawful basis, closure and legal hold on the record -------------------------------------


@pytest.mark.django_db
def test_closing_a_case_dates_it_and_reopening_clears_it(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    do_update_person(world["ana"], person, status=Status.CLOSED)
    assert person.closed_on == timezone.localdate()
    do_update_person(world["ana"], person, pronouns="they/them")
    assert person.closed_on == timezone.localdate()
    do_update_person(world["ana"], person, status=Status.OPEN)
    assert person.closed_on is None


def _form_data(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "display_name": person.display_name,
        "team": person.team_id,
        "status": person.status,
        "lawful_basis": "public_task",
        "special_category_condition": "health_social_care",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_edit_form_records_lawful_basis_and_hold(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    ana = _client(world["ana"])
    url = reverse("people:edit", args=[person.pk])
    missing = ana.post(url, _form_data(person, legal_hold="on"))
    assert "Say why the record is on legal hold" in missing.content.decode()
    ana.post(url, _form_data(person, legal_hold="on", legal_hold_reason="Complaint"))
    person.refresh_from_db()
    assert (person.lawful_basis, person.special_category_condition) == (
        "public_task",
        "health_social_care",
    )
    assert (person.legal_hold, person.legal_hold_reason) == (True, "Complaint")
    page = ana.get(person.get_absolute_url()).content.decode()
    assert "Public task — Art. 6(1)(e)" in page
    assert "Health or social care — Art. 9(2)(h)" in page
    assert "On hold</strong> Complaint" in page


@pytest.mark.django_db
def test_only_a_team_lead_lifts_a_legal_hold(world: World) -> None:
    person = make_person(world.north, "Casey N.", legal_hold=True, legal_hold_reason="Complaint")
    url = reverse("people:edit", args=[person.pk])
    _client(world["ana"]).post(url, _form_data(person))  # the box unticked
    person.refresh_from_db()
    assert person.legal_hold
    assert not PersonForm(instance=person, user=world["ana"]).can_lift_hold
    _client(world["lee"]).post(url, _form_data(person))
    person.refresh_from_db()
    assert (person.legal_hold, person.legal_hold_reason) == (False, "")


# -- retention ------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 30)  # fixed, so the dates below are hand-counted from it


def _closed(world: World, name: str, closed_on: dt.date, **fields: Any) -> Person:
    return make_person(world.north, name, status=Status.CLOSED, closed_on=closed_on, **fields)


@pytest.fixture
def closures(world: World, settings: Any) -> dict[str, Person]:
    settings.KITH_RETENTION_YEARS = 8  # cutoff: 30 June 2018
    people = {
        "due": _closed(world, "Alex Due", dt.date(2018, 6, 30), reference="D-1"),
        "long": _closed(world, "Bo Long", dt.date(2011, 1, 5)),
        "recent": _closed(world, "Cy Recent", dt.date(2018, 7, 1), reference="R-1"),
        "held": _closed(
            world, "Di Held", dt.date(2015, 3, 1), legal_hold=True, legal_hold_reason="Inquest"
        ),
        "open": make_person(world.north, "Ed Open", closed_on=dt.date(2010, 1, 1)),
    }
    make_map(people["due"], 2, [("k0", "k1")])
    return people


@pytest.mark.django_db
def test_retention_dry_run_lists_and_changes_nothing(closures: dict[str, Person]) -> None:
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    due, long, held = closures["due"].pk, closures["long"].pk, closures["held"].pk
    assert text.splitlines() == [
        "Cases closed on or before 2018-06-30:",
        f"  record {long}, closed 2011-01-05: would be erased",
        f"  record {due} (reference D-1), closed 2018-06-30: would be erased",
        f"  record {held}, closed 2015-03-01: kept (legal hold)",
        "2 would be erased, 1 kept on legal hold (dry run: nothing changed)",
    ]
    assert not any(p.display_name in text for p in closures.values())
    assert Person.objects.count() == 5
    assert not AuditEvent.objects.filter(verb="retention_delete").exists()


@pytest.mark.django_db
def test_retention_erases_and_audits(closures: dict[str, Person]) -> None:
    out = io.StringIO()
    call_command("apply_retention", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue().splitlines()[-1] == "2 erased, 1 kept on legal hold"
    gone = {closures["due"].pk, closures["long"].pk}
    assert (
        set(Person.objects.values_list("pk", flat=True)) == {p.pk for p in closures.values()} - gone
    )
    events = AuditEvent.objects.filter(verb="retention_delete")
    assert set(events.values_list("person_id", flat=True)) == gone
    assert events.get(person_id=closures["due"].pk).reason == (
        "retention: closed 2018-06-30, kept 8 years"
    )
    # A second run finds nothing more to do.
    again = do_apply_retention(TODAY, dry_run=False)
    assert (again.due, [h[0] for h in again.held]) == ([], [closures["held"].pk])


@pytest.mark.django_db
def test_retention_years_come_from_the_setting(closures: dict[str, Person], settings: Any) -> None:
    settings.KITH_RETENTION_YEARS = 20  # cutoff 30 June 2006: nothing closed that long ago
    assert do_apply_retention(TODAY, dry_run=True).due == []
    assert gdpr.retention_cutoff(dt.date(2028, 2, 29), 7) == dt.date(2021, 2, 28)
