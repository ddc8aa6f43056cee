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
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from kith.assets.models import Service
from kith.audit.log import record_export
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
from kith.maps.drawing import kept_view, map_drawing, read_map
from kith.maps.forms import (
    MapForm,
    MemberForm,
    MovePickForm,
    QuickAddForm,
    TieForm,
    TieToggleForm,
    VersionForm,
    add_network_error,
)
from kith.maps.links import map_urls
from kith.maps.models import Map, MapMember, MapTie
from kith.network import Network, NetworkError
from kith.network.change import compare as compare_maps
from kith.network.change import describe_change
from kith.people.access import get_person_for_user


def _load(the_map: Map) -> tuple[list[MapMember], list[MapTie], Network | None, str]:
    """Members, ties and the core network of a map (two queries whatever its size)."""
    members, ties = read_map(the_map)
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


def linked_assets(members: list[MapMember]) -> dict[str, tuple[int, str]]:
    """Asset id → (directory id, name) of the community assets members are linked to.

    One query for all members, none when nobody is linked. Private records (individuals,
    shown to directory editors only) are left out: their page would not open for everyone.
    """
    wanted = {m.asset_id for m in members if m.asset_id}
    if not wanted:
        return {}
    found = Service.objects.filter(hsds_id__in=wanted, is_private=False).order_by()
    return {hsds_id: (pk, name) for hsds_id, pk, name in found.values_list("hsds_id", "pk", "name")}


def _map_context(the_map: Map, **extra: Any) -> dict[str, Any]:
    """Everything the map page and its editor fragment show (a constant number of queries)."""
    kept = kept_view(the_map)
    if kept is None:
        members, ties, net, problem = _load(the_map)
    else:  # the kept drawing and panel are this version's: no need to build the network
        (members, ties), net, problem = read_map(the_map), None, ""
    urls = map_urls(the_map.pk, the_map.person_id)
    context: dict[str, Any] = {
        "map": the_map,
        "map_date": date_format(the_map.date, "j F Y"),
        "person": the_map.person,
        "members": members,
        "ties": ties,
        "problem": problem,
        "circles": [
            (circle, [m for m in members if m.circle == circle]) for circle in (1, 2, 3, None)
        ],
        "urls": urls,
        "assets": linked_assets(members),
    }
    if kept is not None:
        context["drawing"], context["panel"] = kept
    elif net is not None:
        context["drawing"] = map_drawing(the_map, net)
        context["panel"] = summary.measures_panel(net)
    if the_map.is_draft:
        context["quick_form"] = QuickAddForm(
            initial={"version": the_map.version}, auto_id="quick_%s"
        )
        context["editor_urls"] = {
            "move": urls["member_move"],
            "tie": urls["tie_toggle"],
            "quick": urls["quick_add"],
        }
    context.update(extra)
    return context


@login_required
def map_detail(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    return render(request, "maps/map.html", _map_context(the_map))


@login_required
def map_svg(request: HttpRequest, map_id: int) -> HttpResponse:
    the_map = get_map_for_user(request.user, map_id)
    _, _, net, _ = _load(the_map)
    svg = map_drawing(the_map, net) if net is not None else None
    if svg is None:
        raise Http404("The drawing is not available")
    record_export(the_map, "svg")
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
            change = compare_maps(a, b)
            marks = change.highlight()
            context["change_text"] = describe_change(change)
        for side, prefix in zip(sides, ("before-", "after-"), strict=True):
            net = side["net"]
            if net is None:
                continue
            # The earlier map marks who was lost; the later one who was gained or moved.
            wanted = {k: v for k, v in marks.items() if (v == "lost") == (prefix == "before-")}
            side["drawing"] = map_drawing(side["map"], net, highlight=wanted, id_prefix=prefix)
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


# --- The map editor ----------------------------------------------------------------------
# Three small endpoints behind the drawing: move a member to a circle, tie or untie two
# members, quick add. Each is a plain form POST (works without JavaScript: success redirects
# to the map with a message; a conflict or a mistake shows the map page with what was tried).
# The editor module (static/js/map-editor.js) sends the same forms with the header
# ``X-Kith-Editor: 1`` and gets back only the editor fragment (maps/_editor.html) to swap in.

EDITOR_HEADER = "X-Kith-Editor"

CIRCLE_WORDS: dict[int | None, str] = {
    1: "circle 1 (closest)",
    2: "circle 2 (middle)",
    3: "circle 3 (outer)",
    None: "not placed yet",
}


def _is_editor(request: HttpRequest) -> bool:
    return request.headers.get(EDITOR_HEADER) == "1"


def _editor_response(
    request: HttpRequest, map_id: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The editor fragment (for the editor module) or the whole map page, freshly read."""
    the_map = get_map_for_user(request.user, map_id)
    if "quick_form" in extra and the_map.is_final:
        del extra["quick_form"]
    context = _map_context(the_map, **extra)
    template = "maps/_editor.html" if _is_editor(request) else "maps/map.html"
    return render(request, template, context, status=status)


def _editor_done(request: HttpRequest, the_map: Map, text: str, anchor: str = "") -> HttpResponse:
    if _is_editor(request):
        return _editor_response(request, the_map.pk, announce=text)
    messages.success(request, text)
    return redirect(the_map.get_absolute_url() + anchor)


def _editor_locked(request: HttpRequest, error: MapLocked) -> HttpResponse:
    if _is_editor(request):
        return _editor_response(
            request, error.map.pk, status=409, editor_error=str(error) + " Start a review."
        )
    return _locked(request, error)


def _editor_conflict(
    request: HttpRequest, the_map: Map, error: MapConflict, attempt: dict[str, Any], **extra: Any
) -> HttpResponse:
    conflict = {"expected": error.expected, "current": error.current, **attempt}
    return _editor_response(
        request, the_map.pk, status=409, editor_conflict=conflict, announce="", **extra
    )


def _first_error(form: VersionForm) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return "Check the change and try again."


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member_move(request: HttpRequest, map_id: int) -> HttpResponse:
    """Put a member in another circle (the drawing's drag and keys; a form without them)."""
    the_map = get_map_for_user(request.user, map_id)
    if the_map.is_final:
        return _editor_locked(request, MapLocked(the_map))
    members = list(the_map.members.all())
    current: MapMember | None = None
    if request.method == "POST":
        form = MovePickForm(request.POST, members=members)
        if form.is_valid():
            key, circle = form.cleaned_data["key"], form.cleaned_data["circle"]
            member = next(m for m in members if m.key == key)
            member.map = the_map
            label = member.label or member.key
            if member.circle == circle:
                return _editor_done(
                    request, the_map, f"{label} is already in {CIRCLE_WORDS[circle]}."
                )
            try:
                do_update_member(
                    request.user,
                    member,
                    {"circle": circle},
                    expected_version=form.cleaned_data["version"],
                )
            except MapLocked as error:
                return _editor_locked(request, error)
            except MapConflict as error:
                now = MapMember.objects.filter(map=the_map, key=key).first()
                return _editor_conflict(
                    request,
                    the_map,
                    error,
                    {
                        "text": f"move {label} to {CIRCLE_WORDS[circle]}",
                        "now": (
                            f"On the map now, {label} is in {CIRCLE_WORDS[now.circle]}."
                            if now is not None
                            else f"{label} is no longer on the map."
                        ),
                        "action": request.path,
                        "fields": {"key": key, "circle": "" if circle is None else circle},
                        "button": f"Move {label} to {CIRCLE_WORDS[circle]} now",
                    },
                )
            except NetworkError as error:
                add_network_error(form, error)
            else:
                return _editor_done(request, the_map, f"{label} moved to {CIRCLE_WORDS[circle]}.")
        if _is_editor(request):
            return _editor_response(
                request, the_map.pk, status=400, editor_error=_first_error(form)
            )
        current = next((m for m in members if m.key == request.POST.get("key")), None)
    else:
        current = next((m for m in members if m.key == request.GET.get("key")), None)
        form = MovePickForm(
            initial={
                "version": the_map.version,
                "key": current.key if current else None,
                "circle": current.circle if current else None,
            },
            members=members,
        )
    return render(
        request,
        "maps/move_form.html",
        {"map": the_map, "form": form, "member": current, "members": members},
    )


@login_required
@require_POST
def member_quick_add(request: HttpRequest, map_id: int) -> HttpResponse:
    """Add a member from one line of text ("Mum /1 /family")."""
    the_map = get_map_for_user(request.user, map_id)
    if the_map.is_final:
        return _editor_locked(request, MapLocked(the_map))
    form = QuickAddForm(request.POST, auto_id="quick_%s")
    if form.is_valid():
        fields = form.cleaned_data["text"]
        try:
            do_add_member(
                request.user, the_map, fields, expected_version=form.cleaned_data["version"]
            )
        except MapLocked as error:
            return _editor_locked(request, error)
        except MapConflict as error:
            kept = QuickAddForm(
                initial={"version": error.current, "text": request.POST.get("text", "")},
                auto_id="quick_%s",
            )
            return _editor_conflict(
                request,
                the_map,
                error,
                {"text": f"add {fields['label']}", "now": "", "quick": True},
                quick_form=kept,
            )
        except NetworkError as error:
            add_network_error(form, error)
        else:
            where = CIRCLE_WORDS[fields.get("circle")]
            return _editor_done(
                request, the_map, f"Added {fields['label']}, {where}.", anchor="#quick-add"
            )
    return _editor_response(
        request, the_map.pk, status=400, quick_form=form, editor_error=_first_error(form)
    )


@login_required
@require_POST
def tie_toggle(request: HttpRequest, map_id: int) -> HttpResponse:
    """Tie two members (``want=tie``) or untie them (``want=untie``); already so is no change."""
    the_map = get_map_for_user(request.user, map_id)
    if the_map.is_final:
        return _editor_locked(request, MapLocked(the_map))
    form = TieToggleForm(request.POST)
    if not form.is_valid():
        return _editor_response(request, the_map.pk, status=400, editor_error=_first_error(form))
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    want = form.cleaned_data["want"]
    ends = {m.key: m for m in the_map.members.filter(key__in=[a, b])}
    if len(ends) != 2:
        return _editor_response(
            request, the_map.pk, status=400, editor_error="That member is no longer on the map."
        )
    names = f"{ends[a].label or a} and {ends[b].label or b}"
    tie = (
        MapTie.objects.filter(map=the_map)
        .filter(Q(a__key=a, b__key=b) | Q(a__key=b, b__key=a))
        .first()
    )
    if (tie is not None) == (want == "tie"):
        state = "tied" if tie is not None else "not tied"
        return _editor_done(request, the_map, f"{names} are already {state}.")
    try:
        if tie is not None:
            tie.map = the_map
            do_remove_tie(request.user, tie, expected_version=form.cleaned_data["version"])
        else:
            do_add_tie(request.user, the_map, a, b, expected_version=form.cleaned_data["version"])
    except MapLocked as error:
        return _editor_locked(request, error)
    except MapConflict as error:
        return _editor_conflict(
            request,
            the_map,
            error,
            {
                "text": f"{want} {names}",
                "now": "",
                "action": request.path,
                "fields": {"a": a, "b": b, "want": want},
                "button": f"{want.capitalize()} {names} now",
            },
        )
    except NetworkError as error:
        return _editor_response(request, the_map.pk, status=400, editor_error=str(error))
    return _editor_done(request, the_map, f"{'Tied' if want == 'tie' else 'Untied'} {names}.")
