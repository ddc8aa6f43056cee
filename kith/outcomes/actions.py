"""Writes to responses, amendments, schedules and licensed text (each in one transaction).

Answers are checked and scored by the core (:func:`kith.instruments.score`); an
:class:`~kith.instruments.InstrumentError` changes nothing. A signed response is locked:
:func:`do_update_response` refuses it (:class:`ResponseLocked`) and only
:func:`do_amend_response` changes it, keeping an :class:`~kith.outcomes.models.Amendment`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kith.instruments import Instrument, InstrumentError, Score, load_builtin, score
from kith.instruments.loader import load_licensed_text
from kith.outcomes.models import (
    Amendment,
    LicensedText,
    Response,
    ResponseStatus,
    Schedule,
)

if TYPE_CHECKING:
    from kith.accounts.models import Organisation, User
    from kith.people.models import Person


class ResponseLocked(Exception):
    """The response is signed; change it through an amendment with a reason."""

    def __init__(self, response: Response) -> None:
        super().__init__(
            f"The questionnaire of {response.date:%d %B %Y} is signed and cannot be changed "
            "without an amendment."
        )
        self.response = response


def missing_required(instrument: Instrument, result: Score) -> list[str]:
    """Items that must be answered before signing.

    Every item outside the total must be answered (ONS4 questions, the ONS direct loneliness
    question); items of the total may be missing only as far as the instrument allows.
    """
    in_total = set(instrument.total.items) if instrument.total is not None else set()
    missing = [i for i in result.missing if i not in in_total]
    if result.total is not None and result.total.raw is None:
        missing += [i for i in result.missing if i in in_total]
    return [i for i in instrument.item_ids if i in missing]


def _apply(response: Response, instrument: Instrument, answers: Mapping[str, Any]) -> None:
    result = score(instrument, answers)  # raises InstrumentError for bad values
    response.answers = {k: v for k, v in answers.items() if v is not None}
    response.score = result.as_dict()
    response.instrument_version = instrument.version
    total = result.total
    response.total = total.value if total is not None else None
    response.band = total.band.label if total is not None and total.band is not None else ""


def _sign(user: User, response: Response, instrument: Instrument) -> None:
    result = score(instrument, response.answers)
    missing = missing_required(instrument, result)
    if missing:
        raise InstrumentError(
            "answer every question before signing: " + ", ".join(missing),
            instrument=instrument.id,
            item=missing[0],
            field="value",
        )
    response.status = ResponseStatus.SIGNED
    response.signed_at = timezone.now()
    response.signed_by = user


@transaction.atomic
def do_create_response(
    user: User,
    person: Person,
    instrument: Instrument,
    *,
    date: dt.date,
    answers: Mapping[str, Any],
    sign: bool = False,
) -> Response:
    """Record a completed questionnaire (signed at once when ``sign``)."""
    response = Response(person=person, instrument_id=instrument.id, date=date, created_by=user)
    _apply(response, instrument, answers)
    if sign:
        _sign(user, response, instrument)
    response.save()
    return response


def _lock(response: Response) -> Response:
    return Response.objects.select_for_update().get(pk=response.pk)


@transaction.atomic
def do_update_response(
    user: User,
    response: Response,
    instrument: Instrument,
    *,
    date: dt.date,
    answers: Mapping[str, Any],
    sign: bool = False,
) -> Response:
    """Change a draft response (a signed one raises :class:`ResponseLocked`)."""
    locked = _lock(response)
    if locked.is_signed:
        raise ResponseLocked(locked)
    locked.date = date
    _apply(locked, instrument, answers)
    if sign:
        _sign(user, locked, instrument)
    locked.save()
    return locked


@transaction.atomic
def do_sign_response(user: User, response: Response) -> Response:
    locked = _lock(response)
    if locked.is_signed:
        raise ResponseLocked(locked)
    _sign(user, locked, load_builtin(locked.instrument_id))
    locked.save()
    return locked


def _snapshot(response: Response) -> dict[str, Any]:
    return {
        "date": response.date.isoformat(),
        "answers": dict(response.answers),
        "total": response.total,
        "band": response.band,
    }


@transaction.atomic
def do_amend_response(
    user: User,
    response: Response,
    instrument: Instrument,
    *,
    answers: Mapping[str, Any],
    reason: str,
    date: dt.date | None = None,
) -> Amendment:
    """Change a signed response, keeping who changed it, when, why, and before and after."""
    if not reason.strip():
        raise ValueError("Say why the signed questionnaire is being changed")
    locked = _lock(response)
    if not locked.is_signed:
        raise ValueError("Only a signed questionnaire is amended; change the draft instead")
    before = _snapshot(locked)
    if date is not None:
        locked.date = date
    _apply(locked, instrument, answers)
    missing = missing_required(instrument, score(instrument, locked.answers))
    if missing:
        raise InstrumentError(
            "a signed questionnaire must stay complete: " + ", ".join(missing),
            instrument=instrument.id,
            item=missing[0],
            field="value",
        )
    locked.save()
    return Amendment.objects.create(
        response=locked,
        changed_by=user,
        reason=reason.strip(),
        before=before,
        after=_snapshot(locked),
    )


@transaction.atomic
def do_set_schedule(
    user: User,
    person: Person,
    instrument_id: str,
    *,
    every_months: int,
    start_on: dt.date,
    active: bool = True,
) -> Schedule:
    """Set (or change, or stop) how often a person is reassessed with an instrument."""
    load_builtin(instrument_id)  # raises for an unknown instrument
    schedule, _ = Schedule.objects.update_or_create(
        person=person,
        instrument_id=instrument_id,
        defaults={"every_months": every_months, "start_on": start_on, "active": active},
    )
    return schedule


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InstrumentError(f"cannot read the file: {error}", file=path) from None


@transaction.atomic
def do_load_licensed_text(organisation: Organisation, path: str | Path) -> LicensedText:
    """Store an organisation's licensed-text file after checking it against the definition.

    Raises :class:`~kith.instruments.InstrumentError` (naming the file, item and field) and
    changes nothing when the file is not valid.
    """
    path = Path(path)
    data = _read(path)
    instrument_id = data.get("instrument") if isinstance(data, dict) else None
    if not isinstance(instrument_id, str):
        raise InstrumentError("the file names no instrument", file=path, field="instrument")
    try:
        load_builtin(instrument_id)
    except InstrumentError:
        raise InstrumentError(
            f"no built-in instrument called '{instrument_id}'", file=path, field="instrument"
        ) from None
    load_licensed_text(instrument_id, path)  # validates the whole file
    licence = data["licence"]
    expires = licence.get("expires")
    text, _ = LicensedText.objects.update_or_create(
        organisation=organisation,
        instrument_id=instrument_id,
        defaults={
            "data": data,
            "licence_holder": licence["holder"],
            "licence_expires": dt.date.fromisoformat(expires) if expires else None,
            "source_name": path.name,
        },
    )
    return text
