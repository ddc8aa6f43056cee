"""Questionnaire pages: a person's responses, filling one in, signing, amending, the schedule
and the list of questionnaires due. Views read through ``access.py`` and write through
``actions.py``."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kith.instruments import InstrumentError
from kith.outcomes import registry
from kith.outcomes.access import (
    due_for_person,
    due_for_user,
    get_response_for_user,
    responses_of_person,
)
from kith.outcomes.actions import (
    ResponseLocked,
    do_amend_response,
    do_create_response,
    do_set_schedule,
    do_sign_response,
    do_update_response,
)
from kith.outcomes.forms import AmendForm, ResponseForm, ScheduleForm
from kith.outcomes.models import Response, Schedule
from kith.people.access import get_person_for_user


@login_required
def person_responses(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    today = timezone.localdate()
    responses = list(responses_of_person(person))
    for r in responses:
        r.instrument_name = registry.name(r.instrument_id)
    return render(
        request,
        "outcomes/person.html",
        {
            "person": person,
            "responses": responses,
            "instruments": registry.available(person.team.organisation_id),
            "schedules": list(Schedule.objects.filter(person=person)),
            "due": due_for_person(person, today + dt.timedelta(days=31)),
            "today": today,
        },
    )


def _save(request: HttpRequest, form: ResponseForm, run: object) -> Response | None:
    sign = "sign" in request.POST
    try:
        return run(form.cleaned_data["date"], form.answers(), sign)  # type: ignore[operator]
    except InstrumentError as error:
        form.add_instrument_error(error)
    return None


@login_required
def response_add(request: HttpRequest, person_id: int, instrument_id: str) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    instrument = registry.instrument_for(person.team.organisation_id, instrument_id)
    form = ResponseForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        response = _save(
            request,
            form,
            lambda date, answers, sign: do_create_response(
                request.user, person, instrument, date=date, answers=answers, sign=sign
            ),
        )
        if response is not None:
            messages.success(
                request,
                "The questionnaire was saved" + (" and signed." if response.is_signed else "."),
            )
            return redirect(response)
    return render(
        request,
        "outcomes/response_form.html",
        {"form": form, "person": person, "instrument": instrument},
    )


@login_required
def response_detail(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id)
    inst = registry.rules(response.instrument_id)
    with contextlib.suppress(Http404):
        inst = registry.instrument_for(response.person.team.organisation_id, response.instrument_id)
    items = []
    scored = response.score.get("items", {})
    for item in inst.items:
        s = scored.get(item.id) or {}
        items.append(
            {
                "text": item.text or item.id,
                "value": s.get("value"),
                "label": s.get("label"),
                "band": (s.get("band") or {}).get("label"),
            }
        )
    return render(
        request,
        "outcomes/response.html",
        {
            "response": response,
            "person": response.person,
            "instrument": inst,
            "items": items,
            "total": response.score.get("total"),
            "subscales": list((response.score.get("subscales") or {}).values()),
            "amendments": list(response.amendments.select_related("changed_by")),
        },
    )


@login_required
def response_edit(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id)
    if response.is_signed:
        return redirect(reverse("outcomes:amend", args=[response.pk]))
    person = response.person
    instrument = registry.instrument_for(person.team.organisation_id, response.instrument_id)
    form = ResponseForm(
        request.POST or None,
        instrument=instrument,
        initial=ResponseForm.initial_from(response.answers, response.date),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(
                request,
                form,
                lambda date, answers, sign: do_update_response(
                    request.user, response, instrument, date=date, answers=answers, sign=sign
                ),
            )
        except ResponseLocked as error:
            messages.error(request, str(error))
            return redirect(response)
        if saved is not None:
            messages.success(request, "The questionnaire was saved.")
            return redirect(saved)
    return render(
        request,
        "outcomes/response_form.html",
        {"form": form, "person": person, "instrument": instrument, "response": response},
    )


@login_required
@require_POST
def response_sign(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id)
    try:
        do_sign_response(request.user, response)
    except ResponseLocked as error:
        messages.error(request, str(error))
    except InstrumentError as error:
        messages.error(request, f"Not signed: {error.problem}.")
    else:
        messages.success(
            request, "The questionnaire was signed. It can now only be amended with a reason."
        )
    return redirect(response)


@login_required
def response_amend(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_response_for_user(request.user, response_id)
    if not response.is_signed:
        return redirect(reverse("outcomes:edit", args=[response.pk]))
    person = response.person
    instrument = registry.instrument_for(person.team.organisation_id, response.instrument_id)
    form = AmendForm(
        request.POST or None,
        instrument=instrument,
        initial=ResponseForm.initial_from(response.answers, response.date),
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_amend_response(
                request.user,
                response,
                instrument,
                answers=form.answers(),
                reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"],
            )
        except InstrumentError as error:
            form.add_instrument_error(error)
        else:
            messages.success(request, "The amendment was recorded.")
            return redirect(response)
    return render(
        request,
        "outcomes/response_form.html",
        {
            "form": form,
            "person": person,
            "instrument": instrument,
            "response": response,
            "amend": True,
        },
    )


@login_required
def schedule_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    choices = [(a.id, a.name) for a in registry.available(person.team.organisation_id)]
    form = ScheduleForm(request.POST or None, instruments=choices)
    if request.method == "POST" and form.is_valid():
        do_set_schedule(request.user, person, **form.cleaned_data)
        messages.success(request, "The reassessment schedule was saved.")
        return redirect(reverse("outcomes:person", args=[person.pk]))
    return render(request, "outcomes/schedule_form.html", {"form": form, "person": person})


@login_required
def due(request: HttpRequest) -> HttpResponse:
    if not request.user.caseload_team_ids():
        raise Http404("You are not on a team with a caseload")
    today = timezone.localdate()
    return render(
        request,
        "outcomes/due.html",
        {"due": due_for_user(request.user, today + dt.timedelta(days=31)), "today": today},
    )
