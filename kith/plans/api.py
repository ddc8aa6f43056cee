"""JSON API for goals, actions (steps) and follow-ups: /api/v1/…

Same access rules as the pages (404 for other teams' records); writes go through
``actions.py``; a value the rules refuse is 422 with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kith.people.access import get_person_for_user
from kith.plans import access
from kith.plans.actions import (
    PlanError,
    do_add_action,
    do_create_goal,
    do_record_follow_up,
    do_update_action,
    do_update_goal,
)
from kith.plans.models import BARRIERS, CHIME, Action, FollowUp, Goal

router = Router(tags=["plans"])


class FollowUpOut(Schema):
    id: int
    date: dt.date
    happened: str
    company: str
    barriers: list[str]
    barrier_other: str
    next_step: str
    next_follow_up: dt.date | None
    notes: str
    on_time: bool

    @staticmethod
    def of(f: FollowUp) -> FollowUpOut:
        return FollowUpOut(
            id=f.pk,
            date=f.date,
            happened=f.happened,
            company=f.company,
            barriers=list(f.barriers),
            barrier_other=f.barrier_other,
            next_step=f.next_step,
            next_follow_up=f.next_follow_up,
            notes=f.notes,
            on_time=f.on_time(),
        )


class ActionOut(Schema):
    id: int
    goal: int
    description: str
    kind: str
    asset_id: str
    asset_name: str
    member_key: str
    member_label: str
    due_date: dt.date | None
    follow_up_by: dt.date | None
    status: str
    follow_ups: list[FollowUpOut]

    @staticmethod
    def of(a: Action) -> ActionOut:
        return ActionOut(
            id=a.pk,
            goal=a.goal_id,
            description=a.description,
            kind=a.kind,
            asset_id=a.asset_id,
            asset_name=a.asset_name,
            member_key=a.member_key,
            member_label=a.member_label,
            due_date=a.due_date,
            follow_up_by=a.follow_up_by,
            status=a.status,
            follow_ups=[FollowUpOut.of(f) for f in a.follow_ups.all()],
        )


class GoalOut(Schema):
    id: int
    person: int
    wording: str
    owner: str
    chime: list[str]
    target_date: dt.date | None
    status: str
    cycle: int | None
    actions: list[ActionOut]

    @staticmethod
    def of(g: Goal) -> GoalOut:
        return GoalOut(
            id=g.pk,
            person=g.person_id,
            wording=g.wording,
            owner=g.owner,
            chime=list(g.chime),
            target_date=g.target_date,
            status=g.status,
            cycle=g.cycle.number if g.cycle_id and g.cycle else None,
            actions=[ActionOut.of(a) for a in g.actions.all()],
        )


class GoalIn(Schema):
    wording: str
    owner: str
    chime: list[str] = Field(default_factory=list)
    target_date: dt.date | None = None
    status: str = "active"


class GoalPatch(Schema):
    wording: str | None = None
    owner: str | None = None
    chime: list[str] | None = None
    target_date: dt.date | None = None
    status: str | None = None


class ActionIn(Schema):
    description: str
    kind: str = "other"
    asset_id: str = ""
    asset_name: str = ""
    member_key: str = ""
    due_date: dt.date | None = None
    follow_up_by: dt.date | None = None


class ActionPatch(Schema):
    description: str | None = None
    kind: str | None = None
    asset_id: str | None = None
    asset_name: str | None = None
    member_key: str | None = None
    due_date: dt.date | None = None
    follow_up_by: dt.date | None = None
    status: str | None = None


class FollowUpIn(Schema):
    date: dt.date
    happened: str
    company: str = ""
    barriers: list[str] = Field(default_factory=list)
    barrier_other: str = ""
    next_step: str
    next_follow_up: dt.date | None = None
    notes: str = ""


def _unprocessable(error: Exception) -> HttpError:
    if isinstance(error, ValidationError):
        parts = [f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()]
        return HttpError(422, "; ".join(parts))
    return HttpError(422, str(error))


def _check_lists(chime: list[str] | None = None, barriers: list[str] | None = None) -> None:
    if chime is not None:
        bad = set(chime) - {c for c, _ in CHIME}
        if bad:
            raise HttpError(422, f"chime: unknown domains {', '.join(sorted(bad))}")
    if barriers is not None:
        bad = set(barriers) - {b for b, _ in BARRIERS}
        if bad:
            raise HttpError(422, f"barriers: unknown barriers {', '.join(sorted(bad))}")


def _fresh_goal(goal_id: int) -> Goal:
    return access.goal_with_steps(Goal(pk=goal_id))


@router.get("/people/{person_id}/goals", response=list[GoalOut], url_name="plans_goals")
def goals(request: HttpRequest, person_id: int) -> list[GoalOut]:
    person = get_person_for_user(request.user, person_id)
    return [GoalOut.of(g) for g in access.goals_of_person(person)]


@router.post("/people/{person_id}/goals", response={201: GoalOut}, url_name="plans_goal_create")
def goal_create(request: HttpRequest, person_id: int, body: GoalIn) -> Status[GoalOut]:
    person = get_person_for_user(request.user, person_id)
    _check_lists(chime=body.chime)
    try:
        goal = do_create_goal(request.user, person, **body.dict())
    except (ValidationError, PlanError) as error:
        raise _unprocessable(error) from None
    return Status(201, GoalOut.of(_fresh_goal(goal.pk)))


@router.get("/goals/{goal_id}", response=GoalOut, url_name="plans_goal_detail")
def goal_detail(request: HttpRequest, goal_id: int) -> GoalOut:
    goal = access.get_goal_for_user(request.user, goal_id)
    return GoalOut.of(_fresh_goal(goal.pk))


@router.patch("/goals/{goal_id}", response=GoalOut, url_name="plans_goal_update")
def goal_update(request: HttpRequest, goal_id: int, body: GoalPatch) -> GoalOut:
    goal = access.get_goal_for_user(request.user, goal_id)
    fields: dict[str, Any] = body.dict(exclude_unset=True)
    _check_lists(chime=fields.get("chime"))
    try:
        do_update_goal(request.user, goal, **fields)
    except (ValidationError, PlanError) as error:
        raise _unprocessable(error) from None
    return GoalOut.of(_fresh_goal(goal.pk))


@router.post("/goals/{goal_id}/actions", response={201: ActionOut}, url_name="plans_action_create")
def action_create(request: HttpRequest, goal_id: int, body: ActionIn) -> Status[ActionOut]:
    goal = access.get_goal_for_user(request.user, goal_id)
    try:
        action = do_add_action(request.user, goal, **body.dict())
    except (ValidationError, PlanError) as error:
        raise _unprocessable(error) from None
    return Status(201, ActionOut.of(action))


@router.get("/actions/{action_id}", response=ActionOut, url_name="plans_action_detail")
def action_detail(request: HttpRequest, action_id: int) -> ActionOut:
    return ActionOut.of(access.get_action_for_user(request.user, action_id))


@router.patch("/actions/{action_id}", response=ActionOut, url_name="plans_action_update")
def action_update(request: HttpRequest, action_id: int, body: ActionPatch) -> ActionOut:
    action = access.get_action_for_user(request.user, action_id)
    try:
        do_update_action(request.user, action, **body.dict(exclude_unset=True))
    except (ValidationError, PlanError) as error:
        raise _unprocessable(error) from None
    return ActionOut.of(access.get_action_for_user(request.user, action_id))


@router.post(
    "/actions/{action_id}/follow-ups",
    response={201: FollowUpOut},
    url_name="plans_follow_up_create",
)
def follow_up_create(request: HttpRequest, action_id: int, body: FollowUpIn) -> Status[FollowUpOut]:
    action = access.get_action_for_user(request.user, action_id)
    _check_lists(barriers=body.barriers)
    try:
        follow_up = do_record_follow_up(request.user, action, **body.dict())
    except (ValidationError, PlanError) as error:
        raise _unprocessable(error) from None
    return Status(201, FollowUpOut.of(follow_up))
