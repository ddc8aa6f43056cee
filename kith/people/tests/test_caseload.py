from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.maps.models import MapStatus
from kith.people.access import get_person_for_user, people_for_user
from kith.people.models import Person


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.display_name for p in response.context["page"].object_list]


def test_people_for_user_is_scoped_to_caseload_teams(world: World) -> None:
    north = make_person(world.north, "N")
    south = make_person(world.south, "S")
    assert list(people_for_user(world["ana"])) == [north]
    assert list(people_for_user(world["ben"])) == [south]
    assert list(people_for_user(world["lee"])) == [north]
    assert list(people_for_user(world["admin"])) == []
    assert get_person_for_user(world["ana"], north.pk) == north
    from django.http import Http404

    with pytest.raises(Http404):
        get_person_for_user(world["ana"], south.pk)
    with pytest.raises(Http404):
        get_person_for_user(world["ana"], "not-a-number")


def test_caseload_filters_search_and_sort(world: World) -> None:
    today = dt.date.today()
    a = make_person(world.north, "Alder", key_worker=world["ana"], next_review=today)
    b = make_person(world.north, "Birch", key_worker=world["sam"], reference="R-77")
    c = make_person(world.north, "Cedar", key_worker=world["ana"], status="closed")
    make_map(a, 2, status=MapStatus.FINAL, date=dt.date(2026, 1, 1))
    make_map(b, 2, status=MapStatus.FINAL, date=dt.date(2025, 6, 1))
    client = _client(world["ana"])
    url = reverse("people:caseload")
    assert _names(client.get(url)) == ["Alder", "Birch"]
    assert _names(client.get(url, {"closed": "on"})) == ["Alder", "Birch", "Cedar"]
    assert _names(client.get(url, {"show": "mine"})) == ["Alder"]
    assert _names(client.get(url, {"show": "review"})) == ["Alder"]
    assert _names(client.get(url, {"show": "unmapped", "closed": "on"})) == ["Cedar"]
    assert _names(client.get(url, {"q": "r-77"})) == ["Birch"]
    assert _names(client.get(url, {"q": "bir"})) == ["Birch"]
    assert _names(client.get(url, {"sort": "last_map"})) == ["Birch", "Alder"]
    assert _names(client.get(url, {"sort": "next_review"})) == ["Alder", "Birch"]
    page = client.get(url).content.decode()
    assert "1 Jan 2026" in page and "Due" in page
    assert c.display_name not in page


def _caseload_queries(world: World, count: int) -> int:
    for i in range(count):
        person = make_person(world.north, f"Person {i:03d}", key_worker=world["ana"])
        if i % 2:
            make_map(person, 1, status=MapStatus.FINAL)
    client = _client(world["ana"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("people:caseload"))
    assert response.status_code == 200
    return len(ctx)


def test_caseload_queries_do_not_grow_with_people(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    few = _caseload_queries(world, 5)
    for i in range(5, 50):
        make_person(world.north, f"Person {i:03d}", key_worker=world["sam"])
    client = _client(world["ana"])
    with django_assert_num_queries(few):
        response = client.get(reverse("people:caseload"), {"page": 2})
    assert response.context["page"].paginator.count == 50
    assert len(response.context["page"].object_list) == 25


def test_caseload_paginates(world: World) -> None:
    for i in range(30):
        make_person(world.north, f"P{i:02d}")
    client = _client(world["ana"])
    first = client.get(reverse("people:caseload"), {"show": "team"})
    assert len(_names(first)) == 25
    second = client.get(reverse("people:caseload"), {"show": "team", "page": 2})
    assert _names(second) == [f"P{i:02d}" for i in range(25, 30)]
    assert "show=team&amp;page=2" in first.content.decode()


def test_create_and_edit_person(world: World) -> None:
    client = _client(world["ana"])
    response = client.post(
        reverse("people:create"),
        {
            "display_name": "Jay K.",
            "pronouns": "he/him",
            "birth_year": "1980",
            "team": world.north.pk,
            "key_worker": world["ana"].pk,
            "status": "open",
            "consent_date": "2026-01-02",
            "consent_by": "the person",
            "consent_how": "verbal",
        },
    )
    person = Person.objects.get()  # the only one (names cannot be looked up in SQL: encrypted)
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.consent_recorded_by == world["ana"]
    response = client.post(
        reverse("people:edit", args=[person.pk]),
        {"display_name": "J.K.", "team": world.north.pk, "status": "closed"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.status, person.consent_date) == ("J.K.", "closed", None)
    assert person.consent_recorded_by is None


def test_person_form_rejects_other_teams_and_bad_values(world: World) -> None:
    client = _client(world["ana"])
    response = client.post(
        reverse("people:create"),
        {
            "display_name": "X",
            "team": world.south.pk,
            "status": "open",
            "birth_year": "1800",
            "consent_date": "2026-01-02",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"team", "birth_year", "consent_how"}
    assert not Person.objects.exists()
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_team"' in page
