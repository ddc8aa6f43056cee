"""Writes to people (each in one transaction)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from kith.audit.log import record
from kith.people import gdpr
from kith.people.models import Person, Status

if TYPE_CHECKING:
    from kith.accounts.models import User

PERSON_FIELDS = (
    "display_name",
    "reference",
    "birth_year",
    "pronouns",
    "team",
    "key_worker",
    "status",
    "consent_date",
    "consent_by",
    "consent_how",
    "consent_withdrawn_on",
    "lawful_basis",
    "special_category_condition",
    "legal_hold",
    "legal_hold_reason",
    "next_review",
)


def _note_closure(person: Person, status_before: str | None) -> None:
    """``closed_on`` follows the status: today when a case closes, cleared when it reopens."""
    if person.status == Status.CLOSED and status_before != Status.CLOSED:
        person.closed_on = timezone.localdate()
    elif person.status != Status.CLOSED:
        person.closed_on = None


@transaction.atomic
def do_create_person(user: User, **fields: Any) -> Person:
    """Create a person on one of ``user``'s teams (the form has already checked the team)."""
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    if person.consent_date is not None:
        person.consent_recorded_by = user
    _note_closure(person, None)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def do_update_person(user: User, person: Person, **fields: Any) -> Person:
    """Change a person's details; recording consent notes who recorded it."""
    consent_before, status_before = Person.objects.filter(pk=person.pk).values_list(
        "consent_date", "status"
    ).first() or (None, None)
    for name, value in fields.items():
        if name in PERSON_FIELDS:
            setattr(person, name, value)
    if person.consent_date != consent_before:
        person.consent_recorded_by = user if person.consent_date else None
    _note_closure(person, status_before)
    if not person.legal_hold:
        person.legal_hold_reason = ""
    person.full_clean()
    person.save()
    return person


# -- UK GDPR: subject access, erasure, retention (kith/people/gdpr.py; docs/security.md) -------


@transaction.atomic
def do_export_subject_access(
    user: User, person: Person, out: IO[bytes], *, pdf: bool = True
) -> list[str]:
    """Write the person's subject access zip to ``out`` and audit it; return the names in it.

    The "subject_access" event is recorded first, so the audit.csv in the zip shows this
    export too.
    """
    record("subject_access", person, person_id=person.pk, user=user)
    return gdpr.write_subject_access_zip(person, out, pdf=pdf)


class ErasureRefused(Exception):
    """The person cannot be erased (legal hold); the message says why and what to do."""


@dataclass
class Erasure:
    person_id: int
    #: Rows deleted, by model label (``maps.mapmember``: 12), the person included.
    deleted: dict[str, int] = field(default_factory=dict)


def _without_names(reason: str, person: Person) -> str:
    """The reason as typed, with the person's name and reference taken out (it outlives them)."""
    for text in (person.display_name, person.reference):
        if text.strip():
            reason = re.sub(re.escape(text.strip()), "[removed]", reason, flags=re.IGNORECASE)
    return reason


#: Ids per ``IN (…)`` list: well under SQLite's limit on query parameters.
CHUNK = 500


def _chunks(ids: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@transaction.atomic
def do_erase_person(
    person: Person, by: User | None, reason: str, *, verb: str = "erase"
) -> Erasure:
    """Delete ``person`` and everything linked to them, in one transaction.

    Refused (:class:`ErasureRefused`, nothing changed) while the record is on legal hold. What
    is linked is found by :func:`kith.people.gdpr.linked_models` (every foreign-key path back to
    the person), so rows that would only be unlinked (``SET_NULL``) are deleted too; rows that
    point at any of them through a content type (the admin's log) go as well. The audit keeps
    one ``verb`` event naming the person by id only: the tombstone.
    """
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise ErasureRefused("This record has already been erased.")
    if locked.legal_hold:
        raise ErasureRefused(
            "This record is on legal hold"
            + (f" ({locked.legal_hold_reason})" if locked.legal_hold_reason else "")
            + ", so it cannot be erased. A team lead must clear the hold first."
        )
    person_id = locked.pk
    # Every linked row's id, found before anything is deleted: deleting a parent could unlink
    # (SET_NULL) a child that would then no longer be found through it.
    rows = gdpr.linked_rows(locked)
    rows[Person._meta.label_lower] = [person_id]
    for model, ct_field, id_field in gdpr.generic_references():
        object_id = model._meta.get_field(id_field)
        for label, ids in rows.items():
            content_type = ContentType.objects.get_for_model(apps.get_model(label))
            for chunk in _chunks([object_id.to_python(i) for i in ids]):
                model._default_manager.filter(
                    **{ct_field: content_type, f"{id_field}__in": chunk}
                ).delete()
    erasure = Erasure(person_id, {label: len(ids) for label, ids in rows.items()})
    # Furthest from the person first, so a PROTECT foreign key between two of them never blocks.
    for linked in reversed(gdpr.linked_models()):
        for chunk in _chunks(rows.get(linked.label, [])):
            linked.model._default_manager.filter(pk__in=chunk).delete()
    Person.objects.filter(pk=person_id).delete()
    record(
        verb,
        "people.person",
        object_id=person_id,
        person_id=person_id,
        reason=_without_names(reason, locked)[:500],
        user=by,
    )
    return erasure


RETENTION_REASON = "retention"


@dataclass
class RetentionRun:
    cutoff: dt.date
    #: (person id, reference, closed on) of each record erased (or, in a dry run, due to go).
    due: list[tuple[int, str, dt.date]] = field(default_factory=list)
    #: The same for records past the period but kept because of a legal hold.
    held: list[tuple[int, str, dt.date]] = field(default_factory=list)


def do_apply_retention(today: dt.date, *, dry_run: bool, years: int | None = None) -> RetentionRun:
    """Erase closed cases kept longer than ``KITH_RETENTION_YEARS`` (legal holds skipped).

    Each record is erased in its own transaction (:func:`do_erase_person`, audited as
    "retention_delete"); a hold placed while the run goes is honoured and reported.
    """
    kept_years = settings.KITH_RETENTION_YEARS if years is None else years
    run = RetentionRun(gdpr.retention_cutoff(today, kept_years))
    for person in gdpr.due_for_retention(today, kept_years):
        assert person.closed_on is not None  # due_for_retention filters on it
        line = (person.pk, person.reference, person.closed_on)
        if person.legal_hold:
            run.held.append(line)
            continue
        if not dry_run:
            reason = (
                f"{RETENTION_REASON}: closed {person.closed_on:%Y-%m-%d}, kept {kept_years} years"
            )
            try:
                do_erase_person(person, None, reason, verb="retention_delete")
            except ErasureRefused:
                run.held.append(line)
                continue
        run.due.append(line)
    return run
