"""JSON API for questionnaire responses and scores: /api/v1/…

Same access rules as the pages (404 for other teams' records). Answers are checked by the
core: an unknown item or a value out of range is 422 naming the item; signing an incomplete
questionnaire is 422; changing a signed one is only possible through an amendment with a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kith.instruments import InstrumentError
from kith.outcomes import registry
from kith.outcomes.access import get_response_for_user, responses_of_person
from kith.outcomes.actions import (
    ResponseLocked,
    do_amend_response,
    do_create_response,
    do_sign_response,
)
from kith.outcomes.models import Response, ResponseStatus
from kith.people.access import get_person_for_user

router = Router(tags=["outcomes"])


class AmendmentOut(Schema):
    changed_at: dt.datetime
    changed_by: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


class ResponseOut(Schema):
    id: int
    person: int
    instrument: str
    instrument_version: str
    date: dt.date
    status: str
    answers: dict[str, int]
    score: dict[str, Any]
    total: float | None
    band: str
    signed_at: dt.datetime | None
    signed_by: str | None
    amendments: list[AmendmentOut]

    @staticmethod
    def of(r: Response) -> ResponseOut:
        return ResponseOut(
            id=r.pk,
            person=r.person_id,
            instrument=r.instrument_id,
            instrument_version=r.instrument_version,
            date=r.date,
            status=r.status,
            answers=dict(r.answers),
            score=dict(r.score),
            total=r.total,
            band=r.band,
            signed_at=r.signed_at,
            signed_by=r.signed_by.username if r.signed_by else None,
            amendments=[
                AmendmentOut(
                    changed_at=a.changed_at,
                    changed_by=a.changed_by.username,
                    reason=a.reason,
                    before=a.before,
                    after=a.after,
                )
                for a in r.amendments.select_related("changed_by")
            ],
        )


class ResponseIn(Schema):
    instrument: str
    date: dt.date
    answers: dict[str, int | None]
    sign: bool = False


class AmendIn(Schema):
    answers: dict[str, int | None]
    reason: str


class ScorePoint(Schema):
    response: int
    date: dt.date
    value: float | None
    band: str | None


class ScoreSeries(Schema):
    instrument: str
    score: str
    label: str
    min: float
    max: float
    points: list[ScorePoint]


def _instrument(person: Any, instrument_id: str) -> Any:
    from django.http import Http404

    try:
        return registry.instrument_for(person.team.organisation_id, instrument_id)
    except Http404:
        raise HttpError(
            422, f"instrument: '{instrument_id}' is unknown or its licensed text is not loaded"
        ) from None


@router.get(
    "/people/{person_id}/responses", response=list[ResponseOut], url_name="outcomes_responses"
)
def responses(request: HttpRequest, person_id: int) -> list[ResponseOut]:
    person = get_person_for_user(request.user, person_id)
    return [ResponseOut.of(r) for r in responses_of_person(person)]


@router.post(
    "/people/{person_id}/responses",
    response={201: ResponseOut},
    url_name="outcomes_response_create",
)
def response_create(request: HttpRequest, person_id: int, body: ResponseIn) -> Status[ResponseOut]:
    person = get_person_for_user(request.user, person_id)
    instrument = _instrument(person, body.instrument)
    if body.date > dt.date.today():
        raise HttpError(422, "date: must be today or earlier")
    try:
        response = do_create_response(
            request.user, person, instrument, date=body.date, answers=body.answers, sign=body.sign
        )
    except InstrumentError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, ResponseOut.of(response))


@router.get("/responses/{response_id}", response=ResponseOut, url_name="outcomes_response_detail")
def response_detail(request: HttpRequest, response_id: int) -> ResponseOut:
    return ResponseOut.of(get_response_for_user(request.user, response_id))


@router.post(
    "/responses/{response_id}/sign", response=ResponseOut, url_name="outcomes_response_sign"
)
def response_sign(request: HttpRequest, response_id: int) -> ResponseOut:
    response = get_response_for_user(request.user, response_id)
    try:
        signed = do_sign_response(request.user, response)
    except ResponseLocked as error:
        raise HttpError(409, str(error)) from None
    except InstrumentError as error:
        raise HttpError(422, str(error)) from None
    return ResponseOut.of(signed)


@router.post(
    "/responses/{response_id}/amendments",
    response={201: ResponseOut},
    url_name="outcomes_response_amend",
)
def response_amend(request: HttpRequest, response_id: int, body: AmendIn) -> Status[ResponseOut]:
    response = get_response_for_user(request.user, response_id)
    if not response.is_signed:
        raise HttpError(409, "Only a signed questionnaire is amended; this one is a draft")
    instrument = registry.rules(response.instrument_id)
    try:
        do_amend_response(
            request.user, response, instrument, answers=body.answers, reason=body.reason
        )
    except (InstrumentError, ValueError) as error:
        raise HttpError(422, str(error)) from None
    return Status(201, ResponseOut.of(get_response_for_user(request.user, response_id)))


@router.get("/people/{person_id}/scores", response=list[ScoreSeries], url_name="outcomes_scores")
def scores(request: HttpRequest, person_id: int) -> list[ScoreSeries]:
    """Signed scores over time: each instrument's total and subscales, and each ONS4 question
    on its own (never summed)."""
    person = get_person_for_user(request.user, person_id)
    signed = list(
        responses_of_person(person).filter(status=ResponseStatus.SIGNED).order_by("date", "id")
    )
    out: dict[tuple[str, str], ScoreSeries] = {}
    for r in signed:
        inst = registry.rules(r.instrument_id)
        sums = [r.score.get("total"), *(r.score.get("subscales") or {}).values()]
        if inst.total is None:
            for item in inst.items:
                s = (r.score.get("items") or {}).get(item.id)
                lo, hi = item.score_bounds()
                series = out.setdefault(
                    (inst.id, item.id),
                    ScoreSeries(
                        instrument=inst.id,
                        score=item.id,
                        label=item.text or item.id,
                        min=lo,
                        max=hi,
                        points=[],
                    ),
                )
                series.points.append(
                    ScorePoint(
                        response=r.pk,
                        date=r.date,
                        value=s["score"] if s else None,
                        band=(s.get("band") or {}).get("label") if s else None,
                    )
                )
        for s in sums:
            if not s:
                continue
            series = out.setdefault(
                (inst.id, s["id"]),
                ScoreSeries(
                    instrument=inst.id,
                    score=s["id"],
                    label=s["label"],
                    min=s["min"],
                    max=s["max"],
                    points=[],
                ),
            )
            series.points.append(
                ScorePoint(
                    response=r.pk,
                    date=r.date,
                    value=s["value"],
                    band=(s.get("band") or {}).get("label"),
                )
            )
    return list(out.values())
