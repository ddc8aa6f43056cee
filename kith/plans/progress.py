"""A person's progress over time: what their maps, questionnaires and plan say.

:func:`progress` gathers everything the progress page shows in a fixed number of queries:
counts per map (members by circle, people vs professionals, places and activities), the signed
questionnaire scores (ONS4 questions kept apart, never summed), the connections the plan made
and whether they are still on the latest map, and the core's plain-language "what changed".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kith.instruments import Instrument
from kith.maps.models import Map, MapMember, MapStatus, MapTie
from kith.network.change import compare, describe_change
from kith.outcomes import charts, registry
from kith.outcomes.models import Response, ResponseStatus
from kith.plans.models import Action, ActionKind, FollowUp, Happened

if TYPE_CHECKING:
    from kith.people.models import Person

CIRCLE_NAMES = ("Circle 1 (closest)", "Circle 2", "Circle 3 (outer)", "Not placed")
PEOPLE_NAMES = ("Professionals", "Other people")
PLACE_KINDS = {"place": "Places", "activity": "Activities", "group": "Groups"}


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    svg: str
    head: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Progress:
    maps: list[Map] = field(default_factory=list)
    map_charts: list[Chart] = field(default_factory=list)
    score_charts: list[Chart] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    change_text: str = ""
    change_span: tuple[Map, Map] | None = None


def _map_counts(maps: list[Map]) -> dict[int, dict[str, Counter[str]]]:
    rows = MapMember.objects.filter(map__in=maps).values_list(
        "map_id", "kind", "relationship", "circle"
    )
    out: dict[int, dict[str, Counter[str]]] = defaultdict(
        lambda: {"circle": Counter(), "people": Counter(), "places": Counter()}
    )
    for map_id, kind, relationship, circle in rows:
        c = out[map_id]
        c["circle"][CIRCLE_NAMES[circle - 1] if circle else CIRCLE_NAMES[3]] += 1
        if kind == "person":
            c["people"][PEOPLE_NAMES[0] if relationship == "professional" else PEOPLE_NAMES[1]] += 1
        if kind in PLACE_KINDS:
            c["places"][PLACE_KINDS[kind]] += 1
    return out


def _map_label(m: Map) -> str:
    return f"{m.date:%b %Y}" + ("" if m.is_final else " (draft)")


def _map_charts(person: Person, maps: list[Map]) -> list[Chart]:
    counts = _map_counts(maps)
    specs = (
        ("circle", "Members by circle", CIRCLE_NAMES, "How many members were in each circle"),
        (
            "people",
            "People and professionals",
            PEOPLE_NAMES,
            "How many people on each map were professionals",
        ),
        (
            "places",
            "Places, activities and groups",
            tuple(PLACE_KINDS.values()),
            "How many places, activities and groups were on each map",
        ),
    )
    out = []
    for key, title, cats, what in specs:
        columns = [(_map_label(m), dict(counts[m.pk][key])) for m in maps]
        rows = [[_map_label(m), *[counts[m.pk][key].get(c, 0) for c in cats]] for m in maps]
        desc = f"{what}, map by map: " + "; ".join(
            f"{r[0]}: " + ", ".join(f"{c} {n}" for c, n in zip(cats, r[1:], strict=True))
            for r in rows
        )
        out.append(
            Chart(
                id=f"maps-{key}",
                title=title,
                desc=desc + ".",
                svg=charts.stacked_bars(title, desc, columns, cats),
                head=["Map", *cats],
                rows=rows,
            )
        )
    return out


def _bands(bands: Any) -> list[charts.BandArea]:
    return [charts.BandArea(b.low, b.high, b.label) for b in bands]


def _score_charts(responses: list[Response]) -> list[Chart]:
    by_instrument: dict[str, list[Response]] = defaultdict(list)
    for r in responses:
        by_instrument[r.instrument_id].append(r)
    out: list[Chart] = []
    for iid in sorted(by_instrument):
        rs = by_instrument[iid]
        inst: Instrument = registry.rules(iid)
        if inst.total is not None:
            rule = inst.total
            points = [(r.date, r.total) for r in rs]
            lo, hi = rule.bounds
            title = f"{inst.name}: {rule.label}"
            higher = {"worse": "higher is worse", "better": "higher is better"}.get(
                rule.higher_is or "", ""
            )
            desc = (
                f"{rule.label} from {lo} to {hi}"
                + (f", {higher}" if higher else "")
                + ": "
                + "; ".join(
                    f"{r.date:%d %B %Y} {'not scored' if r.total is None else _fmt(r.total)}"
                    + (f" ({r.band})" if r.band else "")
                    for r in rs
                )
            )
            other_items = [i for i in inst.items if i.id not in rule.items]
            head = ["Date", rule.label, "Band", *[(i.text or i.id) for i in other_items]]
            rows = [
                [
                    f"{r.date:%d %B %Y}",
                    "not scored" if r.total is None else _fmt(r.total),
                    r.band or "—",
                    *[_item_label(r, i.id) for i in other_items],
                ]
                for r in rs
            ]
            note = (
                "The direct question is reported on its own and never added to the score."
                if other_items
                else ""
            )
            out.append(
                Chart(
                    id=f"score-{iid}",
                    title=title,
                    desc=desc + ".",
                    svg=charts.line_chart(
                        title,
                        desc,
                        [charts.Series(rule.label, points)],
                        y_range=(lo, hi),
                        bands=_bands(rule.bands),
                    ),
                    head=head,
                    rows=rows,
                    note=note,
                )
            )
        else:
            # Never summed (ONS4): one chart per question, each with its own bands.
            for item in inst.items:
                points = [(r.date, _item_value(r, item.id)) for r in rs]
                lo, hi = item.score_bounds()
                title = f"{inst.name}: {item.text or item.id}"
                desc = f"Answers from {lo} to {hi}: " + "; ".join(
                    f"{d:%d %B %Y} {'not answered' if v is None else _fmt(v)}" for d, v in points
                )
                out.append(
                    Chart(
                        id=f"score-{iid}-{item.id}",
                        title=title,
                        desc=desc + ".",
                        svg=charts.line_chart(
                            title,
                            desc,
                            [charts.Series(item.text or item.id, points)],
                            y_range=(lo, hi),
                            bands=_bands(item.bands),
                        ),
                        head=["Date", "Answer", "Band"],
                        rows=[
                            [f"{d:%d %B %Y}", "—" if v is None else _fmt(v), _item_band(r, item.id)]
                            for r, (d, v) in zip(rs, points, strict=True)
                        ],
                        note="Each question is shown on its own; the four are never added up.",
                    )
                )
    return out


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _item(r: Response, item_id: str) -> dict[str, Any]:
    item: dict[str, Any] = (r.score.get("items") or {}).get(item_id) or {}
    return item


def _item_value(r: Response, item_id: str) -> float | None:
    value = _item(r, item_id).get("score")
    return None if value is None else float(value)


def _item_label(r: Response, item_id: str) -> str:
    item = _item(r, item_id)
    if not item:
        return "—"
    return str(item.get("label") or item.get("value"))


def _item_band(r: Response, item_id: str) -> str:
    band = _item(r, item_id).get("band")
    return str(band["label"]) if band else "—"


def _connections(person: Person, latest: Map | None) -> list[dict[str, Any]]:
    actions = list(
        Action.objects.filter(goal__person=person)
        .exclude(kind=ActionKind.OTHER, asset_id="", member_key="")
        .order_by("created_at", "id")
    )
    happened: dict[int, FollowUp] = {}
    for f in FollowUp.objects.filter(
        action__in=actions, happened__in=[Happened.YES, Happened.PARTLY]
    ).order_by("date", "id"):
        happened.setdefault(f.action_id, f)
    on_map_keys: set[str] = set()
    on_map_assets: set[str] = set()
    if latest is not None:
        for key, asset in latest.members.values_list("key", "asset_id"):
            on_map_keys.add(key)
            if asset:
                on_map_assets.add(asset)
    out = []
    for a in actions:
        first = happened.get(a.pk)
        if latest is None or a.kind == ActionKind.LESS:
            kept = None
        elif a.asset_id:
            kept = a.asset_id in on_map_assets
        elif a.member_key:
            kept = a.member_key in on_map_keys
        else:
            kept = None
        out.append(
            {
                "action": a,
                "what": a.asset_name or a.member_label or a.description,
                "happened_on": first.date if first else None,
                "kept": kept if first else None,
            }
        )
    return out


def progress(person: Person) -> Progress:
    maps = list(Map.objects.filter(person=person).order_by("date", "id"))
    result = Progress(maps=maps)
    result.map_charts = _map_charts(person, maps)
    responses = list(
        Response.objects.filter(person=person, status=ResponseStatus.SIGNED).order_by("date", "id")
    )
    result.score_charts = _score_charts(responses)
    finals = [m for m in maps if m.status == MapStatus.FINAL]
    latest = finals[-1] if finals else None
    result.connections = _connections(person, latest)
    if len(finals) >= 2:
        first, last = finals[0], finals[-1]
        members = list(MapMember.objects.filter(map__in=[first, last]))
        ties = list(MapTie.objects.filter(map__in=[first, last]).select_related("a", "b"))
        nets = [
            m.to_network(
                [x for x in members if x.map_id == m.pk], [t for t in ties if t.map_id == m.pk]
            )
            for m in (first, last)
        ]
        result.change_text = describe_change(compare(nets[0], nets[1]))
        result.change_span = (first, last)
    return result
