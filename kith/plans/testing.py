"""Test helpers: a person's plan records (goal, step, follow-up, interest, round, questionnaires).

Used by the access matrix (kith/accounts/tests/test_access_matrix.py) and the apps' tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kith.instruments import load_builtin
from kith.outcomes.actions import do_create_response
from kith.outcomes.models import Response
from kith.plans.models import Action, Cycle, FollowUp, Goal, Interest

ONS_LONELY = {"lack_companionship": 2, "left_out": 2, "isolated": 3, "lonely": 4}


@dataclass
class PlanRecords:
    interest: Interest
    goal: Goal
    action: Action
    follow_up: FollowUp
    cycle: Cycle
    draft_response: Response
    signed_response: Response


def plan_records(person: Any, user: Any = None) -> PlanRecords:
    """Make (once per person object) one of each plan record for ``person``."""
    cached: PlanRecords | None = getattr(person, "_plan_records", None)
    if cached is not None:
        return cached
    today = dt.date.today()
    interest = Interest.objects.create(person=person, text="I would like to be outdoors")
    cycle = Cycle.objects.create(person=person, number=1, assess_on=today - dt.timedelta(days=30))
    goal = Goal.objects.create(
        person=person, cycle=cycle, wording="Get out more", owner="both", chime=["connectedness"]
    )
    action = Action.objects.create(
        goal=goal, description="Try the walking group", kind="new", due_date=today
    )
    follow_up = FollowUp.objects.create(
        action=action, date=today, happened="no", barriers=["transport"], next_step="retry"
    )
    ons = load_builtin("ons-loneliness")
    draft = do_create_response(user, person, ons, date=today, answers={"left_out": 1})
    signed = do_create_response(user, person, ons, date=today, answers=ONS_LONELY, sign=True)
    records = PlanRecords(interest, goal, action, follow_up, cycle, draft, signed)
    person._plan_records = records
    return records
