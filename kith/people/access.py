"""Permission-scoped reads of people. Every view and API reads people through here.

A user sees the people of the teams whose caseload they work (practitioner or team lead
membership). Anyone else gets 404 — never 403 — so that ids of other teams' records leak nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet
from django.http import Http404

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
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404("No such person") from None
    person = people_for_user(user).filter(pk=pk).first()
    if person is None:
        raise Http404("No such person")
    return person
