"""Permission-scoped reads of maps, members and ties (404 for anything the user cannot see)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from kith.accounts.models import CASELOAD_ROLES, Membership
from kith.maps.models import Map, MapMember, MapTie

if TYPE_CHECKING:
    from kith.accounts.models import User
    from kith.people.models import Person


def _pk(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found") from None


def maps_for_user(user: User) -> QuerySet[Map]:
    if not user.is_authenticated:
        return Map.objects.none()
    return Map.objects.filter(person__team_id__in=user.caseload_team_ids()).select_related(
        "person", "person__team", "created_by", "finalised_by"
    )


def maps_of_person(person: Person) -> QuerySet[Map]:
    """A person's maps, oldest first (the person was read through an access getter)."""
    return Map.objects.filter(person=person).select_related("created_by").order_by("date", "id")


def get_map_for_user(user: User, map_id: int | str) -> Map:
    """The map ``map_id`` with its person, if the user works the person's team's caseload.

    One query: the map joined to its person, the user's caseload teams as a subquery (no
    ordering, no limit: the id is unique). Anyone else gets :class:`Http404`.
    """
    pk = _pk(map_id)
    if not user.is_authenticated:
        raise Http404("No such map")
    teams = Membership.objects.filter(user_id=user.pk, role__in=CASELOAD_ROLES).values("team_id")
    found = list(
        Map.objects.filter(pk=pk, person__team_id__in=teams).select_related("person").order_by()
    )
    if not found:
        raise Http404("No such map")
    return found[0]


def get_member_for_user(user: User, map_id: int | str, member_id: int | str) -> MapMember:
    the_map = get_map_for_user(user, map_id)
    member = MapMember.objects.filter(map=the_map, pk=_pk(member_id)).first()
    if member is None:
        raise Http404("No such member")
    member.map = the_map
    return member


def get_tie_for_user(user: User, map_id: int | str, tie_id: int | str) -> MapTie:
    the_map = get_map_for_user(user, map_id)
    tie = MapTie.objects.filter(map=the_map, pk=_pk(tie_id)).select_related("a", "b").first()
    if tie is None:
        raise Http404("No such tie")
    tie.map = the_map
    return tie
