"""Template tags that let the people pages show plan information without changing their views.

``{% include "plans/_overdue_panel.html" %}`` on the caseload and
``{% include "plans/_person_section.html" %}`` on the person page; each runs a fixed number of
queries whatever the caseload's size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from kith.outcomes.access import due_for_person, due_for_user
from kith.plans import access
from kith.plans.models import ActionStatus, GoalStatus

register = template.Library()

#: How many overdue actions the caseload panel lists (the rest are on the overdue page).
PANEL_SIZE = 10


@register.simple_tag(takes_context=True)
def caseload_overdue(context: Any) -> dict[str, Any]:
    """Overdue actions and follow-ups and questionnaires due, for the signed-in worker."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.caseload_team_ids():
        return {"show": False}
    today = timezone.localdate()
    overdue = access.overdue_actions_for_user(user, today)
    shown = list(overdue[:PANEL_SIZE])
    total = overdue.count()  # always counted: the same number of queries whatever the size
    due = due_for_user(user, today)
    return {"show": True, "actions": shown, "total": total, "due": due, "today": today}


@register.simple_tag
def person_plan_summary(person: Any) -> dict[str, Any]:
    """Counts for the person page: active goals, open and overdue steps, questionnaires due."""
    from kith.plans.models import Action, Goal

    today = timezone.localdate()
    goals = Goal.objects.filter(person=person, status=GoalStatus.ACTIVE).count()
    open_actions = Action.objects.filter(goal__person=person, status=ActionStatus.OPEN).count()
    counts = access.overdue_by_person([person.pk], today).get(person.pk)
    cycle = access.current_cycle(person)
    due = due_for_person(person, today + dt.timedelta(days=31))
    return {
        "goals": goals,
        "open_actions": open_actions,
        "overdue": counts.total if counts else 0,
        "cycle": cycle,
        "due": due,
        "today": today,
    }
