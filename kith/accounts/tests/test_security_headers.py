"""Security headers on every page, no inline code, and request size limits (docs/security.md,
"Headers and deployment"; ASVS 5.0 chapter 3 "Web frontend security" and 14.3 "Client-side data
protection").

The URLs are the access matrix's own table, so a new page is covered here as soon as it has a
row there. The Content-Security-Policy allows scripts and styles only from Kith's own static
files: an inline ``<script>``, a ``<style>`` element, a ``style="…"`` attribute or an
``onclick=`` would be blocked by the browser, so a page would silently lose its behaviour or
look. The browser tests catch what they visit; the checks here read every template and every
page of the table.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kith.accounts.testing import World
from kith.accounts.tests.test_access_matrix import TABLE, Records, _records
from kith.maps.models import MapMember
from kith.middleware import is_public
from kith.network import Member, Network, Tie
from kith.network.drawing import draw_svg
from kith.people.models import Person

#: The policy issue 6 asks for: directive → exact sources.
CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
#: A signed-out visitor, a worker of the records' team (200s) and one of another team (404s).
PERSONAS = ("anon", "ana", "ben")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response: Any, path: str) -> None:
    where = (path, response.status_code)
    policy = csp_directives(response["Content-Security-Policy"])
    for directive, sources in CSP.items():
        assert policy.get(directive) == sources, (*where, directive, policy.get(directive))
    assert policy["img-src"][:2] == ["'self'", "data:"], where
    assert "unsafe" not in response["Content-Security-Policy"], where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"], (*where, feature)
    if not is_public(path):
        assert response["Cache-Control"] == "no-store", (*where, response.get("Cache-Control"))


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_page_sends_the_security_headers(world: World, name: str) -> None:
    """Whatever the answer (200, redirect to sign in, 404 for another team, 405), the headers
    are there, and pages that may hold personal data are never stored by a cache."""
    records: Records = _records(world)
    url = TABLE[name][0](records)
    for persona in PERSONAS:
        client = Client()
        if persona != "anon":
            client.force_login(world[persona])
        response = client.get(url)
        assert_security_headers(response, url)
        if response.status_code == 200 and response["Content-Type"].startswith(
            ("text/html", "image/svg+xml")
        ):
            # The page as served (charts and drawings included) runs under the policy.
            assert inline_code(response.content.decode()) == [], (name, persona)


@pytest.mark.parametrize(
    "path", ["/api/v1/people", "/api/v1/openapi.json", "/no-such-page", "/admin/"]
)
def test_api_and_error_pages_send_the_security_headers(world: World, path: str) -> None:
    client = Client()
    client.force_login(world["ana"])
    assert_security_headers(client.get(path), path)


def test_a_worker_s_person_page_is_never_cached_but_the_public_directory_may_be(
    world: World,
) -> None:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])
    person_page = client.get(reverse("people:detail", args=[records.person.pk]))
    assert person_page.status_code == 200
    assert person_page["Cache-Control"] == "no-store"
    directory = client.get(reverse("openreferral:services"))
    assert directory.status_code == 200
    assert "no-store" not in directory.get("Cache-Control", "")


def test_the_tile_server_is_allowed_for_images_only_when_configured() -> None:
    from kith.settings import tile_sources

    assert tile_sources("") == []
    assert tile_sources("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
    assert tile_sources("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png") == [
        "https://tiles.example.org:8443"
    ]
    with pytest.raises(ValueError, match="KITH_MAP_TILE_URL"):
        tile_sources("tiles/{z}/{x}/{y}.png")


# Request size limits ---------------------------------------------------------------------


def page(response: Any) -> str:
    """The text of a page as a person reads it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def _edit(world: World) -> tuple[Client, str, Person]:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])
    return client, reverse("people:edit", args=[records.person.pk]), records.person


def test_an_oversized_form_is_refused_with_the_limit_and_nothing_is_saved(
    world: World, settings: Any
) -> None:
    client, url, person = _edit(world)
    before = Person.objects.get(pk=person.pk).display_name
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(url, {"display_name": "Changed", "notes": text})
    assert response.status_code == 413
    assert "The form's text was longer than Kith takes (1.0 MB). Nothing was saved." in page(
        response
    )
    assert Person.objects.get(pk=person.pk).display_name == before


def test_a_form_with_too_many_fields_is_refused(world: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client, url, person = _edit(world)
    fields = {f"extra{i}": "1" for i in range(60)}
    response = client.post(url, {"display_name": "Changed", **fields})
    assert response.status_code == 413
    assert "more fields than Kith takes (50)" in page(response)
    assert Person.objects.get(pk=person.pk).display_name == "Casey N."


def test_an_oversized_upload_is_refused_before_any_view_runs(world: World, settings: Any) -> None:
    """The whole body counts (files included), from the request's Content-Length."""
    settings.KITH_REQUEST_MAX_BYTES = 64 * 1024
    client, url, person = _edit(world)
    upload = SimpleUploadedFile("network.csv", b"a,b\n" * 25_000, content_type="text/csv")
    response = client.post(url, {"display_name": "Changed", "file": upload})
    assert response.status_code == 413
    # 100,000 bytes of file plus the multipart framing: just over 98 KB.
    assert "The request was 98 KB; Kith takes at most 64 KB. Nothing was saved." in page(response)
    assert Person.objects.get(pk=person.pk).display_name == "Casey N."


def test_an_oversized_api_body_is_refused_as_json(world: World, settings: Any) -> None:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])
    members = MapMember.objects.filter(map=records.draft).count()
    body = json.dumps({"label": "Nan", "notes": "x" * (settings.KITH_REQUEST_MAX_BYTES)})
    response = client.post(
        f"/api/v1/maps/{records.draft.pk}/members",
        data=body,
        content_type="application/json",
        headers={"If-Match": f'"{records.draft.version}"'},
    )
    assert response.status_code == 413
    assert "Kith takes at most 10.0 MB. Nothing was saved." in response.json()["detail"]
    assert MapMember.objects.filter(map=records.draft).count() == members


# No inline code ---------------------------------------------------------------------------

KITH = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path.relative_to(KITH)
    for path in KITH.glob("**/templates/**/*.html")
    if "vendor" not in path.parts
)

#: Rendered only by WeasyPrint into a PDF on the server, never sent to a browser, so no CSP
#: applies; WeasyPrint needs the @page rules of a <style> element for the page footer.
PDF_ONLY = {
    Path("maps/templates/maps/map_print.html"),
    Path("plans/templates/plans/my_connections_print.html"),
}

_INLINE = {
    "a <script> without src": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I
    ),
    "a <style> element": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "an inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code(text: str) -> list[str]:
    """What in ``text`` a strict CSP would block, with the line it is on."""
    found = []
    for what, pattern in _INLINE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {what}: {match.group(0)[:80]}")
    return found


def test_the_templates_are_found() -> None:
    assert Path("templates/base.html") in TEMPLATES
    assert len(TEMPLATES) > 30


def test_the_pdf_only_templates_exist() -> None:
    assert PDF_ONLY.issubset(TEMPLATES), "a PDF-only template moved: update PDF_ONLY"


@pytest.mark.parametrize("template", [t for t in TEMPLATES if t not in PDF_ONLY], ids=str)
def test_no_inline_code_in_templates(template: Path) -> None:
    assert inline_code((KITH / template).read_text(encoding="utf-8")) == []


def test_the_checker_finds_what_the_browser_would_block() -> None:
    page = '<p style="color:red">x</p>\n<script>go()</script><button onclick="go()">'
    assert [line.split(":")[1].strip() for line in inline_code(page)] == [
        "a <script> without src",
        "a style attribute",
        "an inline event handler",
    ]
    assert inline_code('<script src="/static/kith/kith.js"></script>') == []
    assert inline_code('<script id="data" type="application/json">{}</script>') == []


def test_the_map_drawing_has_no_inline_style() -> None:
    net = Network(
        "p1",
        [Member("a", label="Mum", circle=1), Member("b", label="Park", kind="place", circle=2)],
        [Tie("a", "b")],
    )
    assert inline_code(draw_svg(net, title='<b onclick="x()">')) == []
