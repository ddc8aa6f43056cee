"""The map editor's endpoints: move to a circle, tie/untie, quick add — as plain forms (no
JavaScript: redirect with a message) and as the editor module sends them (header
``X-Kith-Editor: 1``: the editor fragment comes back, 409 with the user's change on conflict)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.maps.actions import do_update_member
from kith.maps.forms import parse_quick_add
from kith.maps.models import Map, MapStatus

MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
    {"key": "cafe", "label": "Corner café", "kind": "place", "circle": 3},
]
EDITOR = {"HTTP_X_KITH_EDITOR": "1"}


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mum", {"label": "Mum", "kind": "person"}),
        (
            "Mum /1 /family",
            {"label": "Mum", "kind": "person", "circle": 1, "relationship": "family"},
        ),
        ("Walking group /gr /2", {"label": "Walking group", "kind": "group", "circle": 2}),
        ("The library /place /0", {"label": "The library", "kind": "place", "circle": None}),
        (
            "Sam from the allotment /fri /3",
            {
                "label": "Sam from the allotment",
                "kind": "person",
                "circle": 3,
                "relationship": "friend",
            },
        ),
        (
            "Flat 2 neighbours /neigh",
            {"label": "Flat 2 neighbours", "kind": "person", "relationship": "neighbour"},
        ),
        ("Dog /PET", {"label": "Dog", "kind": "pet"}),
    ],
)
def test_quick_add_shortcuts(text: str, expected: dict[str, object]) -> None:
    assert parse_quick_add(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Jo /p", "could be"),
        ("Jo /zz", "not a shortcut"),
        ("/1 /family", "Type a name"),
        ("Jo /1 /2", "only one circle"),
    ],
)
def test_quick_add_mistakes_are_explained(text: str, message: str) -> None:
    with pytest.raises(forms.ValidationError, match=message):
        parse_quick_add(text)


def test_move_without_javascript(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    client = _client(world["ana"])
    url = reverse("maps:member_move", args=[the_map.pk])
    page = client.get(url + "?key=gp")
    assert page.status_code == 200 and "Move GP" in page.content.decode()
    response = client.post(url, {"version": 1, "key": "gp", "circle": "1"}, follow=True)
    assert "GP moved to circle 1 (closest)." in response.content.decode()
    assert the_map.members.get(key="gp").circle == 1
    client.post(url, {"version": 2, "key": "gp", "circle": ""})
    assert the_map.members.get(key="gp").circle is None


def test_move_from_the_editor_returns_the_fragment(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    client = _client(world["ana"])
    url = reverse("maps:member_move", args=[the_map.pk])
    response = client.post(url, {"version": 1, "key": "cafe", "circle": "2"}, **EDITOR)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("{% load") is False and "<html" not in html
    assert 'data-version="2"' in html
    assert 'data-announce="Corner café moved to circle 2 (middle)."' in html
    assert 'data-key="cafe" data-kind="place" data-circle="2"' in html


def test_editor_conflict_keeps_the_change_and_offers_it_again(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    do_update_member(world["sam"], the_map.members.get(key="gp"), {"circle": 3}, expected_version=1)
    client = _client(world["ana"])
    url = reverse("maps:member_move", args=[the_map.pk])
    response = client.post(url, {"version": 1, "key": "mum", "circle": "2"}, **EDITOR)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: someone else changed this map" in html
    assert "move Mum to circle 2 (middle)" in html and "Mum is in circle 1 (closest)" in html
    assert 'name="version" value="2"' in html and "Move Mum to circle 2 (middle) now" in html
    assert the_map.members.get(key="mum").circle == 1
    # The same conflict without JavaScript shows the whole map page, with the same offer.
    page = client.post(url, {"version": 1, "key": "mum", "circle": "2"})
    assert page.status_code == 409 and "Move Mum to circle 2 (middle) now" in page.content.decode()
    retry = client.post(url, {"version": 2, "key": "mum", "circle": "2"}, **EDITOR)
    assert retry.status_code == 200 and the_map.members.get(key="mum").circle == 2


def test_tie_and_untie(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    client = _client(world["ana"])
    url = reverse("maps:tie_toggle", args=[the_map.pk])
    response = client.post(url, {"version": 1, "a": "mum", "b": "cafe", "want": "tie"}, **EDITOR)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-announce="Tied Mum and Corner café."' in html
    assert 'data-a="cafe" data-b="mum"' in html
    again = client.post(url, {"version": 2, "a": "cafe", "b": "mum", "want": "tie"}, **EDITOR)
    assert "already tied" in again.content.decode() and the_map.ties.count() == 1
    client.post(url, {"version": 2, "a": "cafe", "b": "mum", "want": "untie"}, follow=True)
    assert the_map.ties.count() == 0
    same = client.post(url, {"version": 3, "a": "mum", "b": "mum", "want": "tie"}, **EDITOR)
    assert same.status_code == 400 and "two different members" in same.content.decode()


def test_quick_add(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    client = _client(world["ana"])
    url = reverse("maps:quick_add", args=[the_map.pk])
    response = client.post(url, {"version": 1, "text": "Walking group /group /2"}, **EDITOR)
    assert response.status_code == 200
    assert 'data-announce="Added Walking group, circle 2 (middle)."' in response.content.decode()
    # Found in Python: labels are encrypted in the database.
    (added,) = [m for m in the_map.members.all() if m.label == "Walking group"]
    assert (added.kind, added.circle) == ("group", 2)
    bad = client.post(url, {"version": 2, "text": "Jo /zz"}, **EDITOR)
    html = bad.content.decode()
    assert bad.status_code == 400 and "not a shortcut" in html and 'value="Jo /zz"' in html
    stale = client.post(url, {"version": 1, "text": "Jo /friend"})
    html = stale.content.decode()
    assert stale.status_code == 409 and 'value="Jo /friend"' in html and "<html" in html
    assert "Jo" not in [m.label for m in the_map.members.all()]
    done = client.post(url, {"version": 2, "text": "Jo /friend"})
    assert done.status_code == 302 and done["Location"].endswith("#quick-add")


def test_final_maps_refuse_editor_changes(world: World) -> None:
    the_map = make_map(make_person(world.north), MEMBERS, status=MapStatus.FINAL)
    client = _client(world["ana"])
    url = reverse("maps:member_move", args=[the_map.pk])
    response = client.post(url, {"version": 1, "key": "gp", "circle": "1"}, **EDITOR)
    assert response.status_code == 409 and "is final" in response.content.decode()
    assert client.post(url, {"version": 1, "key": "gp", "circle": "1"}).status_code == 302
    assert Map.objects.get(pk=the_map.pk).members.get(key="gp").circle == 2


@pytest.mark.parametrize("name", ["maps:member_move", "maps:tie_toggle", "maps:quick_add"])
def test_other_teams_cannot_use_the_editor(world: World, name: str) -> None:
    the_map = make_map(make_person(world.north), MEMBERS)
    url = reverse(name, args=[the_map.pk])
    data = {"version": 1, "key": "gp", "circle": "1", "a": "gp", "b": "mum", "want": "tie"}
    for persona in ("ben", "admin", "dee"):
        response = _client(world[persona]).post(url, {**data, "text": "X"}, **EDITOR)
        assert response.status_code == 404, persona
    assert Map.objects.get(pk=the_map.pk).version == 1


def test_map_page_has_the_editor_only_for_drafts(world: World) -> None:
    person = make_person(world.north)
    final = make_map(person, MEMBERS, status=MapStatus.FINAL)
    draft = make_map(person, MEMBERS)
    client = _client(world["ana"])
    draft_page = client.get(draft.get_absolute_url()).content.decode()
    assert "js/map-editor.js" in draft_page and 'id="quick-add"' in draft_page
    assert "Keys for the drawing" in draft_page
    final_page = client.get(final.get_absolute_url()).content.decode()
    assert "map-editor.js" not in final_page and 'id="quick-add"' not in final_page
