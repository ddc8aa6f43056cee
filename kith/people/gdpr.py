"""UK GDPR for people's records: what is linked to a person, the subject access export, retention.

**What is linked to a person** is found, not listed: :func:`linked_models` walks every installed
model's foreign keys back to :class:`~kith.people.models.Person` (a map member is linked through
its map, a follow-up through its action and goal). A model added later with a foreign key into
that graph is exported by a subject access request and erased with the person without anyone
touching this file. The audit trail is the one deliberate exception (:data:`KEPT_APPS`): it keeps
who did what to the record, by person id, never names or values.

**Subject access export** (:func:`write_subject_access_zip`): one zip with ``person.json``
(everything held, format :data:`SAR_FORMAT` version :data:`SAR_VERSION`, described in
``README.txt`` and docs/security.md), every map as SVG and PDF, and ``audit.csv``.

**Retention** (:func:`due_for_retention`): a closed case is erased
``settings.KITH_RETENTION_YEARS`` years after its closure date, unless it is on legal hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from kith.formats.csv_safe import safe_row
from kith.people.models import Person, Status

#: Apps whose rows stay when a person is erased: the append-only audit trail (its rows name the
#: person only by id, and an "erase" event is the pseudonymised tombstone).
KEPT_APPS = frozenset({"audit"})

#: Longest chain of foreign keys followed back to a person (member → map → person is 2).
MAX_DEPTH = 6

SAR_FORMAT = "kith-subject-access"
SAR_VERSION = 1


# -- what is linked to a person ------------------------------------------------------------


@dataclass(frozen=True)
class Linked:
    """A model with rows that belong to a person, and the lookups that lead to the person."""

    model: type[models.Model]
    paths: tuple[str, ...]  # e.g. ("map__person", "a__map__person")

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    def filter(self, person_id: int) -> QuerySet[Any]:
        """The rows linked to the person (may repeat a row reached by two paths; deletable)."""
        query = Q()
        for path in self.paths:
            query |= Q(**{path: person_id})
        return self.model._default_manager.filter(query)

    def rows_of(self, person_id: int) -> QuerySet[Any]:
        return self.filter(person_id).distinct()


def _foreign_keys(model: type[models.Model]) -> Iterator[models.ForeignKey[Any, Any]]:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            yield field


@functools.cache
def linked_models() -> tuple[Linked, ...]:
    """Every model (but the audit's) with a foreign-key path to a person, nearest first.

    Paths run from the model to ``Person``; a model reached along several (a tie through its
    map and through each member) keeps them all, so a row is found whichever link it keeps.
    """
    paths: dict[type[models.Model], list[str]] = {}
    frontier: list[tuple[type[models.Model], str, tuple[type[models.Model], ...]]] = [
        (Person, "", (Person,))
    ]
    every_model = [m for m in apps.get_models() if m._meta.app_label not in KEPT_APPS]
    for _ in range(MAX_DEPTH):
        reached = []
        for target, suffix, seen in frontier:
            for model in every_model:
                if model in seen or model is Person:
                    continue
                for field in _foreign_keys(model):
                    if field.related_model is not target:
                        continue
                    path = f"{field.name}__{suffix}" if suffix else field.name
                    paths.setdefault(model, []).append(path)
                    reached.append((model, path, (*seen, model)))
        frontier = reached
    depth = {model: min(p.count("__") for p in found) for model, found in paths.items()}
    return tuple(
        Linked(model, tuple(sorted(set(found), key=lambda p: (p.count("__"), p))))
        for model, found in sorted(
            paths.items(), key=lambda item: (depth[item[0]], item[0]._meta.label)
        )
    )


def linked_rows(person: Person) -> dict[str, list[Any]]:
    """The primary keys of every row linked to ``person``, by model label (empty ones left out)."""
    found = {}
    for linked in linked_models():
        ids = sorted(linked.rows_of(person.pk).values_list("pk", flat=True))
        if ids:
            found[linked.label] = ids
    return found


def generic_references() -> list[tuple[type[models.Model], str, str]]:
    """(model, content type field, object id field) of models that can point at any row.

    Declared generic foreign keys, and the same pair kept without one (Django's admin log has
    ``content_type`` and ``object_id`` but no ``GenericForeignKey``).
    """
    from django.contrib.contenttypes.models import ContentType

    found = []
    for model in apps.get_models():
        if model._meta.app_label in KEPT_APPS:
            continue
        pairs = {
            (f.ct_field, f.fk_field)
            for f in model._meta.private_fields
            if isinstance(f, GenericForeignKey)
        }
        names = {f.name for f in model._meta.concrete_fields}
        pairs |= {
            (f.name, "object_id")
            for f in _foreign_keys(model)
            if f.related_model is ContentType and "object_id" in names
        }
        found += [(model, ct_field, id_field) for ct_field, id_field in sorted(pairs)]
    return found


# -- the subject access export -------------------------------------------------------------


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(obj, field.attname)
    if field.is_relation and field.related_model is not None:
        if field.related_model is apps.get_model(settings.AUTH_USER_MODEL):
            # The person may know which worker recorded what: the name, not the account id.
            user = getattr(obj, field.name)
            return user.display_name if user is not None else None
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def record_dict(obj: models.Model, *, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """Every stored column of ``obj`` (users by name, other links by id), as JSON values."""
    skip = set(leave_out)
    return {
        field.name: _value(obj, field)
        for field in obj._meta.concrete_fields
        if field.name not in skip
    }


def _with_choices(obj: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Add the words of coded values (``status_text`` beside ``status``) so the file reads plainly."""
    for field in obj._meta.concrete_fields:
        if field.choices and data.get(field.name) not in (None, ""):
            data[f"{field.name}_text"] = str(getattr(obj, f"get_{field.name}_display")())
    return data


def person_document(person: Person, *, generated_at: dt.datetime | None = None) -> dict[str, Any]:
    """Everything Kith holds about ``person``, as one JSON-ready document (see README.txt)."""
    from kith.maps.models import Map
    from kith.outcomes.models import Response, Schedule
    from kith.plans.models import Cycle, Goal, Interest

    maps = []
    for the_map in Map.objects.filter(person=person).order_by("date", "id"):
        members = list(the_map.members.order_by("key"))
        maps.append(
            {
                **_with_choices(the_map, record_dict(the_map, leave_out=["person"])),
                "members": [_with_choices(m, record_dict(m, leave_out=["map"])) for m in members],
                "ties": [
                    {"id": t.pk, "a": t.a.key, "b": t.b.key, "weight": t.weight}
                    for t in the_map.ties.select_related("a", "b").order_by("id")
                ],
            }
        )
    goals = []
    for goal in Goal.objects.filter(person=person).order_by("created_at", "id"):
        actions = []
        for action in goal.actions.order_by("id"):
            actions.append(
                {
                    **_with_choices(action, record_dict(action, leave_out=["goal"])),
                    "follow_ups": [
                        _with_choices(f, record_dict(f, leave_out=["action"]))
                        for f in action.follow_ups.order_by("date", "id")
                    ],
                }
            )
        goals.append(
            {**_with_choices(goal, record_dict(goal, leave_out=["person"])), "actions": actions}
        )
    responses = [
        {
            **_with_choices(r, record_dict(r, leave_out=["person"])),
            "amendments": [
                record_dict(a, leave_out=["response"]) for a in r.amendments.order_by("id")
            ],
        }
        for r in Response.objects.filter(person=person).order_by("date", "id")
    ]

    def plain(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
        return [_with_choices(o, record_dict(o, leave_out=["person"])) for o in queryset]

    document: dict[str, Any] = {
        "format": SAR_FORMAT,
        "version": SAR_VERSION,
        "generated_at": (generated_at or timezone.now()).isoformat(),
        "person": {
            **_with_choices(person, record_dict(person)),
            "team": person.team.name,
        },
        "maps": maps,
        "interests": plain(Interest.objects.filter(person=person).order_by("position", "id")),
        "goals": goals,
        "cycles": plain(Cycle.objects.filter(person=person).order_by("number")),
        "responses": responses,
        "schedules": plain(Schedule.objects.filter(person=person).order_by("instrument_id")),
    }
    # Anything else linked to the person (a model added after this was written) still goes in.
    covered = {
        "maps.map", "maps.mapmember", "maps.maptie", "plans.goal", "plans.action",
        "plans.followup", "plans.interest", "plans.cycle", "outcomes.response",
        "outcomes.amendment", "outcomes.schedule",
    }  # fmt: skip
    other = {
        linked.label: [record_dict(o) for o in linked.rows_of(person.pk).order_by("pk")]
        for linked in linked_models()
        if linked.label not in covered
    }
    document["other_records"] = {label: rows for label, rows in other.items() if rows}
    return document


README = """\
Subject access export from Kith
===============================

Made on {generated} for record number {person_id}{reference}.

What is in this file
--------------------
person.json   Everything Kith holds about the person (format "{format}", version {version}):
              "person"     the record itself: names, consent, lawful basis, status, dates;
              "maps"       every network map, each with its "members" (who and what is on
                           the map, their circle, contact, support and the person's wishes)
                           and "ties" (which members know each other, by member key);
              "interests"  what matters to the person, in their words;
              "goals"      agreed goals, each with its "actions" (steps) and their
                           "follow_ups";
              "cycles"     the rounds of assess, plan, support and review;
              "responses"  completed questionnaires with answers and scores, each with its
                           "amendments" (changes after signing, with the reason);
              "schedules"  when questionnaires are due again;
              "other_records"  anything else linked to the person, by type.
              Coded values have their words beside them ("status": "open",
              "status_text": "Open"); workers are named, other links are record numbers.
maps/         Each map as a drawing: map-<number>-<date>.svg and, where this server can
              make them, the one-page printout map-<number>-<date>.pdf.
audit.csv     Who looked at or changed the record, and when (UTC), from the audit trail.
{notes}"""


def audit_csv(person_id: int) -> str:
    """The audit trail of one person as CSV (field names only, never values)."""
    from kith.audit.access import events_for_person

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "who", "what", "record_type", "record_id", "fields", "reason"])
    for event in events_for_person(person_id).order_by("at", "id"):
        writer.writerow(
            safe_row(
                (
                    event.at.astimezone(dt.UTC).isoformat(),
                    event.actor_name,
                    event.get_verb_display(),
                    event.object_type,
                    event.object_id,
                    " ".join(event.fields or ()),
                    event.reason,
                )
            )
        )
    return out.getvalue()


def write_subject_access_zip(person: Person, out: IO[bytes], *, pdf: bool = True) -> list[str]:
    """Write the subject access zip of ``person`` to ``out``; return the names in it.

    ``pdf=False`` leaves the printouts out (they take most of the time for many maps).

    Maps whose drawing or printout cannot be made here are listed in README.txt, not fatal:
    the data is in person.json whatever happens to the pictures.
    """
    from kith.maps.drawing import map_drawing
    from kith.maps.exports import ExportUnavailable, filename, map_pdf_bytes, pdf_problem
    from kith.maps.models import Map
    from kith.network import NetworkError

    generated = timezone.now()
    notes: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = person_document(person, generated_at=generated)
        archive.writestr(
            "person.json", json.dumps(document, indent=2, ensure_ascii=False, default=str)
        )
        no_pdf = pdf_problem() if pdf else "The printouts were left out when it was made."
        if no_pdf:
            notes.append(f"The maps are here as SVG drawings only, not PDF. {no_pdf}")
        for the_map in Map.objects.filter(person=person).order_by("date", "id"):
            try:
                net = the_map.to_network()
                svg = map_drawing(the_map, net, title=f"Network map of {the_map.date:%d %B %Y}")
                archive.writestr(f"maps/{filename(the_map, 'svg')}", svg)
                if not no_pdf:
                    archive.writestr(f"maps/{filename(the_map, 'pdf')}", map_pdf_bytes(the_map))
            except (NetworkError, ExportUnavailable) as error:
                notes.append(
                    f"Map {the_map.pk} of {the_map.date:%Y-%m-%d} could not be drawn "
                    f"({type(error).__name__}); its contents are in person.json."
                )
        archive.writestr("audit.csv", audit_csv(person.pk))
        archive.writestr(
            "README.txt",
            README.format(
                generated=f"{generated:%d %B %Y %H:%M} UTC",
                person_id=person.pk,
                reference=f" (reference {person.reference})" if person.reference else "",
                format=SAR_FORMAT,
                version=SAR_VERSION,
                notes=("\nNotes\n-----\n" + "\n".join(notes) + "\n") if notes else "",
            ),
        )
        return archive.namelist()


def subject_access_filename(person: Person, today: dt.date | None = None) -> str:
    """``subject-access-<id>-<date>.zip``: the record number, never a name."""
    return f"subject-access-{person.pk}-{(today or timezone.localdate()):%Y-%m-%d}.zip"


# -- retention ----------------------------------------------------------------------------


def retention_cutoff(today: dt.date, years: int | None = None) -> dt.date:
    """Cases closed on or before this date have been kept long enough (29 February → 28th)."""
    years = settings.KITH_RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def due_for_retention(today: dt.date, years: int | None = None) -> QuerySet[Person]:
    """Closed cases past the retention period (legal holds included: the caller reports them)."""
    return Person.objects.filter(
        status=Status.CLOSED,
        closed_on__isnull=False,
        closed_on__lte=retention_cutoff(today, years),
    ).order_by("closed_on", "id")
