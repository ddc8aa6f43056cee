"""Writes to people (each in one transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from kith.people.models import Person

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
    "next_review",
)


@transaction.atomic
def do_create_person(user: User, **fields: Any) -> Person:
    """Create a person on one of ``user``'s teams (the form has already checked the team)."""
    person = Person(**{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    if person.consent_date is not None:
        person.consent_recorded_by = user
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def do_update_person(user: User, person: Person, **fields: Any) -> Person:
    """Change a person's details; recording consent notes who recorded it."""
    consent_before = (
        Person.objects.filter(pk=person.pk).values_list("consent_date", flat=True).first()
    )
    for name, value in fields.items():
        if name in PERSON_FIELDS:
            setattr(person, name, value)
    if person.consent_date != consent_before:
        person.consent_recorded_by = user if person.consent_date else None
    person.full_clean()
    person.save()
    return person
