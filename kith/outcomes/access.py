"""Permission-scoped reads of responses and schedules (team scope through the person; 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet

from kith.accounts.access import get_scoped
from kith.outcomes.models import Response, ResponseStatus, Schedule

if TYPE_CHECKING:
    from kith.accounts.models import User
    from kith.people.models import Person


def responses_for_user(user: User) -> QuerySet[Response]:
    if not user.is_authenticated:
        return Response.objects.none()
    return Response.objects.filter(person__team_id__in=user.caseload_team_ids()).select_related(
        "person", "person__team", "signed_by", "created_by"
    )


def responses_of_person(person: Person) -> QuerySet[Response]:
    """A person's responses, oldest first (the person was read through an access getter)."""
    return Response.objects.filter(person=person).select_related("signed_by").order_by("date", "id")


def get_response_for_user(user: User, response_id: int | str) -> Response:
    return get_scoped(responses_for_user(user), response_id, "response")


@dataclass(frozen=True)
class Due:
    person_id: int
    person_name: str
    instrument_id: str
    due_on: dt.date
    last_signed: dt.date | None

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def _last_signed(person_ids: list[int]) -> dict[tuple[int, str], dt.date]:
    rows = (
        Response.objects.filter(person_id__in=person_ids, status=ResponseStatus.SIGNED)
        .values("person_id", "instrument_id")
        .annotate(last=Max("date"))
    )
    return {(r["person_id"], r["instrument_id"]): r["last"] for r in rows}


def due_for_schedules(schedules: list[Schedule], until: dt.date) -> list[Due]:
    """The questionnaires due on or before ``until`` for these schedules (one query)."""
    last = _last_signed(sorted({s.person_id for s in schedules}))
    out = []
    for s in schedules:
        previous = last.get((s.person_id, s.instrument_id))
        due_on = s.next_due(previous)
        if due_on <= until:
            out.append(Due(s.person_id, s.person.display_name, s.instrument_id, due_on, previous))
    return sorted(out, key=lambda d: (d.due_on, d.person_name, d.instrument_id))


def due_for_person(person: Person, until: dt.date) -> list[Due]:
    schedules = list(Schedule.objects.filter(person=person, active=True).select_related("person"))
    return due_for_schedules(schedules, until)


def due_for_user(user: User, until: dt.date) -> list[Due]:
    """Questionnaires due for the open people on the user's caseloads (two queries)."""
    if not user.is_authenticated:
        return []
    schedules = list(
        Schedule.objects.filter(
            active=True,
            person__team_id__in=user.caseload_team_ids(),
            person__status="open",
        ).select_related("person")
    )
    return due_for_schedules(schedules, until)
