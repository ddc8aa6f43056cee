"""Map pages. Views read through ``access.py``, write through ``actions.py`` and render.

Every change is a plain HTML form (works without JavaScript). Each form carries the map
``version`` it was rendered from; a change made against an older version is refused and the
page shows both the current state and what the user tried to save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kith.maps import summary
from kith.maps.access import (
    get_map_for_user,
    get_member_for_user,
    get_tie_for_user,
    maps_of_person,
)
from kith.maps.actions import (
    DraftExists,
    MapConflict,
    MapLocked,
    do_add_member,
    do_add_tie,
    do_create_map,
    do_finalise_map,
    do_remove_member,
    do_remove_tie,
    do_update_map,
    do_update_member,
)
from kith.maps.forms import MapForm, MemberForm, TieForm, VersionForm, add_network_error
from kith.maps.models import Map, MapMember, MapTie
from kith.network import Network, NetworkError
from kith.people.access import get_person_for_user


def _load(the_map: Map) -> tuple[list[MapMember], list[MapTie], Network | None, str]:
    """Members, ties and the core network of a map (two queries whatever its size)."""
    members = list(the_map.members.all())
    ties = list(the_map.ties.select_related("a", "b"))
    try:
        return members, ties, the_map.to_network(members, ties), ""
    except NetworkError as error:
        return members, ties, None, str(error)


def _with_version(request: HttpRequest, version: int) -> Any:
    data = request.POST.copy()
    data["version"] = str(version)
    return data


def _locked(request: HttpRequest, error: MapLocked) -> HttpResponse:
    messages.error(request, str(error) + " Start a review to make changes.")
    return redirect(error.map)


def _require_draft(request: HttpRequest, the_map: Map) -> HttpResponse | None:
    if the_map.is_final:
        return _locked(request, MapLocked(the_map))
    return None


@login_required
def start_map(request: HttpRequest, person_id: int) -> HttpResponse:
    """Start a first map, or a review copied from the latest final map."""
    person = get_person_for_user(request.user, person_id)
    existing = list(maps_of_person(person))
    if request.method == "POST":
        try:
            the_map = do_create_map(request.user, person, date=timezone.localdate())
        except DraftExists as error:
            messages.info(request, str(error) + " Here it is.")
            return redirect(error.map)
        messages.success(
            request,
            "Review started from the last final map." if the_map.based_on_id else "Map started.",
        )
        return redirect(the_map)
    return render(
        request,
        "maps/start_map.html",
        {"person": person, "is_review": any(m.is_final for m in existing), "maps": existing},
    )


@login_required
def map_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    members, ties, net, problem = _load(the_map)
    context: dict[str, Any] = {
        "map": the_map,
        "person": the_map.person,
        "members": members,
        "ties": ties,
        "problem": problem,
        "circles": [
            (circle, [m for m in members if m.circle == circle]) for circle in (1, 2, 3, None)
        ],
    }
    if net is not None:
        context["drawing"] = summary.drawing_svg(net)
        context["panel"] = summary.measures_panel(net)
    if the_map.is_draft:
        context["member_form"] = MemberForm(initial={"version": the_map.version}, auto_id="add_%s")
        if len(members) >= 2:
            context["tie_form"] = TieForm(
                initial={"version": the_map.version}, members=members, auto_id="tie_%s"
            )
    return render(request, "maps/map_detail.html", context)


@login_required
def map_svg(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    _, _, net, _ = _load(the_map)
    svg = summary.drawing_svg(net) if net is not None else None
    if svg is None:
        raise Http404("The drawing is not available")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="map-{the_map.pk}.svg"'
    return response


def _conflict_context(error: MapConflict) -> dict[str, Any]:
    current = error.map
    return {
        "conflict": error,
        "current_members": list(current.members.all()),
        "current_ties": list(current.ties.select_related("a", "b")),
    }


def _member_form_view(
    request: HttpRequest,
    the_map: Map,
    member: MapMember | None,
    save: Callable[[MemberForm], Any],
) -> HttpResponse:
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                save(form)
            except MapLocked as error:
                return _locked(request, error)
            except MapConflict as error:
                form = MemberForm(_with_version(request, error.current))
                form.is_valid()
                return render(
                    request,
                    "maps/member_form.html",
                    {"map": the_map, "member": member, "form": form, **_conflict_context(error)},
                    status=409,
                )
            except NetworkError as error:
                add_network_error(form, error)
            else:
                messages.success(request, "The map was saved.")
                return redirect(the_map)
    elif member is not None:
        form = MemberForm(initial=MemberForm.initial_from(member, the_map.version))
    else:
        form = MemberForm(initial={"version": the_map.version})
    return render(
        request, "maps/member_form.html", {"map": the_map, "member": member, "form": form}
    )


@login_required
def member_add(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    if response := _require_draft(request, the_map):
        return response
    return _member_form_view(
        request,
        the_map,
        None,
        lambda form: do_add_member(
            request.user,
            the_map,
            form.member_fields(),
            expected_version=form.cleaned_data["version"],
        ),
    )


@login_required
def member_edit(request: HttpRequest, map_id: int, member_id: int) -> HttpResponse:
    member = get_member_for_user(request.user, map_id, member_id)
    the_map = member.map
    if response := _require_draft(request, the_map):
        return response
    return _member_form_view(
        request,
        the_map,
        member,
        lambda form: do_update_member(
            request.user,
            member,
            form.member_fields(),
            expected_version=form.cleaned_data["version"],
        ),
    )


def _confirm_view(
    request: HttpRequest,
    the_map: Map,
    template: str,
    context: dict[str, Any],
    do: Callable[[int], Any],
    done: str,
) -> HttpResponse:
    form = VersionForm(request.POST or None, initial={"version": the_map.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do(form.cleaned_data["version"])
        except MapLocked as error:
            return _locked(request, error)
        except MapConflict as error:
            form = VersionForm(initial={"version": error.current})
            context.update(_conflict_context(error))
            status = 409
        except NetworkError as error:
            add_network_error(form, error)
        else:
            messages.success(request, done)
            return redirect(the_map)
    return render(request, template, {"map": the_map, "form": form, **context}, status=status)


@login_required
def member_remove(request: HttpRequest, map_id: int, member_id: int) -> HttpResponse:
    member = get_member_for_user(request.user, map_id, member_id)
    if response := _require_draft(request, member.map):
        return response
    return _confirm_view(
        request,
        member.map,
        "maps/confirm.html",
        {
            "title": f"Remove {member.label or member.key} from the map?",
            "body": "Their links to other members are removed too.",
            "button": "Remove",
            "warning": True,
        },
        lambda version: do_remove_member(request.user, member, expected_version=version),
        f"{member.label or member.key} was removed.",
    )


@login_required
def tie_add(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    if response := _require_draft(request, the_map):
        return response
    members = list(the_map.members.all())
    form = TieForm(request.POST or None, members=members, initial={"version": the_map.version})
    context: dict[str, Any] = {"map": the_map, "members": members}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do_add_tie(
                request.user,
                the_map,
                form.cleaned_data["a"],
                form.cleaned_data["b"],
                expected_version=form.cleaned_data["version"],
            )
        except MapLocked as error:
            return _locked(request, error)
        except MapConflict as error:
            form = TieForm(_with_version(request, error.current), members=members)
            form.is_valid()
            context.update(_conflict_context(error))
            status = 409
        except NetworkError as error:
            add_network_error(form, error)
        else:
            messages.success(request, "The link was added.")
            return redirect(the_map)
    return render(request, "maps/tie_form.html", {**context, "form": form}, status=status)


@login_required
def tie_remove(request: HttpRequest, map_id: int, tie_id: int) -> HttpResponse:
    tie = get_tie_for_user(request.user, map_id, tie_id)
    if response := _require_draft(request, tie.map):
        return response
    names = f"{tie.a.label or tie.a.key} and {tie.b.label or tie.b.key}"
    return _confirm_view(
        request,
        tie.map,
        "maps/confirm.html",
        {"title": f"Remove the link between {names}?", "button": "Remove link", "warning": True},
        lambda version: do_remove_tie(request.user, tie, expected_version=version),
        f"The link between {names} was removed.",
    )


@login_required
def map_finalise(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    if response := _require_draft(request, the_map):
        return response
    return _confirm_view(
        request,
        the_map,
        "maps/confirm.html",
        {
            "title": f"Finalise the map of {the_map.date:%d %B %Y}?",
            "body": "A final map cannot be changed. To change it later, start a review.",
            "button": "Finalise",
        },
        lambda version: do_finalise_map(request.user, the_map, expected_version=version),
        "The map is final.",
    )


@login_required
def map_edit(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    if response := _require_draft(request, the_map):
        return response
    initial = {"date": the_map.date, "notes": the_map.notes, "version": the_map.version}
    form = MapForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"map": the_map}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do_update_map(
                request.user,
                the_map,
                expected_version=form.cleaned_data["version"],
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
            )
        except MapLocked as error:
            return _locked(request, error)
        except MapConflict as error:
            form = MapForm(_with_version(request, error.current))
            form.is_valid()
            context.update(_conflict_context(error))
            status = 409
        else:
            messages.success(request, "The map was saved.")
            return redirect(the_map)
    return render(request, "maps/map_form.html", {**context, "form": form}, status=status)


def _pick(maps: list[Map], value: str | None, default: Map) -> Map:
    if value:
        for m in maps:
            if str(m.pk) == value:
                return m
        raise Http404("No such map")
    return default


@login_required
@require_http_methods(["GET", "HEAD"])
def compare(request: HttpRequest, person_id: int) -> HttpResponse:
    """Two maps of one person side by side: gained, lost, moved and every measure's change."""
    person = get_person_for_user(request.user, person_id)
    maps = list(maps_of_person(person))
    context: dict[str, Any] = {"person": person, "maps": maps}
    if len(maps) >= 2:
        before = _pick(maps, request.GET.get("a"), maps[-2])
        after = _pick(maps, request.GET.get("b"), maps[-1])
        if before.date > after.date or (before.date == after.date and before.pk > after.pk):
            before, after = after, before
        sides: list[dict[str, Any]] = []
        for m in (before, after):
            members, _ties, net, problem = _load(m)
            sides.append({"map": m, "net": net, "problem": problem, "members": members})
        a, b = sides[0]["net"], sides[1]["net"]
        marks: dict[str, str] = {}
        if a is not None and b is not None:
            context["change"] = summary.simple_change(a, b)
            change = summary.call_optional("kith.network.change", "compare", a, b)
            if change is not None:
                marks = change.highlight()
                context["change_text"] = summary.call_optional(
                    "kith.network.change", "describe_change", change
                )
        for side, prefix in zip(sides, ("before-", "after-"), strict=True):
            net = side["net"]
            if net is None:
                continue
            # The earlier map marks who was lost; the later one who was gained or moved.
            wanted = {k: v for k, v in marks.items() if (v == "lost") == (prefix == "before-")}
            side["drawing"] = summary.drawing_svg(net, highlight=wanted, id_prefix=prefix)
            side["panel"] = summary.measures_panel(net)
        context.update({"before": sides[0], "after": sides[1]})
        if a is not None and b is not None:
            context["measure_changes"] = _measure_changes(sides[0]["panel"], sides[1]["panel"])
            context["all_measures"] = summary.all_measure_changes(
                sides[0]["panel"].get("row"), sides[1]["panel"].get("row")
            )
    return render(request, "maps/compare.html", context)


def _measure_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    old = {r["name"]: r for r in before.get("rows", [])}
    rows = []
    for row in after.get("rows", []):
        prior = old.get(row["name"])
        rows.append(
            {
                "label": row["label"],
                "before": prior["value"] if prior else "—",
                "after": row["value"],
                "changed": bool(prior and prior["value"] != row["value"]),
            }
        )
    return rows
