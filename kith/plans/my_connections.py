""" "My connections": the one- or two-page PDF a person takes home.

What it holds, in plain words for a reading age of about 11 (short sentences, no jargon):

- their map drawing (the latest final map, else the draft being made), and who is in each
  circle;
- their goals in their own words (the ones they are working on, then the ones reached);
- their next steps: planned steps with the date each should happen;
- the places and groups they chose (steps linked to a directory service): where it is, how to
  get there and access (HSDS location, address and accessibility records), when it is open
  (HSDS schedules, in words by :func:`kith.assets.schedules.describe`) and its phone number.

``large=True`` sets everything in large type (for people who find small print hard to read);
the drawing then fills the page's width.

Rendering and the checks for WeasyPrint's system libraries are the map printout's
(:mod:`kith.maps.exports`); the person is read through
:func:`kith.people.access.get_person_for_user` by the view, so other teams get 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from kith.assets import schedules
from kith.assets.models import (
    Accessibility,
    Address,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from kith.maps.drawing import map_drawing, read_map
from kith.maps.exports import circles_of, render_pdf
from kith.maps.models import Map, MapStatus
from kith.plans.models import ActionStatus, GoalStatus

if TYPE_CHECKING:
    from kith.people.models import Person

#: The circles as the person reads them (the drawing's ring names are for workers).
CIRCLE_WORDS: dict[int | None, str] = {
    1: "Closest to you",
    2: "Close to you",
    3: "A bit further out",
    None: "Not placed yet",
}


@dataclass
class Place:
    """A chosen asset, with how to get there and when it is open."""

    asset_id: str
    name: str
    steps: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    getting_there: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    open_times: list[str] = field(default_factory=list)
    phone: str = ""
    in_directory: bool = False


def latest_map(person: Person) -> Map | None:
    """The latest final map, else the latest draft (None when there is no map yet)."""
    maps = Map.objects.filter(person=person).order_by("-date", "-id")
    return maps.filter(status=MapStatus.FINAL).first() or maps.first()


def _address_line(data: dict[str, Any]) -> str:
    parts = [data.get(k) for k in ("address_1", "address_2", "city", "postal_code")]
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip())


def places(asset_ids: dict[str, list[str]], names: dict[str, str]) -> list[Place]:
    """The chosen assets (id → the steps that chose it), read in a fixed number of queries.

    An asset no longer in the directory keeps the name the step copied, without details.
    """
    services = {s.hsds_id: s for s in Service.objects.filter(hsds_id__in=list(asset_ids))}
    sals = list(ServiceAtLocation.objects.filter(service_ref__in=list(services)))
    location_of: dict[str, list[str]] = defaultdict(list)
    for sal in sals:
        location_of[sal.service_ref].append(sal.location_ref)
    location_refs = {ref for refs in location_of.values() for ref in refs}
    locations = {loc.hsds_id: loc for loc in Location.objects.filter(hsds_id__in=location_refs)}
    addresses: dict[str, list[str]] = defaultdict(list)
    for a in Address.objects.filter(location_ref__in=location_refs).order_by("hsds_id"):
        if line := _address_line(a.data):
            addresses[a.location_ref].append(line)
    access: dict[str, list[str]] = defaultdict(list)
    for acc in Accessibility.objects.filter(location_ref__in=location_refs).order_by("hsds_id"):
        if text := str(acc.data.get("description") or "").strip():
            access[acc.location_ref].append(text)
    sal_service = {sal.hsds_id: sal.service_ref for sal in sals}
    times: dict[str, list[str]] = defaultdict(list)
    for s in (
        Schedule.objects.filter(service_ref__in=list(services))
        | Schedule.objects.filter(service_at_location_ref__in=list(sal_service))
    ).order_by("hsds_id"):
        owner = s.service_ref or sal_service.get(s.service_at_location_ref, "")
        if line := schedules.describe(s.data):
            times[owner].append(line)
    phones: dict[str, str] = {}
    for p in Phone.objects.filter(service_ref__in=list(services)).order_by("hsds_id"):
        phones.setdefault(p.service_ref, str(p.data.get("number") or ""))

    out = []
    for asset_id, steps in asset_ids.items():
        service = services.get(asset_id)
        place = Place(asset_id, service.name if service else names[asset_id], steps=steps)
        if service is not None:
            place.in_directory = True
            for ref in location_of[asset_id]:
                loc = locations.get(ref)
                lines = addresses[ref] or ([loc.name] if loc and loc.name else [])
                if loc and loc.name and addresses[ref]:
                    lines = [f"{loc.name}, {lines[0]}", *lines[1:]]
                place.where.extend(lines)
                if loc and (travel := str(loc.data.get("transportation") or "").strip()):
                    place.getting_there.append(travel)
                place.access.extend(access[ref])
            place.open_times = times[asset_id]
            place.phone = phones.get(asset_id, "")
        out.append(place)
    return out


def summary_context(person: Person, *, large: bool = False) -> dict[str, Any]:
    """Everything the printout shows (a handful of queries whatever the plan's size)."""
    from kith.plans.access import goals_of_person

    the_map = latest_map(person)
    drawing, circles = "", []
    if the_map is not None:
        members, ties = read_map(the_map)
        net = the_map.to_network(members, ties)
        drawing = map_drawing(the_map, net, title=f"{person.display_name}’s map")
        circles = [
            {**c, "heading": CIRCLE_WORDS[c["circle"]]} for c in circles_of(members) if c["members"]
        ]
    goals = list(goals_of_person(person))
    working = [g for g in goals if g.status == GoalStatus.ACTIVE]
    reached = [g for g in goals if g.status == GoalStatus.ACHIEVED]
    steps = sorted(
        (a for g in working for a in g.actions.all() if a.status == ActionStatus.OPEN),
        key=lambda a: (a.due_date or dt.date.max, a.pk),
    )
    chosen: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for g in working:
        for a in g.actions.all():
            if a.asset_id and a.status != ActionStatus.DROPPED:
                chosen.setdefault(a.asset_id, []).append(a.description)
                names.setdefault(a.asset_id, a.asset_name or a.description)
    worker = person.key_worker
    return {
        "person": person,
        "map": the_map,
        "drawing": drawing,
        "circles": circles,
        "working": working,
        "reached": reached,
        "steps": steps,
        "places": places(chosen, names),
        "worker": worker.first_name if worker is not None and worker.first_name else "",
        "printed": timezone.localdate(),
        "large": large,
    }


def summary_pdf(person: Person, *, large: bool = False) -> bytes:
    """The "My connections" PDF (raises :class:`kith.maps.exports.ExportUnavailable`)."""
    html = render_to_string("plans/my_connections_print.html", summary_context(person, large=large))
    return render_pdf(html)


def filename(person: Person, *, large: bool = False) -> str:
    """``my-connections-<id>-<date>[-large].pdf``: no names in file names."""
    suffix = "-large" if large else ""
    return f"my-connections-{person.pk}-{timezone.localdate():%Y-%m-%d}{suffix}.pdf"
