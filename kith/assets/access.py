"""Permission-scoped reads of the directory.

Any signed-in worker may search the directory and read a service. Directory editors and
admins keep it (edit, mark checked, resolve problem reports); for anyone else those pages are
404. People connected to an asset are counted only within the viewer's caseload teams.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import Http404

from kith.accounts.access import record_id
from kith.accounts.models import Role
from kith.assets.models import ProblemReport, Service

if TYPE_CHECKING:
    from kith.accounts.models import User

EDITOR_ROLES = (Role.DIRECTORY_EDITOR, Role.ADMIN)


def is_editor(user: User) -> bool:
    return bool(user.is_authenticated and user.memberships.filter(role__in=EDITOR_ROLES).exists())


def require_editor(user: User) -> None:
    if not is_editor(user):
        raise Http404("Not found")


def get_service_for_user(user: User, service_id: int | str) -> Service:
    """Any signed-in worker may read any service (private individuals: editors only)."""
    pk = record_id(service_id, "service")
    service = Service.objects.filter(pk=pk).first()
    if service is None or not user.is_authenticated or (service.is_private and not is_editor(user)):
        raise Http404("No such service")
    return service


def get_report_for_editor(user: User, report_id: int | str) -> ProblemReport:
    require_editor(user)
    report = (
        ProblemReport.objects.filter(pk=record_id(report_id, "report"))
        .select_related("service")
        .first()
    )
    if report is None:
        raise Http404("No such report")
    return report


def connected_counts(user: User, service: Service, today: dt.date) -> list[tuple[str, int]] | None:
    """How many people of the viewer's teams have the asset on their latest map, now and before.

    ``[("now", n), ("6 months ago", n), ("a year ago", n)]``; None when the viewer works no
    caseload. Counts only, never names; a person counts at a date when their latest map on
    or before that date has a member linked to the asset.
    """
    from kith.maps.models import Map, MapMember

    teams = user.caseload_team_ids()
    if not teams:
        return None
    people = set(
        MapMember.objects.filter(
            asset_id=service.hsds_id, map__person__team_id__in=teams
        ).values_list("map__person_id", flat=True)
    )
    linked_maps = set(
        MapMember.objects.filter(asset_id=service.hsds_id, map__person_id__in=people).values_list(
            "map_id", flat=True
        )
    )
    maps: dict[int, list[tuple[dt.date, int]]] = {}
    for person_id, date, map_id in Map.objects.filter(person_id__in=people).values_list(
        "person_id", "date", "id"
    ):
        maps.setdefault(person_id, []).append((date, map_id))
    out = []
    for label, days in (("now", 0), ("6 months ago", 182), ("a year ago", 365)):
        when = today - dt.timedelta(days=days)
        count = 0
        for timeline in maps.values():
            before = [m for m in sorted(timeline) if m[0] <= when]
            if before and before[-1][1] in linked_maps:
                count += 1
        out.append((label, count))
    return out
