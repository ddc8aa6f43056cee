"""The pages: search, a service, keeping it true, links to people and matching."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kith.accounts.testing import World, make_map, make_person
from kith.assets.demo import load_demo_directory
from kith.assets.models import AssetChange, InterestStatement, ProblemReport, Service
from kith.maps.models import MapMember, MapStatus


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world[who])
    return client


def test_search_page_filters_and_map(world: World, demo_directory: None) -> None:
    page = _client(world, "ana").get(
        "/assets/", {"q": "walk", "postcode": "ZZ1 1AA", "radius": "10", "needs": ["wheelchair"]}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Walking Group" in html and "<svg" in html and "km away" in html
    bad = _client(world, "ana").get("/assets/", {"postcode": "nonsense"})
    assert "Enter a postcode" in bad.content.decode()
    assert "leaflet" not in html  # no tiles configured: the plain SVG only


def test_service_page_history_and_keeping_it_true(world: World, demo_directory: None) -> None:
    service = Service.objects.get(name="Larkhill Walking Group")
    ana, dee = _client(world, "ana"), _client(world, "dee")
    html = ana.get(f"/assets/{service.pk}/").content.decode()
    assert "Last checked" in html and "Created" in html
    response = ana.post(f"/assets/{service.pk}/report/", {"text": "It moved to Fridays."})
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert "It moved to Fridays." in dee.get("/assets/review/").content.decode()
    assert ana.get("/assets/review/").status_code == 404
    edit = dee.post(
        f"/assets/{service.pk}/edit/",
        {
            "name": service.name,
            "description": "Now on Fridays.",
            "status": "active",
            "checked": "on",
        },
    )
    assert edit.status_code == 302
    service.refresh_from_db()
    assert service.data["description"] == "Now on Fridays."
    assert service.assured_date == dt.date.today()
    change = AssetChange.objects.filter(record_id=service.hsds_id, action="updated").get()
    assert "description" in change.fields and change.user == world["dee"]
    assert dee.post(f"/assets/problems/{report.pk}/", {"status": "fixed"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "fixed" and report.resolved_by == world["dee"]
    # The needs-review list: services not checked for KITH_ASSET_REVIEW_MONTHS months.
    from kith.assets.actions import review_due_before

    stale = Service.objects.filter(status="active", assured_date__lt=review_due_before(12)).count()
    assert stale and f"({stale})" in dee.get("/assets/review/").content.decode()


def test_link_a_member_and_count_people_without_names(world: World, demo_directory: None) -> None:
    service = Service.objects.get(name="Larkhill Walking Group")
    person = make_person(world.north, "Casey N.")
    make_map(
        person,
        [{"key": "walk", "label": "The walking group", "kind": "group", "circle": 3}],
        status=MapStatus.FINAL,
        date=dt.date.today() - dt.timedelta(days=400),
    )
    draft = make_map(
        person,
        [{"key": "walk", "label": "The walking group", "kind": "group", "circle": 3}],
        date=dt.date.today(),
    )
    member = draft.members.get(key="walk")
    ana = _client(world, "ana")
    picker = ana.get(f"/assets/link/{draft.pk}/{member.pk}/", {"q": "walking larkhill"})
    assert "Larkhill Walking Group" in picker.content.decode()
    assert _client(world, "ben").get(f"/assets/link/{draft.pk}/{member.pk}/").status_code == 404
    done = ana.post(
        f"/assets/link/{draft.pk}/{member.pk}/", {"service": service.pk, "version": draft.version}
    )
    assert done.status_code == 302
    assert MapMember.objects.get(pk=member.pk).asset_id == service.hsds_id
    stale = ana.post(
        f"/assets/link/{draft.pk}/{member.pk}/", {"service": "", "version": draft.version}
    )
    assert stale.status_code == 302 and MapMember.objects.get(pk=member.pk).asset_id  # conflict
    html = ana.get(f"/assets/{service.pk}/").content.decode()
    assert 'data-connected="now">1<' in html and 'data-connected="a year ago">0<' in html
    assert "Casey" not in html
    ben_view = _client(world, "ben").get(f"/assets/{service.pk}/").content.decode()
    assert 'data-connected="now">0<' in ben_view
    assert (
        "data-connected" not in _client(world, "dee").get(f"/assets/{service.pk}/").content.decode()
    )


def test_matching_shortlist_explains_and_prints(world: World, demo_directory: None) -> None:
    person = make_person(world.north, "Casey N.")
    creative = InterestStatement.objects.get(text="I would like to do something creative")
    lonely = InterestStatement.objects.get(text="I don't see other people very often")
    ana = _client(world, "ana")
    params = {
        "statements": [creative.pk, lonely.pk],
        "needs": ["wheelchair"],
        "postcode": "ZZ2 1AA",
    }
    html = ana.get(f"/assets/match/{person.pk}/", params).content.decode()
    assert "Suggested because it fits" in html and "km away" in html and "wheelchair access" in html
    printable = ana.get(f"/assets/match/{person.pk}/", {**params, "print": "1"}).content.decode()
    assert "Ideas for Casey N." in printable and "govuk-header" not in printable
    csv_text = ana.get(f"/assets/match/{person.pk}/", {**params, "format": "csv"}).content.decode()
    assert csv_text.startswith("service,") and csv_text.count("\n") > 2
    assert _client(world, "ben").get(f"/assets/match/{person.pk}/").status_code == 404


def test_editors_keep_the_interest_table(world: World, demo_directory: None) -> None:
    from kith.assets.models import TaxonomyTerm

    dee = _client(world, "dee")
    term = TaxonomyTerm.objects.get(code="music")
    response = dee.post(
        "/assets/statements/new/",
        {"text": "I like to sing", "terms": [term.hsds_id], "position": 20},
    )
    assert response.status_code == 302
    assert InterestStatement.objects.get(text="I like to sing").term_refs == [term.hsds_id]


def test_demo_is_big_enough_and_idempotent(world: World, demo_directory: None) -> None:
    from kith.assets.models import Location, Organization, Schedule, ServiceTerm

    assert Service.objects.count() >= 300 and Organization.objects.count() >= 120
    assert Location.objects.exclude(latitude=None).count() >= 300
    assert Schedule.objects.count() >= 300 and ServiceTerm.objects.count() >= 600
    before = AssetChange.objects.count()
    load_demo_directory(io.StringIO())
    assert AssetChange.objects.count() == before


class _Feed(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, Any]] = {}

    def do_GET(self) -> None:
        body = json.dumps(self.pages.get(self.path, {})).encode()
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_import_from_a_paginated_url(db: None, shared_data: Path) -> None:
    raw = json.loads((shared_data / "hsds" / "examples" / "service_list.json").read_text())
    first = dict(raw["contents"][0])
    second = dict(first, id="second-service", name="Second service")
    envelope = {
        "total_items": 2,
        "total_pages": 2,
        "size": 1,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    _Feed.pages = {
        "/services?per_page=1": {**envelope, "page_number": 1, "contents": [first]},
        "/services?per_page=1&page=2": {
            **envelope,
            "page_number": 2,
            "first_page": False,
            "last_page": True,
            "contents": [second],
        },
    }
    server = HTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/services?per_page=1"
        call_command("import_assets", url, stdout=io.StringIO())
        assert set(Service.objects.values_list("hsds_id", flat=True)) == {
            first["id"],
            "second-service",
        }
        with pytest.raises(CommandError, match="only http"):
            call_command("import_assets", "ftp://127.0.0.1/x.json")
    finally:
        server.shutdown()
