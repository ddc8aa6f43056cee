"""The plan, questionnaire, progress, fidelity and team pages through the browser's eyes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kith.accounts.testing import World, make_map, make_person
from kith.maps.models import Map, MapStatus
from kith.outcomes.models import Amendment, Response
from kith.plans.actions import do_add_action, do_create_goal
from kith.plans.forms import interest_term_choices
from kith.plans.models import Action, Cycle, FidelityAssessment, FollowUp, Goal, Interest
from kith.plans.testing import plan_records

TODAY = dt.date.today()
MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "gp", "label": "GP", "relationship": "professional", "circle": 2},
]


def _client(world: World, name: str = "ana") -> Client:
    client = Client()
    client.force_login(world[name])
    return client


def test_a_cycle_through_the_pages(world: World) -> None:
    person = make_person(world.north, "Casey")
    make_map(person, MEMBERS, status=MapStatus.FINAL, date=TODAY - dt.timedelta(days=90))
    c = _client(world)
    term = interest_term_choices()[2][0]
    r = c.post(
        reverse("plans:interest_add", args=[person.pk]), {"text": "Nature", "term_ids": [term]}
    )
    assert r.status_code == 302
    assert Interest.objects.get(person=person).term_ids == [term]
    r = c.post(reverse("plans:cycle_start", args=[person.pk]), {"date": TODAY.isoformat()})
    assert r.status_code == 302
    r = c.post(reverse("plans:goal_add", args=[person.pk]), {"wording": "", "owner": ""})
    assert r.status_code == 200 and "Write the goal in the person" in r.content.decode()
    r = c.post(
        reverse("plans:goal_add", args=[person.pk]),
        {
            "wording": "I want to walk with others",
            "owner": "both",
            "chime": ["connectedness", "hope"],
            "status": "active",
        },
    )
    goal = Goal.objects.get(person=person)
    assert r["Location"] == reverse("plans:action_add", args=[goal.pk])
    assert goal.cycle == Cycle.objects.get(person=person)
    page = c.get(
        reverse("plans:action_add", args=[goal.pk]) + "?asset_id=svc-9&asset_name=Walking+group"
    )
    assert 'value="svc-9"' in page.content.decode() and "Mum" in page.content.decode()
    r = c.post(
        reverse("plans:action_add", args=[goal.pk]),
        {
            "description": "Go to the walking group",
            "kind": "new",
            "asset_id": "svc-9",
            "asset_name": "Walking group",
            "member_key": "",
            "due_date": TODAY.isoformat(),
        },
    )
    assert r.status_code == 302
    action = Action.objects.get(goal=goal)
    r = c.post(
        reverse("plans:follow_up_add", args=[action.pk]),
        {
            "date": TODAY.isoformat(),
            "happened": "no",
            "barriers": ["transport"],
            "next_step": "replan",
            "next_follow_up": (TODAY + dt.timedelta(7)).isoformat(),
            "notes": "Go with a buddy",
        },
    )
    assert r.status_code == 302
    r = c.post(
        reverse("plans:follow_up_add", args=[action.pk]),
        {"date": TODAY.isoformat(), "happened": "yes", "next_step": "done"},
    )
    assert "alone or with someone" in r.content.decode()
    c.post(
        reverse("plans:follow_up_add", args=[action.pk]),
        {"date": TODAY.isoformat(), "happened": "yes", "company": "peer", "next_step": "done"},
    )
    assert FollowUp.objects.filter(action=action).count() == 2
    page = c.get(reverse("plans:plan", args=[person.pk])).content.decode()
    assert "I want to walk with others" in page and "Transport" in page and "Happened" in page
    cycle = Cycle.objects.get(person=person)
    c.post(reverse("plans:review_start", args=[cycle.pk]), {"date": TODAY.isoformat()})
    cycle.refresh_from_db()
    assert cycle.stage == "review" and Map.objects.filter(person=person, status="draft").exists()
    c.post(reverse("plans:review_close", args=[cycle.pk]), {"note": "Going every week now."})
    cycle.refresh_from_db()
    assert cycle.stage == "closed"
    detail = c.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Plan and progress" in detail and reverse("plans:progress", args=[person.pk]) in detail


def test_questionnaire_pages(world: World) -> None:
    person = make_person(world.north, "Casey")
    c = _client(world)
    url = reverse("outcomes:response_add", args=[person.pk, "ons-loneliness"])
    page = c.get(url).content.decode()
    assert "How often do you feel that you lack companionship?" in page
    r = c.post(url, {"date": TODAY.isoformat(), "item_left_out": "2", "sign": "1"})
    assert r.status_code == 200 and "before signing" in r.content.decode()
    assert not Response.objects.exists()
    r = c.post(url, {"date": TODAY.isoformat(), "item_left_out": "9"})
    assert r.status_code == 200 and "govuk-error-message" in r.content.decode()
    answers = {
        "item_lack_companionship": "3",
        "item_left_out": "3",
        "item_isolated": "2",
        "item_lonely": "5",
    }
    r = c.post(url, {"date": TODAY.isoformat(), **answers, "sign": "1"})
    response = Response.objects.get()
    assert r["Location"] == reverse("outcomes:response", args=[response.pk])
    assert response.total == 8 and response.is_signed
    assert c.get(reverse("outcomes:edit", args=[response.pk]))["Location"] == reverse(
        "outcomes:amend", args=[response.pk]
    )
    r = c.post(
        reverse("outcomes:amend", args=[response.pk]),
        {"date": TODAY.isoformat(), **answers, "item_isolated": "1"},
    )
    assert "Say why" in r.content.decode()
    c.post(
        reverse("outcomes:amend", args=[response.pk]),
        {"date": TODAY.isoformat(), **answers, "item_isolated": "1", "reason": "Misheard"},
    )
    response.refresh_from_db()
    assert response.total == 7 and Amendment.objects.get().reason == "Misheard"
    detail = c.get(reverse("outcomes:response", args=[response.pk])).content.decode()
    assert "Misheard" in detail and "Lonely (6 to 9)" in detail
    assert c.get(reverse("outcomes:response_add", args=[person.pk, "lsns6"])).status_code == 404
    r = c.post(
        reverse("outcomes:schedule", args=[person.pk]),
        {
            "instrument_id": "ons4",
            "every_months": "3",
            "start_on": TODAY.isoformat(),
            "active": "on",
        },
    )
    assert r.status_code == 302
    assert "ons4" in c.get(reverse("outcomes:due")).content.decode()


def test_progress_page(world: World) -> None:
    person = make_person(world.north, "Casey")
    make_map(person, MEMBERS, status=MapStatus.FINAL, date=TODAY - dt.timedelta(days=200))
    make_map(
        person,
        [
            *MEMBERS,
            {
                "key": "walk",
                "label": "Walking group",
                "kind": "group",
                "circle": 3,
                "asset_id": "svc-1",
            },
        ],
        status=MapStatus.FINAL,
        date=TODAY - dt.timedelta(days=10),
    )
    records = plan_records(person, world["ana"])
    Action.objects.filter(pk=records.action.pk).update(asset_id="svc-1", asset_name="Walking group")
    FollowUp.objects.create(
        action=records.action, date=TODAY, happened="yes", company="peer", next_step="done"
    )
    from kith.instruments import load_builtin
    from kith.outcomes.actions import do_create_response

    do_create_response(
        world["ana"],
        person,
        load_builtin("ons4"),
        date=TODAY,
        answers={"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 6},
        sign=True,
    )
    page = _client(world).get(reverse("plans:progress", args=[person.pk])).content.decode()
    assert "1 new connection (Walking group)" in page
    assert (
        page.count('role="img"') == 3 + 1 + 4
    )  # three map charts, loneliness, four ONS4 questions
    assert "never added up" in page and "Lonely (6 to 9)" in page
    assert "<desc" in page and "<caption" in page and "Kept" in page


def test_caseload_panel_has_a_fixed_query_count(world: World) -> None:
    def load() -> tuple[int, str]:
        c = _client(world)
        with CaptureQueriesContext(connection) as ctx:
            html = c.get(reverse("people:caseload")).content.decode()
        return len(ctx.captured_queries), html

    def add(n: int) -> None:
        for i in range(n):
            person = make_person(world.north, f"Person {i}")
            goal = do_create_goal(world["ana"], person, wording="w", owner="person")
            do_add_action(
                world["ana"], goal, description=f"Late step {i}", due_date=TODAY - dt.timedelta(2)
            )

    add(2)
    few, html = load()
    assert "Late step 0" in html and "Overdue steps and follow-ups" in html
    add(12)
    many, html = load()
    assert few == many
    assert reverse("plans:overdue") in html  # more than the panel shows


def test_fidelity_and_team_view(world: World) -> None:
    c = _client(world)
    r = c.post(
        reverse("plans:fidelity_add"),
        {
            "date": TODAY.isoformat(),
            "team": str(world.north.pk),
            "agency_time": "3",
            "worker_hope": "1",
        },
    )
    assert r.status_code == 302
    a = FidelityAssessment.objects.get()
    assert a.scores["levels"]["agency"] == 100.0 and a.overall == pytest.approx(
        (100 + 33.3) / 2, abs=0.1
    )
    r = c.post(
        reverse("plans:fidelity_add"), {"date": TODAY.isoformat(), "team": str(world.south.pk)}
    )
    assert r.status_code == 200 and FidelityAssessment.objects.count() == 1
    assert "Your scores by quarter" in c.get(reverse("plans:fidelity")).content.decode()
    person = make_person(world.north, "Casey")
    plan_records(person, world["ana"])
    page = _client(world, "lee").get(reverse("plans:team", args=[world.north.pk])).content.decode()
    assert "1 of 1" in page  # people with a goal
    assert "0 of 1" in page  # planned connections that happened
    assert "Fidelity trend" in page and "<svg" in page


@pytest.mark.parametrize(
    "name",
    [
        "plans:goal_edit",
        "plans:interest_remove",
        "plans:follow_up_add",
        "outcomes:sign",
        "outcomes:amend",
    ],
)
def test_other_teams_cannot_write(world: World, name: str) -> None:
    person = make_person(world.north, "Casey")
    rec = plan_records(person, world["ana"])
    arg = {
        "plans:goal_edit": rec.goal.pk,
        "plans:interest_remove": rec.interest.pk,
        "plans:follow_up_add": rec.action.pk,
        "outcomes:sign": rec.draft_response.pk,
        "outcomes:amend": rec.signed_response.pk,
    }[name]
    for persona in ("ben", "admin", "dee"):
        r = _client(world, persona).post(
            reverse(name, args=[arg]),
            {
                "wording": "X",
                "owner": "person",
                "status": "active",
                "date": TODAY.isoformat(),
                "happened": "no",
                "next_step": "stop",
                "reason": "x",
            },
        )
        assert r.status_code == 404, (name, persona)
    assert Goal.objects.get().wording == "Get out more" and Interest.objects.exists()
    assert (
        FollowUp.objects.count() == 1
        and not Response.objects.get(pk=rec.draft_response.pk).is_signed
    )
    assert not Amendment.objects.exists()
