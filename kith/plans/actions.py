"""Every write to the plan records (each in one transaction).

Follow-ups move their action on: it *happened* → the action is done (unless the person keeps
going); *stop* → dropped; *try again* or *change the plan* → still planned, with a new date to
follow up by. A review starts a new draft map through :func:`kith.maps.actions.do_create_map`
(a copy of the last final map) and lists the questionnaires due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kith.maps.actions import DraftExists, do_create_map
from kith.maps.models import Map, MapStatus
from kith.outcomes.access import due_for_person
from kith.plans import fidelity
from kith.plans.models import (
    MEMBER_KINDS,
    STAGE_ORDER,
    Action,
    ActionKind,
    ActionStatus,
    Cycle,
    FidelityAssessment,
    FollowUp,
    Goal,
    GoalStatus,
    Happened,
    Interest,
    Next,
    Stage,
)

if TYPE_CHECKING:
    from kith.accounts.models import Team, User
    from kith.people.models import Person


class PlanError(ValueError):
    """A change to a plan that cannot be made (the message says why, for the person)."""


# -- interests --------------------------------------------------------------------------------


@transaction.atomic
def do_add_interest(user: User, person: Person, text: str, term_ids: Iterable[str]) -> Interest:
    position = (Interest.objects.filter(person=person).aggregate(m=Max("position"))["m"] or 0) + 1
    interest = Interest(
        person=person,
        text=text.strip(),
        term_ids=sorted(set(term_ids)),
        position=position,
        created_by=user,
    )
    interest.full_clean()
    interest.save()
    return interest


@transaction.atomic
def do_update_interest(
    user: User, interest: Interest, text: str, term_ids: Iterable[str]
) -> Interest:
    interest.text = text.strip()
    interest.term_ids = sorted(set(term_ids))
    interest.full_clean()
    interest.save()
    return interest


@transaction.atomic
def do_remove_interest(user: User, interest: Interest) -> None:
    interest.delete()


# -- goals and actions ------------------------------------------------------------------------

GOAL_FIELDS = ("wording", "owner", "chime", "target_date", "status")


@transaction.atomic
def do_create_goal(user: User, person: Person, **fields: Any) -> Goal:
    goal = Goal(
        person=person, created_by=user, **{k: fields[k] for k in GOAL_FIELDS if k in fields}
    )
    if goal.cycle_id is None:
        open_cycle = Cycle.objects.filter(person=person).exclude(stage=Stage.CLOSED).last()
        goal.cycle = open_cycle
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def do_update_goal(user: User, goal: Goal, **fields: Any) -> Goal:
    for name in GOAL_FIELDS:
        if name in fields:
            setattr(goal, name, fields[name])
    goal.full_clean()
    goal.save()
    return goal


ACTION_FIELDS = (
    "description",
    "kind",
    "asset_id",
    "asset_name",
    "member_key",
    "due_date",
    "follow_up_by",
    "status",
)


def _member_label(person_id: int, key: str) -> str:
    """The label of the member ``key`` on the person's latest map (``PlanError`` if none)."""
    from kith.maps.models import MapMember

    member = (
        MapMember.objects.filter(map__person_id=person_id, key=key)
        .order_by("-map__date", "-map_id")
        .first()
    )
    if member is None:
        raise PlanError(f"'{key}' is not on any of this person's maps")
    return member.label or member.key


def _check_action(action: Action) -> None:
    if action.kind in MEMBER_KINDS and not action.member_key:
        raise PlanError("Choose who on the map this step is about")
    if action.member_key:
        action.member_label = _member_label(action.goal.person_id, action.member_key)
    else:
        action.member_label = ""
    if not action.asset_id:
        action.asset_name = ""
    if action.due_date and action.follow_up_by and action.follow_up_by < action.due_date:
        raise PlanError("The follow-up date must be on or after the date the step should happen")
    action.full_clean()


@transaction.atomic
def do_add_action(user: User, goal: Goal, **fields: Any) -> Action:
    action = Action(
        goal=goal, created_by=user, **{k: fields[k] for k in ACTION_FIELDS if k in fields}
    )
    if action.asset_id and action.kind == ActionKind.OTHER:
        action.kind = ActionKind.NEW
    _check_action(action)
    action.save()
    return action


@transaction.atomic
def do_update_action(user: User, action: Action, **fields: Any) -> Action:
    for name in ACTION_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    _check_action(action)
    action.save()
    return action


@transaction.atomic
def do_record_follow_up(user: User, action: Action, **fields: Any) -> FollowUp:
    """Record what happened with a step and move the step on."""
    locked = Action.objects.select_for_update().get(pk=action.pk)
    follow_up = FollowUp(action=locked, recorded_by=user, was_due=locked.check_by(), **fields)
    barriers = list(dict.fromkeys(follow_up.barriers or []))
    follow_up.barriers = barriers
    if "other" not in barriers:
        follow_up.barrier_other = ""
    if follow_up.happened == Happened.NO:
        follow_up.company = ""
    elif not follow_up.company:
        raise PlanError("Say whether the person went alone or with someone")
    if follow_up.next_step in (Next.RETRY, Next.REPLAN, Next.KEEP):
        if follow_up.next_follow_up is None:
            raise PlanError("Give a date to follow up again by")
        if follow_up.next_follow_up <= follow_up.date:
            raise PlanError("The next follow-up must be after this one")
    else:
        follow_up.next_follow_up = None
    follow_up.full_clean()
    follow_up.save()
    if follow_up.next_step == Next.STOP:
        locked.status = ActionStatus.DROPPED
    elif follow_up.next_step == Next.DONE:
        happened = follow_up.happened != Happened.NO
        locked.status = ActionStatus.DONE if happened else ActionStatus.DROPPED
    else:
        locked.status = ActionStatus.OPEN
        locked.follow_up_by = follow_up.next_follow_up
    locked.save(update_fields=["status", "follow_up_by", "updated_at"])
    action.status, action.follow_up_by = locked.status, locked.follow_up_by
    return follow_up


# -- cycles and reviews -----------------------------------------------------------------------


@transaction.atomic
def do_start_cycle(user: User, person: Person, date: dt.date | None = None) -> Cycle:
    """Start a new round at *assess* (refused while another round is open)."""
    from kith.people.models import Person as PersonModel

    PersonModel.objects.select_for_update().filter(pk=person.pk).first()
    if Cycle.objects.filter(person=person).exclude(stage=Stage.CLOSED).exists():
        raise PlanError("Finish the current round with a review before starting another")
    number = (Cycle.objects.filter(person=person).aggregate(m=Max("number"))["m"] or 0) + 1
    return Cycle.objects.create(
        person=person,
        number=number,
        assess_on=date or timezone.localdate(),
        created_by=user,
    )


STAGE_DATE = {
    Stage.PLAN: "plan_on",
    Stage.SUPPORT: "support_on",
    Stage.REVIEW: "review_on",
    Stage.CLOSED: "closed_on",
}


@transaction.atomic
def do_advance_cycle(user: User, cycle: Cycle, date: dt.date | None = None) -> Cycle:
    """Move to the next stage (assess → plan → support). Use :func:`do_start_review` to review."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    index = STAGE_ORDER.index(Stage(locked.stage))
    nxt = STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None
    if nxt not in (Stage.PLAN, Stage.SUPPORT):
        raise PlanError("Start the review to move on from here")
    date = date or timezone.localdate()
    previous = getattr(locked, "assess_on" if index == 0 else STAGE_DATE[STAGE_ORDER[index]])
    if previous and date < previous:
        raise PlanError("A stage cannot start before the one before it")
    locked.stage = nxt
    setattr(locked, STAGE_DATE[nxt], date)
    locked.save()
    return locked


@transaction.atomic
def do_start_review(user: User, cycle: Cycle, date: dt.date | None = None) -> Cycle:
    """Start the review: propose a new map (a draft copying the last final map) and list the
    questionnaires due. An existing draft map is used as it is."""
    locked = Cycle.objects.select_for_update().select_related("person").get(pk=cycle.pk)
    if locked.stage == Stage.CLOSED:
        raise PlanError("This round has been reviewed already")
    if locked.stage == Stage.REVIEW:
        return locked
    date = date or timezone.localdate()
    if date < locked.assess_on:
        raise PlanError("The review cannot be before the assessment")
    person = locked.person
    try:
        review_map = do_create_map(user, person, date=date)
    except DraftExists as exists:
        review_map = exists.map
    due = due_for_person(person, date + dt.timedelta(days=31))
    locked.questionnaires_due = sorted({d.instrument_id for d in due})
    locked.review_map = review_map
    locked.stage = Stage.REVIEW
    locked.review_on = date
    locked.save()
    return locked


@transaction.atomic
def do_close_review(user: User, cycle: Cycle, note: str, date: dt.date | None = None) -> Cycle:
    """End the review with a short note; the round is closed."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.stage != Stage.REVIEW:
        raise PlanError("Start the review before writing the review note")
    if not note.strip():
        raise PlanError("Write a short review note")
    locked.review_note = note.strip()
    locked.stage = Stage.CLOSED
    locked.closed_on = date or timezone.localdate()
    locked.save()
    return locked


def review_map_is_final(cycle: Cycle) -> bool:
    return cycle.review_map is not None and cycle.review_map.status == MapStatus.FINAL


def latest_final_map(person: Person) -> Map | None:
    return (
        Map.objects.filter(person=person, status=MapStatus.FINAL).order_by("-date", "-id").first()
    )


# -- fidelity ---------------------------------------------------------------------------------


@transaction.atomic
def do_record_fidelity(
    user: User, team: Team, date: dt.date, answers: dict[str, int | None], note: str = ""
) -> FidelityAssessment:
    if team.pk not in user.caseload_team_ids():
        raise PlanError("You can only assess your own team's practice")
    known = set(fidelity.item_ids())
    unknown = set(answers) - known
    if unknown:
        raise PlanError(f"Unknown fidelity items: {', '.join(sorted(unknown))}")
    scored = fidelity.score_fidelity(answers)
    return FidelityAssessment.objects.create(
        team=team,
        user=user,
        date=date,
        answers={k: v for k, v in answers.items() if v is not None},
        scores=scored,
        overall=scored["overall"],
        note=note.strip(),
    )


def goal_status_done(goal: Goal) -> bool:
    return goal.status in (GoalStatus.ACHIEVED, GoalStatus.STOPPED, GoalStatus.CHANGED)
