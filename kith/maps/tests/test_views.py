from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.assets.models import Service
from kith.maps.access import get_map_for_user
from kith.maps.actions import do_update_member
from kith.maps.forms import QuickAddForm
from kith.maps.links import MAP_PAGES, map_urls, url_pattern
from kith.maps.models import Map, MapMember, MapStatus
from kith.maps.templatetags.kith_maps import quick_add_text
from kith.people.models import Person

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
    # Found in Python: labels are encrypted in the database.
    (may,) = [m for m in MapMember.objects.filter(map=the_map) if m.label == "Aunt May"]
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


# -- community assets in the members table ------------------------------------------------------


def _linked_map(world: World, n_linked: int) -> Map:
    person = make_person(world.north, f"Linked {n_linked}")
    members: list[dict[str, object]] = [{"key": "mum", "label": "Mum", "circle": 1}]
    for i in range(n_linked):
        Service.objects.create(hsds_id=f"svc-{n_linked}-{i}", name=f"Club {i}", data={})
        members.append(
            {
                "key": f"c{i}",
                "label": f"Club {i}",
                "kind": "group",
                "asset_id": f"svc-{n_linked}-{i}",
            }
        )
    return make_map(person, members)


def test_map_page_links_members_to_their_community_assets(world: World) -> None:
    club = Service.objects.create(hsds_id="svc-club", name="Riverside Book Club & Co", data={})
    Service.objects.create(hsds_id="person-9", name="Pat (befriender)", is_private=True, data={})
    person = make_person(world.north, "Assets A.")
    the_map = make_map(
        person,
        [
            {"key": "club", "label": "Book club", "kind": "group", "asset_id": "svc-club"},
            {"key": "pat", "label": "Pat", "kind": "service", "asset_id": "person-9"},
            {"key": "mum", "label": "Mum", "circle": 1},
        ],
    )
    page = _client(world["ana"]).get(the_map.get_absolute_url()).content.decode()
    rows = {key: _row(page, key) for key in ("club", "pat", "mum")}
    assert '<th scope="col" class="govuk-table__header">Community asset</th>' in page
    asset_link = f'<a class="govuk-link" href="/assets/{club.pk}/">Riverside Book Club &amp; Co</a>'
    assert asset_link in rows["club"]
    # A private record (an individual) is not named or linked: its page opens for editors only.
    assert ">Linked</td>" in rows["pat"] and "befriender" not in page
    assert (
        '<td class="govuk-table__cell">—</td>\n      <td class="govuk-table__cell"><a'
        in rows["mum"]
    )
    # On a draft, places, activities, groups and services can be linked from their row.
    club_row = MapMember.objects.get(map=the_map, key="club")
    assert f'href="/assets/link/{the_map.pk}/{club_row.pk}/">Link' in rows["club"]
    assert "to a community asset" not in rows["mum"]


def _row(page: str, key: str) -> str:
    start = page.index(f'<tr class="govuk-table__row" data-key="{key}">')
    return page[start : page.index("</tr>", start)]


def test_linked_assets_are_read_in_one_query_whatever_their_number(world: World) -> None:
    counts = []
    for n in (2, 20):
        the_map = _linked_map(world, n)
        with CaptureQueriesContext(connection) as ctx:
            page = _client(world["ana"]).get(the_map.get_absolute_url()).content.decode()
        assert page.count('href="/assets/') >= n
        counts.append(len(ctx))
    assert counts[0] == counts[1]


# -- links and the quick-add box, built once and reused -----------------------------------------


def test_map_links_are_what_reverse_gives(world: World) -> None:
    the_map = make_map(make_person(world.north, "Links L."), 2)
    urls = map_urls(the_map.pk, the_map.person_id)
    for name in MAP_PAGES:
        assert urls[name] == reverse(f"maps:{name}", args=[the_map.pk])
    assert urls["person"] == reverse("people:detail", args=[the_map.person_id])
    assert urls["start_map"] == reverse("people:start_map", args=[the_map.person_id])
    head, tail = url_pattern("maps:member_edit", the_map.pk)
    assert f"{head}77{tail}" == reverse("maps:member_edit", args=[the_map.pk, 77])


def test_the_reused_quick_add_box_is_what_the_field_tag_renders() -> None:
    slow = Template('{% load kith_ui %}{% field form.text "" "m" %}')
    blank = QuickAddForm(initial={"version": 3}, auto_id="quick_%s")
    expected = slow.render(Context({"form": blank}))
    assert quick_add_text(blank) == expected
    assert quick_add_text(QuickAddForm(initial={"version": 4}, auto_id="quick_%s")) == expected
    # With what was typed and its error, it is rendered in full.
    failed = QuickAddForm({"version": "3", "text": "Sam /9"}, auto_id="quick_%s")
    assert not failed.is_valid()
    shown = quick_add_text(failed)
    assert shown == slow.render(Context({"form": failed}))
    assert 'value="Sam /9"' in shown and "is not a shortcut" in shown


def test_the_access_getter_reads_what_the_orm_reads(world: World) -> None:
    """``get_map_for_user``'s plain read gives the map and person a queryset gives."""
    person = make_person(world.north, "Same S.", key_worker=world["ana"])
    the_map = make_map(person, 3, status=MapStatus.FINAL)
    Map.objects.filter(pk=the_map.pk).update(notes="Ñotes & more", layout_angles={"k0": 12.5})
    read = get_map_for_user(world["ana"], the_map.pk)
    expected = Map.objects.select_related("person").get(pk=the_map.pk)
    for model, got, want in ((Map, read, expected), (Person, read.person, expected.person)):
        for field in model._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(want, field.attname), field.name
    assert not read._state.adding and read.person.team_id == world.north.pk
    with pytest.raises(Http404):
        get_map_for_user(world["dee"], the_map.pk)  # another team's worker
