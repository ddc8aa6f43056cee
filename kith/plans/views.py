"""Plan pages: interests, goals, actions, follow-ups, cycles, progress, fidelity and the team view.

Views read through ``access.py``, write through ``actions.py`` and render; every change is a
plain HTML form that works without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kith.audit.log import record_export
from kith.maps.exports import ExportUnavailable, file_response, pdf_problem
from kith.maps.models import Map, MapMember, MapStatus, reading_order
from kith.network import NetworkError
from kith.outcomes.access import due_for_person
from kith.people.access import get_person_for_user
from kith.people.models import Person
from kith.plans import access, my_connections, team
from kith.plans.actions import (
    PlanError,
    do_add_action,
    do_add_interest,
    do_advance_cycle,
    do_close_review,
    do_create_goal,
    do_record_fidelity,
    do_record_follow_up,
    do_remove_interest,
    do_start_cycle,
    do_start_review,
    do_update_action,
    do_update_goal,
    do_update_interest,
)
from kith.plans.forms import (
    ActionForm,
    DateForm,
    FidelityForm,
    FollowUpForm,
    GoalForm,
    InterestForm,
    ReviewNoteForm,
    interest_term_labels,
)
from kith.plans.models import Action, Cycle, Goal
from kith.plans.progress import progress as person_progress

log = logging.getLogger(__name__)


def _plan_url(person_id: int) -> str:
    return reverse("plans:plan", args=[person_id])


def _members(person: Person) -> list[tuple[str, str]]:
    """Members of the person's latest map, for choosing whom an action is about."""
    maps = Map.objects.filter(person=person).order_by("-date", "-id")
    latest = maps.filter(status=MapStatus.FINAL).first() or maps.first()
    if latest is None:
        return []
    members = sorted(MapMember.objects.filter(map=latest), key=reading_order)
    return [(m.key, m.label or m.key) for m in members]


@login_required
def plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    today = timezone.localdate()
    goals = list(access.goals_of_person(person))
    cycles = list(access.cycles_of_person(person))
    interests = list(access.interests_of_person(person))
    terms = interest_term_labels()
    for i in interests:
        i.term_labels = [terms.get(t, t) for t in i.term_ids]
    return render(
        request,
        "plans/plan.html",
        {
            "person": person,
            "interests": interests,
            "goals": goals,
            "cycles": cycles,
            "current": next((c for c in reversed(cycles) if c.is_open), None),
            "due": due_for_person(person, today + dt.timedelta(days=31)),
            "today": today,
        },
    )


# -- interests --------------------------------------------------------------------------------


@login_required
def interest_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    form = InterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_add_interest(
            request.user, person, form.cleaned_data["text"], form.cleaned_data["term_ids"]
        )
        messages.success(request, "The interest was added.")
        return redirect(_plan_url(person.pk) + "#interests")
    return render(request, "plans/interest_form.html", {"form": form, "person": person})


@login_required
def interest_edit(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = access.get_interest_for_user(request.user, interest_id)
    person = interest.person
    form = InterestForm(
        request.POST or None, initial={"text": interest.text, "term_ids": interest.term_ids}
    )
    if request.method == "POST" and form.is_valid():
        do_update_interest(
            request.user, interest, form.cleaned_data["text"], form.cleaned_data["term_ids"]
        )
        messages.success(request, "The interest was saved.")
        return redirect(_plan_url(person.pk) + "#interests")
    return render(
        request,
        "plans/interest_form.html",
        {"form": form, "person": person, "interest": interest},
    )


@login_required
def interest_remove(request: HttpRequest, interest_id: int) -> HttpResponse:
    interest = access.get_interest_for_user(request.user, interest_id)
    person = interest.person
    if request.method == "POST":
        do_remove_interest(request.user, interest)
        messages.success(request, "The interest was removed.")
        return redirect(_plan_url(person.pk) + "#interests")
    return render(request, "plans/confirm.html", {"person": person, "what": f"“{interest.text}”"})


# -- goals, actions, follow-ups ---------------------------------------------------------------


@login_required
def goal_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = do_create_goal(request.user, person, **form.cleaned_data)
        messages.success(request, "The goal was added. Now plan the first step.")
        return redirect(reverse("plans:action_add", args=[goal.pk]))
    return render(request, "plans/goal_form.html", {"form": form, "person": person})


@login_required
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, goal_id)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        do_update_goal(request.user, goal, **form.cleaned_data)
        messages.success(request, "The goal was saved.")
        return redirect(goal)
    return render(
        request, "plans/goal_form.html", {"form": form, "person": goal.person, "goal": goal}
    )


def _action_form(
    request: HttpRequest, goal: Goal, action: Action | None
) -> tuple[ActionForm, HttpResponse | None]:
    initial: dict[str, Any] = {}
    for name in ("asset_id", "asset_name", "member_key", "kind", "description"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = ActionForm(
        request.POST or None,
        instance=action,
        initial=initial,
        members=_members(goal.person),
        suggestions=access.suggested_assets(goal.person),
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items()}
        try:
            if action is None:
                do_add_action(request.user, goal, **fields)
                messages.success(request, "The step was added.")
            else:
                do_update_action(request.user, action, **fields)
                messages.success(request, "The step was saved.")
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            return form, redirect(goal)
    return form, None


@login_required
def action_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = access.get_goal_for_user(request.user, goal_id)
    form, done = _action_form(request, goal, None)
    return done or render(
        request, "plans/action_form.html", {"form": form, "goal": goal, "person": goal.person}
    )


@login_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for_user(request.user, action_id)
    goal = action.goal
    form, done = _action_form(request, goal, action)
    return done or render(
        request,
        "plans/action_form.html",
        {"form": form, "goal": goal, "person": goal.person, "action": action},
    )


@login_required
def follow_up_add(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.get_action_for_user(request.user, action_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_record_follow_up(request.user, action, **form.cleaned_data)
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The follow-up was recorded.")
            return redirect(action.goal)
    return render(
        request,
        "plans/follow_up_form.html",
        {"form": form, "action": action, "goal": action.goal, "person": action.goal.person},
    )


# -- cycles and reviews -----------------------------------------------------------------------


def _dated(
    request: HttpRequest,
    person: Person,
    cycle: Cycle | None,
    title: str,
    button: str,
    run: Any,
) -> HttpResponse:
    form = DateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data["date"])
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            return redirect(_plan_url(person.pk) + "#cycle")
    return render(
        request,
        "plans/cycle_form.html",
        {"form": form, "person": person, "cycle": cycle, "title": title, "button": button},
    )


@login_required
def cycle_start(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    return _dated(
        request,
        person,
        None,
        "Start a new round: assess",
        "Start the round",
        lambda date: do_start_cycle(request.user, person, date),
    )


@login_required
def cycle_advance(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_user(request.user, cycle_id)
    nxt = {"assess": "plan", "plan": "support"}.get(cycle.stage)
    if nxt is None:
        raise Http404("Nothing to move on to")
    return _dated(
        request,
        cycle.person,
        cycle,
        f"Move round {cycle.number} on to: {nxt}",
        "Move on",
        lambda date: do_advance_cycle(request.user, cycle, date),
    )


@login_required
def review_start(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_user(request.user, cycle_id)
    return _dated(
        request,
        cycle.person,
        cycle,
        f"Review round {cycle.number}",
        "Start the review",
        lambda date: do_start_review(request.user, cycle, date),
    )


@login_required
def review_close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_user(request.user, cycle_id)
    form = ReviewNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_close_review(request.user, cycle, form.cleaned_data["note"])
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The review was recorded.")
            return redirect(_plan_url(cycle.person_id) + "#cycle")
    return render(
        request, "plans/review_form.html", {"form": form, "cycle": cycle, "person": cycle.person}
    )


# -- progress ---------------------------------------------------------------------------------


@login_required
def progress(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    return render(request, "plans/progress.html", {"person": person, "p": person_progress(person)})


# -- the person's "My connections" PDF ---------------------------------------------------------


def _summary_unavailable(request: HttpRequest, person: Person, problem: str) -> HttpResponse:
    response = render(
        request,
        "plans/my_connections_unavailable.html",
        {"person": person, "problem": problem},
        status=503,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def my_connections_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's own summary: map, goals, next steps, chosen places (``?large=1``)."""
    person = get_person_for_user(request.user, person_id)
    large = request.GET.get("large") == "1"
    if problem := pdf_problem():
        return _summary_unavailable(request, person, problem)
    try:
        pdf = my_connections.summary_pdf(person, large=large)
    except (NetworkError, ExportUnavailable) as error:
        # The person's id and the error's type only: no names, no words of theirs.
        log.warning("My connections PDF of person %s failed: %s", person.pk, type(error).__name__)
        return _summary_unavailable(
            request,
            person,
            "Something went wrong while making the file. Nothing was changed; please try again.",
        )
    record_export(person, "pdf", reason="My connections")
    return file_response(
        pdf,
        "application/pdf",
        my_connections.filename(person, large=large),
        inline=request.GET.get("download") != "1",
    )


# -- overdue, fidelity, team ------------------------------------------------------------------


def _caseload_worker(request: HttpRequest) -> None:
    if not request.user.caseload_team_ids():
        raise Http404("You are not on a team with a caseload")


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    _caseload_worker(request)
    today = timezone.localdate()
    actions = list(access.overdue_actions_for_user(request.user, today))
    return render(
        request, "plans/overdue.html", {"actions": actions, "today": today, "nav": "caseload"}
    )


@login_required
def fidelity_list(request: HttpRequest) -> HttpResponse:
    _caseload_worker(request)
    mine = list(access.fidelity_of_user(request.user))
    from kith.accounts.models import Role

    lead_teams = list(request.user.memberships.filter(role=Role.TEAM_LEAD).select_related("team"))
    return render(
        request,
        "plans/fidelity_list.html",
        {"assessments": mine, "chart": team.fidelity_chart(mine), "lead_teams": lead_teams},
    )


@login_required
def fidelity_add(request: HttpRequest) -> HttpResponse:
    _caseload_worker(request)
    from kith.accounts.models import Team

    teams = [(t.pk, t.name) for t in Team.objects.filter(pk__in=request.user.caseload_team_ids())]
    form = FidelityForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        the_team = Team.objects.get(pk=form.cleaned_data["team"])
        try:
            do_record_fidelity(
                request.user,
                the_team,
                form.cleaned_data["date"],
                form.answers(),
                form.cleaned_data["note"],
            )
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your self-assessment was saved.")
            return redirect("plans:fidelity")
    return render(request, "plans/fidelity_form.html", {"form": form})


@login_required
def team_view(request: HttpRequest, team_id: int) -> HttpResponse:
    the_team = access.get_team_for_lead(request.user, team_id)
    today = timezone.localdate()
    return render(
        request,
        "plans/team.html",
        {"team": the_team, "t": team.team_summary(the_team, today), "today": today},
    )
