"""Permission-scoped reads of maps, members and ties (404 for anything the user cannot see)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connections, models, router
from django.db.models import QuerySet
from django.http import Http404

from kith.accounts.access import record_id
from kith.accounts.models import CASELOAD_ROLES, Membership
from kith.audit.log import record_refused, record_view
from kith.maps import rows
from kith.maps.models import Map, MapMember, MapTie
from kith.people.models import Person

if TYPE_CHECKING:
    from kith.accounts.models import User


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
    ordering, no limit: the id is unique). Anyone else gets :class:`Http404`. The view is
    recorded in the audit trail (a refusal too).
    """
    pk = record_id(map_id)
    if not user.is_authenticated:
        raise Http404("No such map")
    found = _readable_map(pk, user.pk)
    if found is None:
        record_refused(Map, pk)
        raise Http404("No such map")
    record_view(found)
    return found


def _readable_map(pk: int, user_id: int) -> Map | None:
    """Map ``pk`` with its person, if the person is on a caseload team of user ``user_id``.

    What ``Map.objects.filter(pk=pk, person__team_id__in=<the user's caseload teams>)
    .select_related("person")`` gives, read as one plain ``SELECT`` (:mod:`kith.maps.rows`):
    every map page starts here, and the queryset's compiling cost more than the query.
    """
    alias = router.db_for_read(Map)
    connection = connections[alias]
    qn = connection.ops.quote_name
    map_columns = rows.columns(Map, connection, table="m")
    person_columns = rows.columns(Person, connection, table="p")

    def column(model: type[models.Model], name: str) -> str:
        return str(qn(model._meta.get_field(name).column))

    roles = sorted(CASELOAD_ROLES)
    sql = (
        f"SELECT {map_columns.sql}, {person_columns.sql} "
        f"FROM {qn(Map._meta.db_table)} m INNER JOIN {qn(Person._meta.db_table)} p "
        f"ON p.{column(Person, 'id')} = m.{column(Map, 'person')} "
        f"WHERE m.{column(Map, 'id')} = %s AND p.{column(Person, 'team')} IN ("
        f"SELECT {column(Membership, 'team')} FROM {qn(Membership._meta.db_table)} "
        f"WHERE {column(Membership, 'user')} = %s AND {column(Membership, 'role')} IN "
        f"({', '.join(['%s'] * len(roles))}))"
    )
    found = rows.fetch(connection, sql, [pk, user_id, *roles], map_columns, person_columns)
    if not found:
        return None
    values, split = found[0], len(map_columns.attnames)
    the_map = rows.instance(Map, alias, map_columns.attnames, values[:split])
    person = rows.instance(Person, alias, person_columns.attnames, values[split:])
    the_map._state.fields_cache["person"] = person
    return the_map


def get_member_for_user(user: User, map_id: int | str, member_id: int | str) -> MapMember:
    the_map = get_map_for_user(user, map_id)
    member = MapMember.objects.filter(map=the_map, pk=record_id(member_id)).first()
    if member is None:
        raise Http404("No such member")
    member.map = the_map
    record_view(member)
    return member


def get_tie_for_user(user: User, map_id: int | str, tie_id: int | str) -> MapTie:
    the_map = get_map_for_user(user, map_id)
    tie = MapTie.objects.filter(map=the_map, pk=record_id(tie_id)).select_related("a", "b").first()
    if tie is None:
        raise Http404("No such tie")
    tie.map = the_map
    record_view(tie)
    return tie
