"""Interests, goals, steps, follow-ups, overdue, rounds and reviews (kith.plans.actions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.accounts.testing import World, make_map, make_person
from kith.maps.models import Map, MapStatus
from kith.outcomes.actions import do_set_schedule
from kith.plans import access
from kith.plans.actions import (
    PlanError,
    do_add_action,
    do_add_interest,
    do_advance_cycle,
    do_close_review,
    do_create_goal,
    do_record_follow_up,
    do_start_cycle,
    do_start_review,
)
from kith.plans.fidelity import item_ids, score_fidelity
from kith.plans.models import ActionStatus, Stage

TODAY = dt.date.today()
MEMBERS = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "sol", "label": "Brother Sol", "relationship": "family", "circle": 3},
]


def _goal(world: World, person=None):
    person = person or make_person(world.north, "Casey")
    return do_create_goal(world["ana"], person, wording="I want to get out more", owner="both")


def test_interest_keeps_words_and_term_ids(world: World) -> None:
    person = make_person(world.north)
    i = do_add_interest(world["ana"], person, "  I'd like to get out into nature ", ["b", "a", "a"])
    assert i.text == "I'd like to get out into nature" and i.term_ids == ["a", "b"]
    j = do_add_interest(world["ana"], person, "Music", [])
    assert j.position == i.position + 1


def test_full_follow_up_story(world: World) -> None:
    """Didn't go (transport) → re-plan with a buddy → it happened."""
    goal = _goal(world)
    ana = world["ana"]
    action = do_add_action(
        ana,
        goal,
        description="Go to the walking group",
        asset_id="svc-123",
        asset_name="Hollow Oak walking group",
        due_date=TODAY - dt.timedelta(days=10),
    )
    assert action.kind == "new"  # an asset makes it a new connection
    assert action.overdue(TODAY)
    first = do_record_follow_up(
        ana,
        action,
        date=TODAY - dt.timedelta(days=8),
        happened="no",
        company="worker",  # ignored: it did not happen
        barriers=["transport", "transport"],
        next_step="replan",
        next_follow_up=TODAY + dt.timedelta(days=7),
        notes="Go with a buddy from the group",
    )
    assert first.company == "" and first.barriers == ["transport"]
    assert not first.on_time()  # it was due ten days ago, followed up eight days ago
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and action.follow_up_by == TODAY + dt.timedelta(7)
    assert not action.overdue(TODAY)
    second = do_record_follow_up(
        ana, action, date=TODAY, happened="yes", company="peer", next_step="done"
    )
    assert second.on_time()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_follow_up_rules(world: World) -> None:
    action = do_add_action(world["ana"], _goal(world), description="Call Sol")
    with pytest.raises(PlanError, match="alone or with someone"):
        do_record_follow_up(world["ana"], action, date=TODAY, happened="yes", next_step="done")
    with pytest.raises(PlanError, match="follow up again"):
        do_record_follow_up(world["ana"], action, date=TODAY, happened="no", next_step="retry")
    stop = do_record_follow_up(world["ana"], action, date=TODAY, happened="no", next_step="stop")
    assert stop.action.status == ActionStatus.DROPPED


def test_member_actions_need_a_member_on_the_map(world: World) -> None:
    person = make_person(world.north)
    make_map(person, MEMBERS, status=MapStatus.FINAL)
    goal = _goal(world, person)
    with pytest.raises(PlanError, match="who on the map"):
        do_add_action(world["ana"], goal, description="Reconnect", kind="reconnect")
    with pytest.raises(PlanError, match="not on any"):
        do_add_action(world["ana"], goal, description="x", kind="more", member_key="nobody")
    action = do_add_action(
        world["ana"], goal, description="Ring Sol", kind="reconnect", member_key="sol"
    )
    assert action.member_label == "Brother Sol"


def test_overdue_counts_in_a_fixed_number_of_queries(world: World) -> None:
    people = [make_person(world.north, f"P{i}") for i in range(6)]
    for i, person in enumerate(people):
        goal = _goal(world, person)
        late = do_add_action(
            world["ana"], goal, description="late", due_date=TODAY - dt.timedelta(3)
        )
        do_add_action(world["ana"], goal, description="later", due_date=TODAY + dt.timedelta(3))
        if i % 2:
            do_record_follow_up(
                world["ana"],
                late,
                date=TODAY - dt.timedelta(2),
                happened="no",
                next_step="retry",
                next_follow_up=TODAY - dt.timedelta(1),
            )
    other = make_person(world.south, "Elsewhere")
    do_add_action(
        world["ben"], _goal(world, other), description="x", due_date=TODAY - dt.timedelta(5)
    )
    with CaptureQueriesContext(connection) as ctx:
        counts = access.overdue_by_person([p.pk for p in people], TODAY)
    assert len(ctx.captured_queries) == 1
    assert counts[people[0].pk].actions == 1 and counts[people[0].pk].follow_ups == 0
    assert counts[people[1].pk].actions == 0 and counts[people[1].pk].follow_ups == 1
    world["ana"]._caseload_team_ids = None
    with CaptureQueriesContext(connection) as ctx:
        rows = list(access.overdue_actions_for_user(world["ana"], TODAY))
    assert len(ctx.captured_queries) <= 2  # the user's teams, then one query
    assert len(rows) == 6 and all(r.goal.person.team_id == world.north.pk for r in rows)
    assert sum(1 for r in rows if r.follow_up_count) == 3


def test_a_round_from_assess_to_review(world: World) -> None:
    person = make_person(world.north)
    final = make_map(person, MEMBERS, [("mum", "sol")], status=MapStatus.FINAL)
    do_set_schedule(world["ana"], person, "ons-loneliness", every_months=3, start_on=TODAY)
    start = TODAY - dt.timedelta(days=60)
    cycle = do_start_cycle(world["ana"], person, start)
    with pytest.raises(PlanError):
        do_start_cycle(world["ana"], person)
    goal = do_create_goal(world["ana"], person, wording="See Sol", owner="person")
    assert goal.cycle == cycle
    with pytest.raises(PlanError, match="before the one before"):
        do_advance_cycle(world["ana"], cycle, start - dt.timedelta(days=1))
    cycle = do_advance_cycle(world["ana"], cycle, start + dt.timedelta(days=1))
    cycle = do_advance_cycle(world["ana"], cycle, start + dt.timedelta(days=2))
    assert cycle.stage == Stage.SUPPORT
    with pytest.raises(PlanError, match="review"):
        do_advance_cycle(world["ana"], cycle)
    with pytest.raises(PlanError, match="Start the review"):
        do_close_review(world["ana"], cycle, "note")
    cycle = do_start_review(world["ana"], cycle, TODAY)
    assert cycle.stage == Stage.REVIEW and cycle.questionnaires_due == ["ons-loneliness"]
    review_map = Map.objects.get(pk=cycle.review_map_id)
    assert review_map.is_draft and review_map.based_on == final
    assert set(review_map.members.values_list("key", flat=True)) == {"mum", "sol"}
    with pytest.raises(PlanError, match="short review note"):
        do_close_review(world["ana"], cycle, "  ")
    cycle = do_close_review(world["ana"], cycle, "Sol came to visit twice.")
    assert cycle.stage == Stage.CLOSED and cycle.closed_on == TODAY
    assert [s["done"] for s in cycle.stages()] == [True] * 5
    second = do_start_cycle(world["ana"], person)
    assert second.number == 2


def test_review_uses_an_existing_draft(world: World) -> None:
    person = make_person(world.north)
    draft = make_map(person, MEMBERS)
    cycle = do_start_review(world["ana"], do_start_cycle(world["ana"], person, TODAY), TODAY)
    assert cycle.review_map == draft


def test_fidelity_scoring() -> None:
    assert len(item_ids()) == 16
    scored = score_fidelity({"agency_time": 3, "agency_links": 1, "worker_hope": 3})
    assert scored["levels"] == {
        "agency": 66.7,
        "practice": None,
        "individual": None,
        "worker": 100.0,
    }
    assert scored["overall"] == 83.3
    with pytest.raises(ValueError, match="not 0 to 3"):
        score_fidelity({"agency_time": 4})
