"""The demo fills plans and two years of questionnaires, once."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from kith.accounts.models import User
from kith.assets.models import Schedule
from kith.demo import load_demo
from kith.outcomes.models import Response
from kith.people.models import Person
from kith.plans.models import Action, Cycle, FidelityAssessment, FollowUp, Goal, Interest


def _snapshot() -> list[object]:
    return [
        sorted(Goal.objects.values_list("person__reference", "wording", "target_date")),
        sorted(Action.objects.values_list("goal__person__reference", "description", "status")),
        sorted(FollowUp.objects.values_list("action__goal__person__reference", "date", "happened")),
        sorted(Response.objects.values_list("person__reference", "instrument_id", "date", "total")),
        sorted(Cycle.objects.values_list("person__reference", "number", "stage")),
        sorted(FidelityAssessment.objects.values_list("user__username", "date", "overall")),
        sorted(Interest.objects.values_list("person__reference", "text")),
    ]


@pytest.mark.django_db
def test_demo_plans_and_outcomes() -> None:
    out = io.StringIO()
    load_demo(out)
    assert "Demo plans:" in out.getvalue()
    first = _snapshot()
    load_demo(io.StringIO())
    assert _snapshot() == first
    for person in Person.objects.all():
        assert person.goals.exists() and person.interests.count() == 2
        dates = sorted(person.responses.values_list("date", flat=True))
        assert len(dates) >= 14 and (dates[-1] - dates[0]).days >= 690
        assert person.cycles.exclude(stage="closed").count() == 1
    # Planned steps link directory services, with hours, so "My connections" says when to go.
    planned = Action.objects.filter(status="open").exclude(asset_id="")
    assert planned.count() >= 10
    assert Schedule.objects.filter(
        service_ref__in=planned.values_list("asset_id", flat=True)
    ).exists()
    barriers = [b for f in FollowUp.objects.filter(happened="no") for b in f.barriers]
    assert "transport" in barriers
    assert FidelityAssessment.objects.filter(user__username="lee").count() == 8
    client = Client()
    client.force_login(User.objects.get(username="ana"))
    # References are encrypted at rest: the first by reference is found in Python.
    person = min(Person.objects.filter(team__name="North"), key=lambda p: p.reference)
    page = client.get(reverse("plans:progress", args=[person.pk])).content.decode()
    assert "Since " in page and page.count('role="img"') >= 8
    caseload = client.get(reverse("people:caseload")).content.decode()
    assert "Overdue steps and follow-ups" in caseload
    lee = Client()
    lee.force_login(User.objects.get(username="lee"))
    team = lee.get(reverse("plans:team", args=[person.team_id]))
    assert team.status_code == 200 and "Fidelity trend" in team.content.decode()
