"""The team lead's view: how well the team keeps the Connecting People cycle.

For the open people of one team: how many have a goal they are working on, the share of
follow-ups made on time, the share of planned connections that happened, and the trend of the
team's fidelity self-assessments. A fixed number of queries whatever the team's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.db.models.functions import Coalesce

from kith.outcomes import charts
from kith.plans import fidelity
from kith.plans.models import (
    Action,
    ActionKind,
    ActionStatus,
    FidelityAssessment,
    FollowUp,
    Goal,
    GoalStatus,
    Happened,
)

if TYPE_CHECKING:
    from kith.accounts.models import Team


@dataclass
class TeamSummary:
    people: int = 0
    people_with_goals: int = 0
    follow_ups: int = 0
    follow_ups_on_time: int = 0
    overdue_now: int = 0
    connections_tried: int = 0
    connections_happened: int = 0
    fidelity_chart: str = ""
    fidelity_rows: list[list[Any]] = field(default_factory=list)
    fidelity_head: list[str] = field(default_factory=list)

    @property
    def on_time_share(self) -> float | None:
        denominator = self.follow_ups + self.overdue_now
        return None if denominator == 0 else self.follow_ups_on_time / denominator

    @property
    def happened_share(self) -> float | None:
        if self.connections_tried == 0:
            return None
        return self.connections_happened / self.connections_tried


CONNECTION_KINDS = (ActionKind.NEW, ActionKind.RECONNECT, ActionKind.MORE)


def team_summary(team: Team, today: dt.date) -> TeamSummary:
    from kith.people.models import Person

    out = TeamSummary()
    people = Person.objects.filter(team=team, status="open")
    out.people = people.count()
    out.people_with_goals = (
        Goal.objects.filter(person__in=people, status=GoalStatus.ACTIVE)
        .values("person_id")
        .distinct()
        .count()
    )
    follow_ups = list(
        FollowUp.objects.filter(action__goal__person__in=people).values_list(
            "action_id", "date", "was_due", "happened", "action__kind"
        )
    )
    out.follow_ups = len(follow_ups)
    out.follow_ups_on_time = sum(1 for _, d, due, _, _ in follow_ups if due is None or d <= due)
    out.overdue_now = (
        Action.objects.annotate(check_by=Coalesce("follow_up_by", "due_date"))
        .filter(goal__person__in=people, status=ActionStatus.OPEN, check_by__lt=today)
        .count()
    )
    tried: set[int] = set()
    happened: set[int] = set()
    for action_id, _, _, result, kind in follow_ups:
        if kind not in CONNECTION_KINDS:
            continue
        tried.add(action_id)
        if result in (Happened.YES, Happened.PARTLY):
            happened.add(action_id)
    out.connections_tried = len(tried)
    out.connections_happened = len(happened)
    assessments = list(FidelityAssessment.objects.filter(Q(team=team)).order_by("date", "id"))
    chart = fidelity_chart(assessments, title=f"Fidelity self-assessments of team {team.name}")
    out.fidelity_chart = chart["svg"]
    out.fidelity_rows = chart["rows"]
    out.fidelity_head = chart["head"]
    return out


def fidelity_chart(
    assessments: list[FidelityAssessment], title: str = "Your fidelity self-assessments"
) -> dict[str, Any]:
    """Mean score per level (0–100) per quarter, as a line chart and a table."""
    levels = [(lv["id"], lv["label"]) for lv in fidelity.definition()["levels"]]
    by_quarter: dict[dt.date, list[FidelityAssessment]] = defaultdict(list)
    for a in assessments:
        start = dt.date(a.date.year, 3 * ((a.date.month - 1) // 3) + 1, 1)
        by_quarter[start].append(a)
    quarters = sorted(by_quarter)

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    series = []
    rows: list[list[Any]] = []
    table: dict[dt.date, list[Any]] = {
        q: [f"{q:%b %Y} quarter", len(by_quarter[q])] for q in quarters
    }
    for level_id, label in levels:
        points = []
        for q in quarters:
            values = [
                float(a.scores["levels"][level_id])
                for a in by_quarter[q]
                if a.scores.get("levels", {}).get(level_id) is not None
            ]
            m = mean(values)
            points.append((q, m))
            table[q].append("—" if m is None else m)
        series.append(charts.Series(label, points))
    rows = [table[q] for q in quarters]
    desc = "Mean self-assessed fidelity per level, 0 to 100, by quarter: " + "; ".join(
        f"{r[0]}: " + ", ".join(f"{label} {v}" for (_, label), v in zip(levels, r[2:], strict=True))
        for r in rows
    )
    return {
        "svg": charts.line_chart(title, desc, series, y_range=(0, 100), y_label="Score (0–100)"),
        "head": ["Quarter", "Assessments", *[label for _, label in levels]],
        "rows": rows,
        "desc": desc,
    }
