"""Exports (PDF printout, PNG, SVG) and the stable layout across a person's maps.

The PDF is checked the way a reader would see it: rendered to PNG with ``pdftoppm`` (one page),
its text extracted with ``pdftotext`` (member labels, the summary sentence, the typology
sentence). The rendered page is copied to ``docs/screenshots/pdf.png``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import REPO_ROOT, require
from kith.accounts.testing import World, make_map, make_person
from kith.maps import exports
from kith.maps.drawing import angle_memory, map_drawing, stable_layout
from kith.maps.models import Map, MapStatus
from kith.network.drawing import draw_svg
from kith.network.layout import layout

SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "pdf.png"

# A believable map (fictional): family, friends, a peer worker, places and groups.
MEMBERS: list[dict[str, Any]] = [
    {
        "key": "mum",
        "label": "Mum",
        "relationship": "family",
        "circle": 1,
        "contact": "daily",
        "support_received": {"emotional", "practical"},
    },
    {
        "key": "jo",
        "label": "Jo (sister)",
        "relationship": "family",
        "circle": 1,
        "contact": "weekly",
        "support_received": {"emotional"},
        "support_given": {"companionship"},
    },
    {"key": "rex", "label": "Rex", "kind": "pet", "circle": 1},
    {
        "key": "sam",
        "label": "Sam from work",
        "relationship": "colleague",
        "circle": 2,
        "contact": "weekly",
    },
    {
        "key": "priya",
        "label": "Priya",
        "relationship": "friend",
        "circle": 2,
        "contact": "monthly",
        "wish": "more",
    },
    {
        "key": "peer",
        "label": "Dev (peer worker)",
        "relationship": "professional",
        "circle": 2,
        "contact": "weekly",
        "support_received": {"information"},
    },
    {
        "key": "gp",
        "label": "Dr Okafor (GP)",
        "relationship": "professional",
        "circle": 3,
        "contact": "less",
    },
    {
        "key": "choir",
        "label": "Community choir",
        "kind": "group",
        "relationship": "peer",
        "circle": 2,
        "contact": "weekly",
    },
    {"key": "library", "label": "Library", "kind": "place", "circle": 3, "contact": "weekly"},
    {"key": "allotment", "label": "Allotment", "kind": "place", "circle": 2},
    {"key": "walk", "label": "Tuesday walk", "kind": "activity", "circle": 3},
    {
        "key": "uncle",
        "label": "Uncle Ray",
        "relationship": "family",
        "circle": 3,
        "contact": "never",
        "wish": "reconnect",
    },
]
TIES = [("mum", "jo"), ("mum", "uncle"), ("jo", "uncle"), ("sam", "priya"), ("choir", "priya")]


def _person_with_maps(world: World, team: Any = None) -> tuple[Any, Map, Map]:
    person = make_person(team or world.north, "Casey N.", key_worker=world["ana"])
    first = make_map(
        person, MEMBERS[:9], TIES[:1], status=MapStatus.FINAL, date=dt.date(2025, 9, 2)
    )
    second = make_map(person, MEMBERS, TIES, status=MapStatus.FINAL, date=dt.date(2026, 3, 10))
    return person, first, second


def _client(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world[name])
    return client


def _tools() -> None:
    require(exports.pdf_problem() is None, f"WeasyPrint's libraries ({exports.PDF_PACKAGES})")
    require(
        shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None,
        "pdftoppm and pdftotext (poppler-utils)",
    )


def _pages(pdfinfo: str) -> int:
    found = re.search(r"^Pages:\s+(\d+)$", pdfinfo, re.M)
    assert found, pdfinfo
    return int(found[1])


def _words(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


# -- access and responses ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["maps:pdf", "maps:png", "maps:svg"])
def test_other_teams_and_signed_out_get_nothing(world: World, name: str) -> None:
    _, _, the_map = _person_with_maps(world)
    url = reverse(name, args=[the_map.pk])
    for persona in ("ben", "admin", "dee"):
        assert _client(world, persona).get(url).status_code == 404, persona
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _client(world, "ben").get(reverse(name, args=[999999])).status_code == 404


def test_pdf_response(world: World) -> None:
    _tools()
    _, _, the_map = _person_with_maps(world)
    response = _client(world, "ana").get(reverse("maps:pdf", args=[the_map.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="map-{the_map.pk}-2026-03-10.pdf"'
    assert response.content.startswith(b"%PDF-")
    download = _client(world, "lee").get(reverse("maps:pdf", args=[the_map.pk]) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment; ")
    assert "Casey" not in download["Content-Disposition"]


def test_png_response(world: World) -> None:
    _tools()
    _, _, the_map = _person_with_maps(world)
    response = _client(world, "ana").get(reverse("maps:png", args=[the_map.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="map-{the_map.pk}-2026-03-10.png"'
    png = response.content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    # The drawing is 800 px wide; the PNG is twice that (the height follows the drawing).
    assert width == 800 * exports.PNG_SCALE
    assert 1.0 <= height / width <= 1.4


def test_pdf_is_one_readable_page(world: World, tmp_path: Path) -> None:
    """The printout: one A4 page with the members, the summary and the typology sentence."""
    _tools()
    _, _, the_map = _person_with_maps(world)
    response = _client(world, "ana").get(reverse("maps:pdf", args=[the_map.pk]))
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(response.content)

    subprocess.run(["pdftoppm", "-png", "-r", "110", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1, pages
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pages[0], SCREENSHOT)

    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert _pages(info.stdout) == 1
    assert "(A4)" in info.stdout

    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = _words(text)
    panel = exports.print_context(Map.objects.get(pk=the_map.pk))["panel"]
    for sentence in panel["sentences"]:
        assert _words(sentence) in flat, sentence
    assert _words(panel["typology"].sentence) in flat
    assert "Casey N.'s map" in flat
    assert "Tuesday 10 March 2026" in flat
    for member in MEMBERS:
        assert member["label"] in flat, member["label"]
    assert "Tuesday walk (activity)" in flat  # kinds other than people are named in the list
    assert "Closest (inner circle)" in flat and "Further (outer circle)" in flat
    assert "This map is private" in flat


@pytest.mark.parametrize("size", [45, 60])
def test_crowded_pdf_stays_on_one_page(world: World, tmp_path: Path, size: int) -> None:
    _tools()
    person = make_person(world.north, "Robin T.")
    kinds = ["person", "person", "person", "place", "group", "activity", "service"]
    members = [
        {
            "key": f"k{i}",
            "label": f"Someone with a long name {i}",
            "kind": kinds[i % len(kinds)],
            "circle": 1 + i % 3 if i % 11 else None,
        }
        for i in range(size)
    ]
    the_map = make_map(person, members)
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(exports.map_pdf_bytes(the_map))
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert _pages(info.stdout) == 1
    text = _words(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    )
    assert f"Someone with a long name {size - 1}" in text
    assert "Not placed yet" in text


def test_missing_libraries_are_explained(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Pango the map page says what to install, and the export URLs answer 503."""
    _, _, the_map = _person_with_maps(world)
    missing = "PDF export needs the Pango text libraries. Run: sudo apt-get install x"
    monkeypatch.setattr(exports, "pdf_problem", lambda: missing)
    monkeypatch.setattr(exports, "png_problem", lambda: missing.replace("PDF", "PNG"))
    client = _client(world, "ana")
    page = client.get(reverse("maps:detail", args=[the_map.pk]))
    assert page.status_code == 200
    assert missing in page.content.decode()
    assert reverse("maps:pdf", args=[the_map.pk]) not in page.content.decode()
    for name in ("maps:pdf", "maps:png"):
        response = client.get(reverse(name, args=[the_map.pk]))
        assert response.status_code == 503
        assert response["Cache-Control"] == "no-store"
        assert "sudo apt-get install" in response.content.decode()


def test_map_page_links_to_the_exports(world: World) -> None:
    _, _, the_map = _person_with_maps(world)
    page = _client(world, "ana").get(reverse("maps:detail", args=[the_map.pk])).content.decode()
    assert reverse("maps:svg", args=[the_map.pk]) in page
    if exports.pdf_problem() is None:
        assert reverse("maps:pdf", args=[the_map.pk]) in page
    if exports.png_problem() is None:
        assert reverse("maps:png", args=[the_map.pk]) in page


def test_nothing_personal_is_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    _tools()
    _, _, the_map = _person_with_maps(world)
    client = _client(world, "ana")
    with caplog.at_level("DEBUG"):
        client.get(reverse("maps:pdf", args=[the_map.pk]))
        client.get(reverse("maps:png", args=[the_map.pk]))
    logged = caplog.text
    for member in MEMBERS:
        assert member["label"] not in logged
    assert "Casey" not in logged


# -- the same member at the same angle on every map of a person --------------------------------


def _angles(svg_map: Map) -> dict[str, float]:
    net = svg_map.to_network()
    return stable_layout(svg_map, net).angles()


def test_kept_members_keep_their_angles(world: World) -> None:
    _, first, second = _person_with_maps(world)
    first_angles = layout(first.to_network()).angles()
    assert angle_memory(first) == {}
    assert angle_memory(second) == first_angles
    second_angles = _angles(second)
    for key, angle in first_angles.items():
        assert second_angles[key] == pytest.approx(angle), key


def test_a_member_who_comes_back_returns_to_their_angle(world: World) -> None:
    person = make_person(world.north, "Alex P.")
    everyone = MEMBERS[:6]
    first = make_map(person, everyone, status=MapStatus.FINAL, date=dt.date(2025, 1, 5))
    without_jo = [m for m in everyone if m["key"] != "jo"]
    make_map(person, without_jo, status=MapStatus.FINAL, date=dt.date(2025, 6, 5))
    third = make_map(person, everyone, date=dt.date(2026, 1, 5))
    assert _angles(third)["jo"] == pytest.approx(layout(first.to_network()).angles()["jo"])


def test_angles_differ_from_a_fresh_layout_when_the_memory_matters(world: World) -> None:
    """A crowded first map pushes members off their stable angles; later maps keep those."""
    person = make_person(world.north, "Kim L.")
    crowd = [{"key": f"p{i}", "label": f"A good friend {i}", "circle": 1} for i in range(25)]
    first = make_map(person, crowd, status=MapStatus.FINAL, date=dt.date(2025, 1, 5))
    first_layout = layout(first.to_network())
    moved = {p.key for p in first_layout if p.displacement > 0}
    assert moved
    second = make_map(person, [m for m in crowd if m["key"] in moved], date=dt.date(2025, 8, 5))
    remembered = first_layout.angles()
    fresh = layout(second.to_network()).angles()
    kept = _angles(second)
    assert any(fresh[k] != pytest.approx(remembered[k]) for k in kept)  # the memory matters
    for key in kept:
        assert kept[key] == pytest.approx(remembered[key])


def test_pages_and_exports_draw_with_the_memory(world: World) -> None:
    _, _, second = _person_with_maps(world)
    net = second.to_network()
    expected = draw_svg(net, layout(net, previous=angle_memory(second)))
    assert map_drawing(second, net) == expected
    client = _client(world, "ana")
    assert client.get(reverse("maps:svg", args=[second.pk])).content.decode() == expected
    page = client.get(reverse("maps:detail", args=[second.pk])).content.decode()
    one_member = expected[expected.index('<g id="kith-member-mum"') :]
    assert one_member[: one_member.index("</text>")] in page


def test_angle_memory_reads_a_constant_number_of_queries(world: World) -> None:
    person = make_person(world.north, "Lee Q.")
    maps = [
        make_map(person, MEMBERS, TIES, status=MapStatus.FINAL, date=dt.date(2024, 1 + i, 1))
        for i in range(5)
    ]
    counts = []
    for the_map in (maps[1], maps[4]):
        with CaptureQueriesContext(connection) as captured:
            angle_memory(the_map)
        counts.append(len(captured))
    assert counts == [2, 2]


class _NoPango:
    """An import hook that fails like WeasyPrint does when the Pango libraries are missing."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0'")


def test_the_check_names_the_packages_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    problem = exports.pdf_problem.__wrapped__()
    assert problem is not None
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in problem
