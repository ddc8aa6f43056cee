from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.maps.actions import do_update_member
from kith.maps.models import Map, MapMember, MapStatus

MEMBERS = [
    {
        "key": "mum",
        "label": "Mum",
        "relationship": "family",
        "circle": 1,
        "support_received": ["emotional"],
    },
    {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
    {"key": "cafe", "label": "Corner café", "kind": "place", "circle": 3},
]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _member_post(version: int, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {"version": version, "label": "Aunt May", "kind": "person"}
    data.update(fields)
    return data


def test_map_page_shows_members_ties_and_plain_summary(world: World) -> None:
    person = make_person(world.north, "Casey")
    the_map = make_map(person, MEMBERS, [("mum", "gp")])
    page = _client(world["ana"]).get(the_map.get_absolute_url()).content.decode()
    for label in ("Mum", "GP", "Corner café"):
        assert f'<th scope="row" class="govuk-table__header">{label}</th>' in page
    assert "GP – Mum" in page
    assert "2 people, 1 of them a professional; 1 place." in page
    assert "Most support comes from family." in page
    assert 'id="quick-add"' in page and "Finalise" in page


def test_add_edit_and_remove_member_without_javascript(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    client = _client(world["ana"])
    response = client.post(
        reverse("maps:member_add", args=[the_map.pk]),
        _member_post(
            1,
            circle="2",
            relationship="family",
            support_received=["practical"],
            attributes="met = 2019\nlives_near = yes",
        ),
    )
    assert response.status_code == 302
    may = MapMember.objects.get(map=the_map, label="Aunt May")
    assert may.circle == 2 and may.support_received == ["practical"]
    assert may.attributes == {"met": 2019, "lives_near": True}
    edit = reverse("maps:member_edit", args=[the_map.pk, may.pk])
    form_page = client.get(edit).content.decode()
    assert "met = 2019" in form_page
    response = client.post(edit, _member_post(2, circle="1", wish="more"))
    assert response.status_code == 302
    may.refresh_from_db()
    assert (may.circle, may.wish) == (1, "more")
    response = client.post(reverse("maps:member_remove", args=[the_map.pk, may.pk]), {"version": 3})
    assert response.status_code == 302
    assert not MapMember.objects.filter(pk=may.pk).exists()
    assert Map.objects.get(pk=the_map.pk).version == 4


def test_core_model_errors_show_on_the_field(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    response = _client(world["ana"]).post(
        reverse("maps:member_add", args=[the_map.pk]),
        _member_post(1, kind="place", relationship="friend", attributes="no equals sign"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "attributes" in form.errors
    response = _client(world["ana"]).post(
        reverse("maps:member_add", args=[the_map.pk]),
        _member_post(1, kind="place", relationship="friend"),
    )
    errors = response.context["form"].errors
    assert list(errors) == ["relationship"]
    assert "does not apply to a member of kind 'place'" in errors["relationship"][0]
    assert the_map.members.count() == 3


def test_second_save_gets_a_conflict_with_both_versions(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    mum = the_map.members.get(key="mum")
    edit = reverse("maps:member_edit", args=[the_map.pk, mum.pk])
    # Sam saves first (the map is now version 2, Mum in circle 2).
    do_update_member(world["sam"], mum, {"circle": 2}, expected_version=1)
    response = _client(world["ana"]).post(edit, _member_post(1, label="Mum", circle="3"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this map" in page
    assert "You started from version 1; the map is now version 2" in page
    assert 'id="current-members"' in page  # their version
    assert 'value="Mum"' in page and 'value="3" checked' in page  # your version, kept
    assert 'name="version" value="2"' in page  # saving again applies to the current version
    mum.refresh_from_db()
    assert mum.circle == 2
    response = _client(world["ana"]).post(edit, _member_post(2, label="Mum", circle="3"))
    assert response.status_code == 302
    mum.refresh_from_db()
    assert mum.circle == 3


def test_ties_finalise_and_review(world: World) -> None:
    person = make_person(world.north)
    the_map = make_map(person, MEMBERS)
    client = _client(world["ana"])
    response = client.post(
        reverse("maps:tie_add", args=[the_map.pk]), {"version": 1, "a": "mum", "b": "mum"}
    )
    assert response.status_code == 200 and "b" in response.context["form"].errors
    response = client.post(
        reverse("maps:tie_add", args=[the_map.pk]), {"version": 1, "a": "mum", "b": "cafe"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("maps:tie_add", args=[the_map.pk]), {"version": 2, "a": "cafe", "b": "mum"}
    )
    assert response.status_code == 200 and "already tied" in response.content.decode()
    response = client.post(reverse("maps:finalise", args=[the_map.pk]), {"version": 2})
    assert response.status_code == 302
    the_map.refresh_from_db()
    assert the_map.status == MapStatus.FINAL
    # A final map refuses changes and says why.
    response = client.post(
        reverse("maps:member_add", args=[the_map.pk]), _member_post(3), follow=True
    )
    assert "is final and cannot be changed" in response.content.decode()
    assert the_map.members.count() == 3
    response = client.post(reverse("people:start_map", args=[person.pk]))
    review = Map.objects.filter(person=person, status=MapStatus.DRAFT).get()
    assert response["Location"] == review.get_absolute_url()
    assert set(review.members.values_list("key", flat=True)) == {"mum", "gp", "cafe"}
    assert review.ties.count() == 1
    # Starting again goes to the existing draft.
    response = client.post(reverse("people:start_map", args=[person.pk]))
    assert response["Location"] == review.get_absolute_url()


def test_compare_shows_gained_lost_and_moved(world: World) -> None:
    person = make_person(world.north)
    make_map(person, MEMBERS, status=MapStatus.FINAL, date=dt.date(2025, 1, 1))
    later = [
        {**MEMBERS[0], "circle": 2},
        MEMBERS[1],
        {"key": "walk", "label": "Walking group", "kind": "group", "circle": 3},
    ]
    make_map(person, later, status=MapStatus.FINAL, date=dt.date(2025, 6, 1))
    response = _client(world["ana"]).get(reverse("people:compare", args=[person.pk]))
    change = response.context["change"]
    assert [m["label"] for m in change["gained"]] == ["Walking group"]
    assert [m["label"] for m in change["lost"]] == ["Corner café"]
    assert change["moved"] == [{"label": "Mum", "from": 1, "to": 2}]
    page = response.content.decode()
    assert "Walking group (circle 3)" in page and "Mum (circle 1 → 2)" in page


def _map_page_queries(world: World, members: int) -> int:
    person = make_person(world.north, f"P{members}")
    the_map = make_map(person, members, [(f"k{i}", f"k{i + 1}") for i in range(members - 1)])
    client = _client(world["ana"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(the_map.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["members"]) == members
    return len(ctx)


def test_map_page_queries_do_not_grow_with_members(world: World) -> None:
    assert _map_page_queries(world, 5) == _map_page_queries(world, 40)


def test_compare_with_one_map_explains(world: World) -> None:
    person = make_person(world.north)
    make_map(person, MEMBERS)
    response = _client(world["ana"]).get(reverse("people:compare", args=[person.pk]))
    assert "at least two maps" in response.content.decode()
