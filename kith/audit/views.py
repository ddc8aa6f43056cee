"""The audit trail for admins: search (paginated) and CSV export; everyone else gets 404."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kith.accounts.access import is_admin
from kith.audit.forms import AuditFilterForm
from kith.audit.log import record_export, record_view
from kith.audit.models import AuditEvent
from kith.formats.csv_safe import safe_row

PAGE_SIZE = 50
CSV_COLUMNS = [
    "at_utc",
    "actor_id",
    "actor_name",
    "verb",
    "object_type",
    "object_id",
    "person_id",
    "fields",
    "ip",
    "user_agent",
    "reason",
]


def _admin_only(request: HttpRequest) -> None:
    if not is_admin(request.user):  # type: ignore[arg-type]
        raise Http404("Not found")


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-at", "-id")
    return form, (form.filter(events) if request.GET else events)


@login_required
@require_http_methods(["GET", "HEAD"])
def events(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form, found = _filtered(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    record_view("audit.auditevent")  # who searched the audit is audited as well
    response = render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query_string": params.urlencode(), "nav": "audit"},
    )
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(found: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in found.iterator(chunk_size=2000):
        yield writer.writerow(
            safe_row(
                [
                    event.at.astimezone(dt.UTC).isoformat(),
                    event.actor_id if event.actor_id is not None else "",
                    event.actor_name,
                    event.verb,
                    event.object_type,
                    event.object_id,
                    event.person_id if event.person_id is not None else "",
                    " ".join(event.fields or ()),
                    event.ip or "",
                    event.user_agent,
                    event.reason,
                ]
            )
        )


@login_required
@require_http_methods(["GET", "HEAD"])
def export(request: HttpRequest) -> StreamingHttpResponse:
    """The events the filters select, as CSV (cells that a spreadsheet would run are defused)."""
    _admin_only(request)
    _form, found = _filtered(request)
    record_export("audit.auditevent", "csv")
    response = StreamingHttpResponse(_csv_lines(found), content_type="text/csv; charset=utf-8")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
