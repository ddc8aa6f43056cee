"""Permission-scoped reads of people. Every view and API reads people through here.

A user sees the people of the teams whose caseload they work (practitioner or team lead
membership). Anyone else gets 404 — never 403 — so that ids of other teams' records leak nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Max, QuerySet
from django.http import Http404

from kith.accounts.access import get_scoped
from kith.audit.log import record_refused
from kith.people.models import Person

if TYPE_CHECKING:
    from kith.accounts.models import User


def people_for_user(user: User) -> QuerySet[Person]:
    """The people this user may see, with ``last_map_date`` annotated."""
    if not user.is_authenticated:
        return Person.objects.none()
    return (
        Person.objects.filter(team_id__in=user.caseload_team_ids())
        .select_related("team", "key_worker")
        .annotate(last_map_date=Max("maps__date"))
    )


def get_person_for_user(user: User, person_id: int | str) -> Person:
    """The person ``person_id`` if this user may see them; otherwise :class:`Http404`."""
    return get_scoped(people_for_user(user), person_id, "person")


def is_team_lead_for(user: User, person: Person) -> bool:
    """Whether ``user`` leads the person's team (and so may export or erase the record)."""
    return bool(user.is_authenticated and user.is_team_lead_of(person.team_id))


def get_person_for_team_lead(user: User, person_id: int | str) -> Person:
    """The person ``person_id`` if ``user`` is a team lead of their team; otherwise 404.

    Subject access exports and erasure are for team leads only (docs/security.md): other
    workers on the team see the record but get 404 here, like everyone else.
    """
    person = get_person_for_user(user, person_id)
    if not is_team_lead_for(user, person):
        record_refused(Person, person.pk)
        raise Http404("No such person")
    return person


#: Caseload orders: by name, or by a date with the name breaking ties (``None`` first or last).
SORTS = {
    "name": (None, False),
    "last_map": ("last_map_date", True),
    "next_review": ("next_review", False),
}


def people_in_order(people: QuerySet[Person], query: str = "", sort: str = "name") -> list[int]:
    """Ids of ``people`` whose name or local reference contains ``query`` (any case), sorted.

    Names and references are encrypted in the database (``kith.accounts.fields``), so SQL
    can neither search nor sort them: one query reads the id, name, reference and sort date of
    every person in ``people`` (already narrowed in SQL by team, status and so on), and the
    search and sort happen here (15–30 ms for 1,000 people; docs/security.md).
    ``sort`` is ``name``, ``last_map`` (never mapped first) or ``next_review`` (none last).
    """
    date_field, none_first = SORTS.get(sort, SORTS["name"])
    columns = ["pk", "display_name", "reference"] + ([date_field] if date_field else [])
    needle = query.strip().casefold()
    rows: list[tuple[Any, ...]] = [
        row
        for row in people.order_by().values_list(*columns)
        if not needle or needle in row[1].casefold() or needle in row[2].casefold()
    ]

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        name_key = (row[1].casefold(), row[1], row[0])
        if not date_field:
            return name_key
        date: dt.date | None = row[3]
        return ((date is not None) == none_first, date or dt.date.min, *name_key)

    return [row[0] for row in sorted(rows, key=key)]


def in_order(people: QuerySet[Person], ids: list[int]) -> list[Person]:
    """The people with ``ids`` (one query), in the order of ``ids``."""
    found = {p.pk: p for p in people.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]
