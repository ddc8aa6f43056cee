"""The directory for workers: search, a service's page, keeping it true, links and matching."""

from __future__ import annotations

import csv
import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kith.assets import schedules
from kith.assets.access import (
    connected_counts,
    get_report_for_editor,
    get_service_for_user,
    is_editor,
    require_editor,
)
from kith.assets.actions import (
    EDITABLE,
    LINKABLE_KINDS,
    DirectoryError,
    do_link_member_to_asset,
    do_report_problem,
    do_resolve_problem,
    do_save_interest_statement,
    do_update_service,
    review_due_before,
)
from kith.assets.forms import (
    MatchForm,
    ProblemForm,
    ResolveForm,
    SearchForm,
    ServiceForm,
    StatementForm,
)
from kith.assets.matching import shortlist
from kith.assets.models import (
    AssetChange,
    InterestStatement,
    Location,
    Organization,
    Phone,
    ProblemReport,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTerm,
    TaxonomyTerm,
)
from kith.assets.search import Hit, Query, postcode_point, search
from kith.formats.csv_safe import safe_row

PER_PAGE = 20


def _query_from(form: SearchForm) -> Query | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    q = Query(text=data.get("q") or "", free_only=bool(data.get("free")), age=data.get("age"))
    if data.get("interest"):
        q.term_refs = [data["interest"]]
    q.needs = set(data.get("needs") or [])
    point = postcode_point(data["postcode"]) if data.get("postcode") else None
    if point is None and data.get("lat") is not None and data.get("lon") is not None:
        point = (data["lat"], data["lon"])
    if point is not None:
        q.lat, q.lon = point
        q.radius_km = float(data.get("radius") or 5)
    when = data.get("when")
    if when == "now":
        q.open_at = timezone.localtime().replace(tzinfo=None)
    elif when:
        q.day = int(when)
        if data.get("time"):
            q.start = data["time"].hour * 60 + data["time"].minute
    return q


def map_points(
    hits: list[Hit], q: Query | None, width: int = 640, height: int = 400
) -> dict[str, Any]:
    """Points of the results projected onto a plain SVG (equirectangular, scaled to fit)."""
    located = [
        (i, h) for i, h in enumerate(hits, start=1) if h.lat is not None and h.lon is not None
    ]
    lats = [h.lat for _, h in located]
    lons = [h.lon for _, h in located]
    if q is not None and q.has_point:
        lats.append(q.lat)
        lons.append(q.lon)
    if not lats:
        return {"points": [], "width": width, "height": height}
    pad = 0.005
    south, north = min(lats) - pad, max(lats) + pad  # type: ignore[type-var, operator]
    west, east = min(lons) - pad, max(lons) + pad  # type: ignore[type-var, operator]
    kx = math.cos(math.radians((south + north) / 2))
    scale = min((width - 40) / ((east - west) * kx), (height - 40) / (north - south))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (
            round(20 + (lon - west) * kx * scale, 1),
            round(height - 20 - (lat - south) * scale, 1),
        )

    points = []
    for number, h in located:
        x, y = xy(h.lat, h.lon)  # type: ignore[arg-type]
        points.append(
            {
                "n": number,
                "x": x,
                "y": y,
                "name": h.service.name,
                "lat": h.lat,
                "lon": h.lon,
                "url": h.service.get_absolute_url(),
            }
        )
    centre = xy(q.lat, q.lon) if q is not None and q.has_point else None  # type: ignore[arg-type]
    km = scale * kx * (1 / (111.32 * kx))  # pixels per km
    return {
        "points": points,
        "width": width,
        "height": height,
        "centre": centre,
        "scale_km": 1,
        "scale_px": round(km, 1),
    }


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = _query_from(form) if request.GET else Query()
    page = (
        max(1, int(request.GET.get("page", "1") or 1))
        if request.GET.get("page", "1").isdigit()
        else 1
    )
    results = search(q, page=page, per_page=PER_PAGE) if q is not None else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "assets/search.html",
        {
            "nav": "assets",
            "form": form,
            "results": results,
            "map": map_points(results.hits, q) if results else None,
            "tile_url": settings.KITH_MAP_TILE_URL,
            "tile_attribution": settings.KITH_MAP_TILE_ATTRIBUTION,
            "query_string": params.urlencode(),
            "is_editor": is_editor(request.user),
        },
    )


def _service_context(service: Service) -> dict[str, Any]:
    sals = list(ServiceAtLocation.objects.filter(service_ref=service.hsds_id))
    locations = list(Location.objects.filter(hsds_id__in=[s.location_ref for s in sals]))
    sched = Schedule.objects.filter(service_ref=service.hsds_id) | Schedule.objects.filter(
        service_at_location_ref__in=[s.hsds_id for s in sals]
    )
    terms = TaxonomyTerm.objects.filter(
        hsds_id__in=ServiceTerm.objects.filter(service=service).values("term_ref")
    )
    return {
        "organization": Organization.objects.filter(hsds_id=service.organization_ref).first(),
        "locations": locations,
        "schedules": [schedules.describe(s.data) for s in sched],
        "phones": [p.data.get("number") for p in Phone.objects.filter(service_ref=service.hsds_id)],
        "terms": terms,
    }


@login_required
def detail(request: HttpRequest, service_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, service_id)
    months = settings.KITH_ASSET_REVIEW_MONTHS
    due = review_due_before(months)
    return render(
        request,
        "assets/detail.html",
        {
            "nav": "assets",
            "service": service,
            **_service_context(service),
            "needs_review": service.assured_date is None or service.assured_date < due,
            "review_months": months,
            "connected": connected_counts(request.user, service, timezone.localdate()),
            "history": AssetChange.objects.filter(
                entity="service", record_id=service.hsds_id
            ).select_related("user")[:20],
            "problems": service.problems.filter(status=ProblemReport.Status.OPEN),
            "is_editor": is_editor(request.user),
        },
    )


@login_required
def report_problem(request: HttpRequest, service_id: int) -> HttpResponse:
    service = get_service_for_user(request.user, service_id)
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_report_problem(request.user, service, form.cleaned_data["text"])
        messages.success(request, "Thank you: a directory editor will check it.")
        return redirect(service)
    return render(
        request, "assets/report.html", {"service": service, "form": form, "nav": "assets"}
    )


@login_required
def edit(request: HttpRequest, service_id: int) -> HttpResponse:
    require_editor(request.user)
    service = get_service_for_user(request.user, service_id)
    initial = {name: service.data.get(name) for name in EDITABLE}
    form = ServiceForm(request.POST or None, initial={**initial, "checked": True})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        checked = data.pop("checked")
        changes = {
            k: v
            for k, v in data.items()
            if v != initial.get(k) and not (v in ("", None) and initial.get(k) in ("", None))
        }
        do_update_service(request.user, service, changes, checked=checked)
        messages.success(request, "The service was saved.")
        return redirect(service)
    return render(request, "assets/edit.html", {"service": service, "form": form, "nav": "assets"})


@login_required
def review(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    months = settings.KITH_ASSET_REVIEW_MONTHS
    due = review_due_before(months)
    stale = Service.objects.filter(status="active").filter(
        assured_date__lt=due
    ) | Service.objects.filter(status="active", assured_date__isnull=True)
    return render(
        request,
        "assets/review.html",
        {
            "nav": "assets",
            "months": months,
            "stale": stale.order_by("assured_date", "name")[:200],
            "stale_count": stale.count(),
            "problems": ProblemReport.objects.filter(
                status=ProblemReport.Status.OPEN
            ).select_related("service", "reported_by")[:200],
        },
    )


@login_required
def resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_editor(request.user, report_id)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_resolve_problem(request.user, report, **form.cleaned_data)
        except DirectoryError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The report was resolved.")
        return redirect("assets:review")
    return render(request, "assets/resolve.html", {"report": report, "form": form, "nav": "assets"})


@login_required
def link_member(request: HttpRequest, map_id: int, member_id: int) -> HttpResponse:
    """Pick an asset for a map member from a search, or unlink it."""
    from kith.maps.access import get_member_for_user
    from kith.maps.actions import MapError

    member = get_member_for_user(request.user, map_id, member_id)
    the_map = member.map
    if member.kind not in LINKABLE_KINDS:
        raise Http404("Only a place, activity, group or service can be linked to an asset")
    if request.method == "POST":
        chosen = request.POST.get("service", "")
        service = get_service_for_user(request.user, chosen) if chosen else None
        try:
            do_link_member_to_asset(
                request.user,
                member,
                service,
                expected_version=int(request.POST.get("version") or 0) or None,
            )
        except (MapError, DirectoryError) as error:
            messages.error(request, str(error))
            return redirect(request.path)
        messages.success(
            request,
            f"{member.label} is linked to {service.name}."
            if service
            else f"{member.label} is no longer linked.",
        )
        return redirect(the_map.get_absolute_url())
    text = request.GET.get("q", member.label)
    results = search(Query(text=text, include_inactive=True), per_page=10) if text.strip() else None
    linked = Service.objects.filter(hsds_id=member.asset_id).first() if member.asset_id else None
    return render(
        request,
        "assets/link_member.html",
        {"member": member, "map": the_map, "text": text, "results": results, "linked": linked},
    )


@login_required
def match(request: HttpRequest, person_id: int) -> HttpResponse:
    from kith.people.access import get_person_for_user

    person = get_person_for_user(request.user, person_id)
    form = MatchForm(request.GET or None)
    suggestions = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        point = postcode_point(data["postcode"]) if data.get("postcode") else None
        suggestions = shortlist(
            list(data["statements"]), needs=set(data["needs"]), point=point, free_only=data["free"]
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="suggestions.csv"'
            writer = csv.writer(response)
            writer.writerow(["service", "organisation_id", "distance_km", "why", "id"])
            for s in suggestions:
                d = s.hit.distance_km
                writer.writerow(
                    safe_row(
                        [
                            s.hit.service.name,
                            s.hit.service.organization_ref,
                            f"{d:.1f}" if d is not None else "",
                            s.reason,
                            s.hit.service.hsds_id,
                        ]
                    )
                )
            return response
    template = "assets/match_print.html" if request.GET.get("print") else "assets/match.html"
    params = request.GET.copy()
    params.pop("print", None)
    params.pop("format", None)
    return render(
        request,
        template,
        {
            "person": person,
            "form": form,
            "suggestions": suggestions,
            "query_string": params.urlencode(),
            "today": timezone.localdate(),
            "nav": "caseload",
        },
    )


@login_required
def statements(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    names = dict(TaxonomyTerm.objects.values_list("hsds_id", "name"))
    rows = [(s, [names.get(t, t) for t in s.term_refs]) for s in InterestStatement.objects.all()]
    return render(request, "assets/statements.html", {"rows": rows, "nav": "assets"})


@login_required
def statement_edit(request: HttpRequest, statement_id: int | None = None) -> HttpResponse:
    require_editor(request.user)
    statement = None
    if statement_id is not None:
        statement = InterestStatement.objects.filter(pk=statement_id).first()
        if statement is None:
            raise Http404("No such statement")
    initial = (
        {"text": statement.text, "terms": statement.term_refs, "position": statement.position}
        if statement
        else {}
    )
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        do_save_interest_statement(
            request.user,
            statement,
            text=form.cleaned_data["text"],
            term_refs=form.cleaned_data["terms"],
            position=form.cleaned_data["position"],
        )
        messages.success(request, "The statement was saved.")
        return redirect("assets:statements")
    return render(
        request,
        "assets/statement_form.html",
        {"form": form, "statement": statement, "nav": "assets"},
    )
