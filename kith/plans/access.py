"""Permission-scoped reads of the plan records (team scope through the person; 404 otherwise)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from kith.accounts.access import get_scoped, record_id
from kith.accounts.models import Role
from kith.plans.models import (
    Action,
    ActionStatus,
    Cycle,
    FidelityAssessment,
    FollowUp,
    Goal,
    Interest,
)

if TYPE_CHECKING:
    from kith.accounts.models import Team, User
    from kith.assets.matching import Suggestion
    from kith.people.models import Person


def _teams(user: User) -> list[int]:
    return user.caseload_team_ids() if user.is_authenticated else []


def get_interest_for_user(user: User, interest_id: int | str) -> Interest:
    scoped = Interest.objects.filter(person__team_id__in=_teams(user)).select_related("person")
    return get_scoped(scoped, interest_id, "interest")


def get_goal_for_user(user: User, goal_id: int | str) -> Goal:
    scoped = Goal.objects.filter(person__team_id__in=_teams(user)).select_related(
        "person", "person__team"
    )
    return get_scoped(scoped, goal_id, "goal")


def get_action_for_user(user: User, action_id: int | str) -> Action:
    scoped = Action.objects.filter(goal__person__team_id__in=_teams(user)).select_related(
        "goal", "goal__person", "goal__person__team"
    )
    return get_scoped(scoped, action_id, "action")


def get_follow_up_for_user(user: User, follow_up_id: int | str) -> FollowUp:
    scoped = FollowUp.objects.filter(action__goal__person__team_id__in=_teams(user)).select_related(
        "action", "action__goal", "action__goal__person"
    )
    return get_scoped(scoped, follow_up_id, "follow-up")


def get_cycle_for_user(user: User, cycle_id: int | str) -> Cycle:
    scoped = Cycle.objects.filter(person__team_id__in=_teams(user)).select_related(
        "person", "review_map"
    )
    return get_scoped(scoped, cycle_id, "cycle")


def interests_of_person(person: Person) -> QuerySet[Interest]:
    return Interest.objects.filter(person=person).order_by("position", "id")


#: How many assets the step form suggests.
SUGGESTIONS = 5


def suggested_assets(person: Person, size: int = SUGGESTIONS) -> list[Suggestion]:
    """Directory services that fit the person's interests, most interests met first.

    The interests' taxonomy terms and words go to :func:`kith.assets.matching.shortlist` as
    unsaved interest statements (the directory's own statements are the editors' list).
    """
    from kith.assets.matching import shortlist
    from kith.assets.models import InterestStatement

    statements = [
        InterestStatement(text=i.text, term_refs=i.term_ids)
        for i in interests_of_person(person)
        if i.term_ids
    ]
    if not statements:
        return []
    return shortlist(statements, needs=set(), point=None, size=size)


def _with_steps(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.prefetch_related(
        Prefetch(
            "actions",
            queryset=Action.objects.order_by("due_date", "id").prefetch_related(
                Prefetch("follow_ups", queryset=FollowUp.objects.order_by("date", "id"))
            ),
        )
    ).select_related("cycle")


def goals_of_person(person: Person) -> QuerySet[Goal]:
    """Goals with their actions and follow-ups (three queries whatever the number)."""
    return _with_steps(Goal.objects.filter(person=person)).order_by("created_at", "id")


def goal_with_steps(goal: Goal) -> Goal:
    """The goal (already read through a getter) again, with its actions and follow-ups."""
    return _with_steps(Goal.objects.filter(pk=goal.pk)).get()


def cycles_of_person(person: Person) -> QuerySet[Cycle]:
    return Cycle.objects.filter(person=person).select_related("review_map").order_by("number")


def current_cycle(person: Person) -> Cycle | None:
    return cycles_of_person(person).exclude(stage="closed").last()


def get_team_for_lead(user: User, team_id: int | str) -> Team:
    """A team whose lead ``user`` is (404 otherwise)."""
    from kith.accounts.models import Team

    if not user.is_authenticated:
        raise Http404("No such team")
    team = Team.objects.filter(
        pk=record_id(team_id), memberships__user=user, memberships__role=Role.TEAM_LEAD
    ).first()
    if team is None:
        raise Http404("No such team")
    return team


def fidelity_of_user(user: User) -> QuerySet[FidelityAssessment]:
    return FidelityAssessment.objects.filter(user=user).select_related("team").order_by("date")


# -- overdue actions and follow-ups ------------------------------------------------------------


@dataclass(frozen=True)
class OverdueCount:
    actions: int = 0
    follow_ups: int = 0

    @property
    def total(self) -> int:
        return self.actions + self.follow_ups


def _open_overdue(today: dt.date) -> Q:
    return Q(status=ActionStatus.OPEN) & Q(check_by__lt=today)


def overdue_actions_for_user(user: User, today: dt.date) -> QuerySet[Action]:
    """Open actions past their follow-up date, on the open caseloads of ``user`` (one query).

    An action is overdue when it is still planned and the date by which it should have been
    followed up (``follow_up_by``, else the date it should have happened) has passed. It is a
    *follow-up overdue* when it was already followed up once (the person is trying again), an
    *action overdue* otherwise; ``follow_up_count`` says which.
    """
    return (
        Action.objects.annotate(check_by=Coalesce("follow_up_by", "due_date"))
        .filter(
            _open_overdue(today),
            goal__person__team_id__in=_teams(user),
            goal__person__status="open",
        )
        .annotate(follow_up_count=Count("follow_ups"))
        .select_related("goal", "goal__person")
        .order_by(F("check_by").asc(), "id")
    )


def overdue_by_person(person_ids: list[int], today: dt.date) -> dict[int, OverdueCount]:
    """Per person: overdue actions (never followed up) and overdue follow-ups (one query)."""
    rows = (
        Action.objects.annotate(check_by=Coalesce("follow_up_by", "due_date"))
        .filter(_open_overdue(today), goal__person_id__in=person_ids)
        .annotate(n_follow_ups=Count("follow_ups"))
        .values_list("goal__person_id", "n_follow_ups")
    )
    counts: dict[int, list[int]] = {}
    for person_id, n in rows:
        entry = counts.setdefault(person_id, [0, 0])
        entry[1 if n else 0] += 1
    return {pid: OverdueCount(a, f) for pid, (a, f) in counts.items()}
