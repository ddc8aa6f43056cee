from __future__ import annotations

import datetime as dt

import pytest

from kith.accounts.testing import World, make_map, make_person
from kith.maps.actions import (
    DraftExists,
    MapConflict,
    MapLocked,
    do_add_member,
    do_add_tie,
    do_create_map,
    do_finalise_map,
    do_remove_member,
    do_remove_tie,
    do_update_map,
    do_update_member,
)
from kith.maps.models import Map, MapMember, MapStatus, MapTie
from kith.network import NetworkError
from kith.people.models import REVIEW_INTERVAL

MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1, "wish": "more"},
    {"key": "gym", "label": "Gym", "kind": "place", "circle": 3, "asset_id": "a-1"},
    {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
]


def test_first_map_is_empty_and_a_review_copies_the_latest_final_map(world: World) -> None:
    ana = world["ana"]
    person = make_person(world.north)
    first = do_create_map(ana, person, date=dt.date(2026, 1, 1))
    assert first.members.count() == 0 and first.based_on is None
    for fields in MEMBERS:
        do_add_member(
            ana, first, {k: v for k, v in fields.items() if k != "key"}, key=fields["key"]
        )
    do_add_tie(ana, first, "mum", "gp")
    do_finalise_map(ana, first)
    older = make_map(person, [MEMBERS[0]], status=MapStatus.FINAL, date=dt.date(2025, 1, 1))

    review = do_create_map(ana, person, date=dt.date(2026, 4, 1))
    assert review.based_on == first != older
    assert review.is_draft and review.version == 1
    assert first.to_network().members == review.to_network().members
    assert [t.pair for t in review.to_network().ties] == [("gp", "mum")]
    # The copy is independent of the original.
    do_update_member(ana, review.members.get(key="mum"), {"circle": 2})
    assert first.members.get(key="mum").circle == 1

    with pytest.raises(DraftExists) as raised:
        do_create_map(ana, person)
    assert raised.value.map == review


def test_every_change_bumps_the_version(world: World) -> None:
    ana = world["ana"]
    the_map = do_create_map(ana, make_person(world.north))
    assert the_map.version == 1
    member = do_add_member(ana, the_map, {"label": "Sis", "relationship": "family"})
    other = do_add_member(ana, the_map, {"label": "Pal"}, expected_version=2)
    tie = do_add_tie(ana, the_map, member.key, other.key, expected_version=3)
    do_update_member(ana, member, {"circle": 1}, expected_version=4)
    do_remove_tie(ana, tie, expected_version=5)
    do_update_map(ana, the_map, expected_version=6, date=dt.date(2026, 2, 2), notes="n")
    do_remove_member(ana, other, expected_version=7)
    assert the_map.version == 8
    assert Map.objects.get(pk=the_map.pk).version == 8
    assert list(the_map.members.values_list("label", "circle")) == [("Sis", 1)]


def test_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    ana, sam = world["ana"], world["sam"]
    the_map = make_map(make_person(world.north), MEMBERS)
    mum = the_map.members.get(key="mum")
    do_update_member(sam, mum, {"circle": 2}, expected_version=1)
    with pytest.raises(MapConflict) as raised:
        do_update_member(ana, mum, {"circle": 3}, expected_version=1)
    assert (raised.value.expected, raised.value.current) == (1, 2)
    assert MapMember.objects.get(pk=mum.pk).circle == 2
    with pytest.raises(MapConflict):
        do_add_member(ana, the_map, {"label": "New"}, expected_version=1)
    assert the_map.members.count() == 3


def test_finalise_locks_the_map_and_sets_the_next_review(world: World) -> None:
    ana = world["ana"]
    person = make_person(world.north)
    the_map = make_map(person, MEMBERS, [("mum", "gp")], date=dt.date(2026, 3, 1))
    do_finalise_map(ana, the_map, expected_version=1)
    the_map.refresh_from_db()
    assert the_map.is_final and the_map.finalised_by == ana and the_map.version == 2
    person.refresh_from_db()
    assert person.next_review == dt.date(2026, 3, 1) + REVIEW_INTERVAL
    mum = the_map.members.get(key="mum")
    tie = the_map.ties.get()
    for change in (
        lambda: do_add_member(ana, the_map, {"label": "X"}),
        lambda: do_update_member(ana, mum, {"circle": 3}),
        lambda: do_remove_member(ana, mum),
        lambda: do_add_tie(ana, the_map, "mum", "gym"),
        lambda: do_remove_tie(ana, tie),
        lambda: do_finalise_map(ana, the_map),
        lambda: do_update_map(ana, the_map, expected_version=None, date=the_map.date, notes=""),
    ):
        with pytest.raises(MapLocked):
            change()
    assert the_map.members.count() == 3 and MapTie.objects.filter(map=the_map).count() == 1


def test_core_model_errors_roll_back(world: World) -> None:
    ana = world["ana"]
    the_map = make_map(make_person(world.north), MEMBERS)
    with pytest.raises(NetworkError, match="relationship"):
        do_add_member(ana, the_map, {"label": "Park", "kind": "place", "relationship": "friend"})
    with pytest.raises(NetworkError, match="circle"):
        do_update_member(ana, the_map.members.get(key="mum"), {"circle": 4})
    with pytest.raises(NetworkError, match="already tied"):
        do_add_tie(ana, the_map, "mum", "gp")
        do_add_tie(ana, the_map, "gp", "mum")
    with pytest.raises(NetworkError, match="not on the map"):
        do_add_tie(ana, the_map, "mum", "nobody")
    with pytest.raises(NetworkError, match="itself"):
        do_add_tie(ana, the_map, "mum", "mum")
    with pytest.raises(NetworkError, match="already on the map"):
        do_add_member(ana, the_map, {"label": "Again"}, key="mum")
    the_map.refresh_from_db()
    assert the_map.version == 2  # only the first tie went through
    assert the_map.members.get(key="mum").circle == 1


def test_removing_a_member_removes_its_ties(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS, [("mum", "gp"), ("gp", "gym")])
    do_remove_member(world["ana"], the_map.members.get(key="gp"))
    assert not MapTie.objects.filter(map=the_map).exists()
    assert the_map.to_network().keys() == ["mum", "gym"] or set(the_map.to_network().keys()) == {
        "mum",
        "gym",
    }
