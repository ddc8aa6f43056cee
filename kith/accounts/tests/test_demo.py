from __future__ import annotations

import io

import pytest

from kith.accounts.models import Role, User
from kith.demo import PASSWORD, load_demo
from kith.maps.models import Map, MapMember, MapTie
from kith.people.models import Person


def _snapshot() -> list[object]:
    return [
        sorted(User.objects.values_list("username", "password", "first_name")),
        sorted(
            Person.objects.values_list("reference", "display_name", "next_review", "team__name")
        ),
        sorted(Map.objects.values_list("person__reference", "date", "status", "version")),
        sorted(
            MapMember.objects.values_list("map__person__reference", "map__date", "key", "circle")
        ),
        sorted(
            MapTie.objects.values_list("map__person__reference", "map__date", "a__key", "b__key")
        ),
    ]


@pytest.mark.django_db
def test_demo_loads_a_believable_service_once() -> None:
    out = io.StringIO()
    created = load_demo(out)
    assert created["users"] == 6 and created["people"] >= 25
    assert "ana" in out.getvalue() and PASSWORD in out.getvalue()
    first = _snapshot()
    again = load_demo(io.StringIO())
    assert again == {"users": 0, "people": 0, "maps": 0}
    assert _snapshot() == first

    ana = User.objects.get(username="ana")
    assert ana.check_password(PASSWORD)
    assert ana.memberships.get().team.name == "North"
    assert User.objects.get(username="lee").memberships.get().role == Role.TEAM_LEAD
    assert User.objects.get(username="ben").memberships.get().team.name == "South"
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="dee").caseload_team_ids() == []

    for person in Person.objects.all():
        maps = list(person.maps.order_by("date"))
        assert 2 <= len(maps) <= 4
        assert (maps[-1].date - maps[0].date).days <= 550
        assert all(m.is_final for m in maps[:-1])
        nets = [m.to_network() for m in maps]
        assert all(n.size >= 2 for n in nets)
    # Believable change: some maps shrink after a crisis, others grow after joining groups.
    sizes = {
        p.reference: [m.members.count() for m in p.maps.order_by("date")]
        for p in Person.objects.all()
    }
    assert any(s[1] < s[0] for s in sizes.values())
    assert any(s[-1] > s[0] for s in sizes.values())
