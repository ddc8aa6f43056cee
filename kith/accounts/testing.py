"""Test helpers shared by the apps' tests: a small fictional world and map builders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kith.accounts.models import Membership, Organisation, Role, Team, User
from kith.maps.models import Map, MapMember, MapStatus, MapTie
from kith.network import Member
from kith.people.models import Person


@dataclass
class World:
    org: Organisation
    north: Team
    south: Team
    users: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.users[name]


def make_user(
    username: str, org: Organisation, *roles: tuple[Team, str], superuser: bool = False
) -> User:
    user = User.objects.create(
        username=username,
        first_name=username.capitalize(),
        organisation=org,
        is_staff=superuser,
        is_superuser=superuser,
    )
    for team, role in roles:
        Membership.objects.create(user=user, team=team, role=role)
    return user


def make_world() -> World:
    """ana, sam: practitioners North; ben: practitioner South; lee: team lead North;
    dee: directory editor; admin: admin role and superuser."""
    org = Organisation.objects.create(name="Test service")
    north = Team.objects.create(organisation=org, name="North")
    south = Team.objects.create(organisation=org, name="South")
    users = {
        "ana": make_user("ana", org, (north, Role.PRACTITIONER)),
        "sam": make_user("sam", org, (north, Role.PRACTITIONER)),
        "ben": make_user("ben", org, (south, Role.PRACTITIONER)),
        "lee": make_user("lee", org, (north, Role.TEAM_LEAD)),
        "dee": make_user(
            "dee", org, (north, Role.DIRECTORY_EDITOR), (south, Role.DIRECTORY_EDITOR)
        ),
        "admin": make_user("admin", org, (north, Role.ADMIN), (south, Role.ADMIN), superuser=True),
    }
    return World(org, north, south, users)


def make_person(team: Team, name: str = "Test Person", **fields: Any) -> Person:
    return Person.objects.create(team=team, display_name=name, **fields)


def make_map(
    person: Person,
    members: list[dict[str, Any]] | int = 0,
    ties: list[tuple[str, str]] | None = None,
    *,
    status: str = MapStatus.DRAFT,
    date: dt.date = dt.date(2026, 1, 15),
    user: User | None = None,
) -> Map:
    """A map with members (dicts of core fields with a ``key``, or a count) and ties by key."""
    if isinstance(members, int):
        members = [
            {"key": f"k{i}", "label": f"Member {i}", "circle": 1 + i % 3} for i in range(members)
        ]
    the_map = Map.objects.create(person=person, date=date, status=status, created_by=user)
    rows = {
        m["key"]: MapMember.objects.create(map=the_map, **MapMember.fields_from_member(Member(**m)))
        for m in members
    }
    for a, b in ties or []:
        a, b = sorted((a, b))
        MapTie.objects.create(map=the_map, a=rows[a], b=rows[b])
    return the_map
