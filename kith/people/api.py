"""JSON API for people: /api/v1/people/… (same access rules as the pages: 404 for others)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from kith.audit.log import record_view
from kith.people.access import get_person_for_user, in_order, people_for_user, people_in_order
from kith.people.models import Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    display_name: str
    reference: str
    pronouns: str
    birth_year: int | None
    team: str
    key_worker: str | None
    status: str
    consent_date: dt.date | None
    next_review: dt.date | None
    last_map_date: dt.date | None

    @staticmethod
    def of(person: Person) -> PersonOut:
        return PersonOut(
            id=person.pk,
            display_name=person.display_name,
            reference=person.reference,
            pronouns=person.pronouns,
            birth_year=person.birth_year,
            team=person.team.name,
            key_worker=person.key_worker.username if person.key_worker else None,
            status=person.status,
            consent_date=person.consent_date,
            next_review=person.next_review,
            last_map_date=getattr(person, "last_map_date", None),
        )


class PeoplePage(Schema):
    count: int
    items: list[PersonOut]


@router.get("/people", response=PeoplePage, url_name="people_list")
def people_list(
    request: HttpRequest, q: str = "", status: str = "", limit: int = 50, offset: int = 0
) -> PeoplePage:
    """The people on the caseloads of your teams, by name (``limit`` at most 200)."""
    people = people_for_user(request.user)
    if status:
        people = people.filter(status=status)
    # Searched and sorted in Python: names are encrypted in the database.
    ids = people_in_order(people, q)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    record_view("people.person")
    return PeoplePage(
        count=len(ids),
        items=[PersonOut.of(p) for p in in_order(people, ids[offset : offset + limit])],
    )


@router.get("/people/{person_id}", response=PersonOut, url_name="person_detail")
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    return PersonOut.of(get_person_for_user(request.user, person_id))
