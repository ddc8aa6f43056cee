"""Exports (PDF printout, PNG, SVG) and the stable layout across a person's maps.

The PDF is checked the way a reader would see it: rendered to PNG with ``pdftoppm`` (one page),
its text extracted with ``pdftotext`` (member labels, the summary sentence, the typology
sentence). The rendered page is copied to ``docs/screenshots/pdf.png``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import REPO_ROOT, require
from kith.accounts.testing import World, make_map, make_person
from kith.maps import drawing, exports
from kith.maps.actions import do_add_member, do_create_map, do_finalise_map
from kith.maps.drawing import angle_memory, map_drawing, stable_layout
from kith.maps.models import Map, MapMember, MapStatus
from kith.maps.summary import measures_panel
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
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
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


# -- kept angles: a final map keeps its drawing's angles, later maps read them ----------------


def _finalised(world: World, person: Any, members: list[dict[str, Any]], date: dt.date) -> Map:
    """A map finalised the way the app does it (so it keeps its angles)."""
    draft = make_map(person, members, date=date)
    do_finalise_map(world["ana"], draft)
    return Map.objects.get(pk=draft.pk)


def test_finalise_keeps_the_angles_of_the_drawing(world: World) -> None:
    person = make_person(world.north, "Robin T.")
    first = _finalised(world, person, MEMBERS[:9], dt.date(2025, 1, 5))
    assert first.layout_angles == layout(first.to_network()).angles()
    second = _finalised(world, person, MEMBERS, dt.date(2025, 8, 5))
    # The second map is drawn with the first's memory, and keeps what it was drawn with.
    assert second.layout_angles == _angles(second)
    assert set(second.layout_angles) == {m["key"] for m in MEMBERS}


def test_the_same_key_keeps_its_angle_through_kept_angles(world: World) -> None:
    """The memory read from kept angles is the one laying the earlier maps out gives."""
    person = make_person(world.north, "Noor S.")
    crowd = [{"key": f"p{i}", "label": f"A good friend {i}", "circle": 1} for i in range(25)]
    first = _finalised(world, person, crowd, dt.date(2025, 1, 5))
    without = [m for m in crowd if m["key"] != "p3"]
    _finalised(world, person, without, dt.date(2025, 6, 5))
    third = make_map(person, crowd, date=dt.date(2026, 1, 5))
    first_angles = layout(first.to_network()).angles()
    third_angles = _angles(third)
    for key, angle in first_angles.items():  # p3 comes back to where it was on the first map
        assert third_angles[key] == pytest.approx(angle), key
    with CaptureQueriesContext(connection) as captured:
        memory = angle_memory(third)
    assert len(captured) == 1  # the earlier maps and their kept angles; no members read
    # The same memory as laying both earlier maps out again (what maps without kept angles get).
    Map.objects.filter(person=person).update(layout_angles=None)
    assert angle_memory(third) == memory


def test_kept_angles_are_what_later_maps_remember(world: World) -> None:
    person = make_person(world.north, "Ola W.")
    first = _finalised(world, person, MEMBERS[:3], dt.date(2025, 1, 5))
    Map.objects.filter(pk=first.pk).update(layout_angles={"mum": 123.0, "jo": 200.0, "rex": 5.0})
    second = make_map(person, MEMBERS[:3], date=dt.date(2025, 8, 5))
    assert angle_memory(second) == {"mum": 123.0, "jo": 200.0, "rex": 5.0}
    assert _angles(second)["mum"] == pytest.approx(123.0)


def test_a_map_finalised_before_angles_were_kept_still_gives_its_memory(world: World) -> None:
    """Legacy final maps (no kept angles) are laid out on a read, and nothing is written."""
    _, first, second = _person_with_maps(world)  # made final directly: no kept angles
    review = make_map(first.person, MEMBERS, TIES, date=dt.date(2026, 9, 1))
    expected = layout(second.to_network(), previous=layout(first.to_network()).angles()).angles()
    assert angle_memory(review) == {**layout(first.to_network()).angles(), **expected}
    client = _client(world, "ana")
    for the_map in (second, review):
        assert client.get(reverse("maps:detail", args=[the_map.pk])).status_code == 200
    assert list(
        Map.objects.filter(person=first.person).values_list("layout_angles", flat=True)
    ) == [
        None,
        None,
        None,
    ]


# -- kept drawings: every change keeps the map's drawing; a read shows it only if still exact --


def _fresh_drawing(the_map: Map) -> str:
    net = the_map.to_network()
    return draw_svg(net, layout(net, previous=angle_memory(the_map)))


def _review_with_kept_drawing(world: World) -> Map:
    person = make_person(world.north, "Jess K.")
    _finalised(world, person, MEMBERS[:9], dt.date(2025, 1, 5))
    draft = make_map(person, MEMBERS, TIES, date=dt.date(2025, 8, 5))
    do_add_member(world["ana"], draft, {"label": "Bowls club", "kind": "group", "circle": 3})
    return Map.objects.get(pk=draft.pk)


def test_every_change_keeps_the_drawing_the_page_shows(world: World) -> None:
    the_map = _review_with_kept_drawing(world)
    fresh = _fresh_drawing(the_map)
    assert the_map.drawing_svg == fresh and "Bowls club" in fresh
    client = _client(world, "ana")
    assert client.get(reverse("maps:svg", args=[the_map.pk])).content.decode() == fresh
    assert client.get(reverse("maps:detail", args=[the_map.pk])).context["drawing"] == fresh


def test_the_kept_drawing_is_what_a_read_shows(world: World) -> None:
    """Proof that reads use it: a kept drawing with the right fingerprint is shown as it is."""
    the_map = _review_with_kept_drawing(world)
    Map.objects.filter(pk=the_map.pk).update(drawing_svg="<svg>kept</svg>")
    the_map.refresh_from_db()
    assert map_drawing(the_map, the_map.to_network()) == "<svg>kept</svg>"


def test_a_kept_drawing_is_not_shown_once_what_it_shows_changed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A map changed outside the actions, another memory, other options or other drawing code:
    the drawing is made afresh (and nothing is written on the read)."""
    the_map = _review_with_kept_drawing(world)
    kept = the_map.drawing_svg
    Map.objects.filter(pk=the_map.pk).update(drawing_svg="<svg>kept</svg>")
    the_map.refresh_from_db()
    net = the_map.to_network()
    # Other options.
    assert map_drawing(the_map, net, id_prefix="after-") == draw_svg(
        net, layout(net, previous=angle_memory(the_map)), id_prefix="after-"
    )
    # Other drawing code.
    monkeypatch.setattr(drawing, "_CODE", "other code")
    assert map_drawing(the_map, net) == kept
    monkeypatch.undo()
    # Another memory: an earlier map's kept angles changed.
    earlier = Map.objects.filter(person=the_map.person, status=MapStatus.FINAL).get()
    Map.objects.filter(pk=earlier.pk).update(layout_angles={"mum": 10.0})
    assert map_drawing(the_map, net) == _fresh_drawing(the_map) != kept
    # The map changed outside the actions (the SVG export checks the whole fingerprint).
    MapMember.objects.filter(map=the_map, key="mum").update(label="Mother")
    client = _client(world, "ana")
    shown = client.get(reverse("maps:svg", args=[the_map.pk])).content.decode()
    assert shown == _fresh_drawing(the_map) and ">Mother</text>" in shown
    assert Map.objects.get(pk=the_map.pk).drawing_svg == "<svg>kept</svg>"  # nothing written


def _panel_as_kept(the_map: Map) -> dict[str, Any]:
    panel = measures_panel(the_map.to_network())
    panel["typology"] = dataclasses.asdict(panel["typology"])
    return panel


def test_every_change_keeps_the_panel_of_its_version(world: World) -> None:
    """The measures panel is kept with the drawing, for the version the change saved."""
    the_map = _review_with_kept_drawing(world)
    assert the_map.kept_panel == _panel_as_kept(the_map)
    assert the_map.kept_for == drawing.kept_for(the_map, angle_memory(the_map))
    page = _client(world, "ana").get(reverse("maps:detail", args=[the_map.pk]))
    assert page.context["panel"] == the_map.kept_panel
    assert page.context["drawing"] == _fresh_drawing(the_map)
    assert "Bowls club" in page.content.decode()


def test_the_page_shows_the_kept_drawing_and_panel_only_for_their_version(
    world: World,
) -> None:
    """Proof that the page uses them without building the network, and that another version
    (or another angle memory) of the map makes it draw and measure afresh."""
    the_map = _review_with_kept_drawing(world)
    Map.objects.filter(pk=the_map.pk).update(
        drawing_svg="<svg>kept</svg>", kept_panel={"sentences": ["Kept sentence."]}
    )
    client = _client(world, "ana")
    page = client.get(reverse("maps:detail", args=[the_map.pk]))
    assert page.context["drawing"] == "<svg>kept</svg>"
    assert "Kept sentence." in page.content.decode()
    # Another version: what is kept no longer stands for the map.
    Map.objects.filter(pk=the_map.pk).update(version=the_map.version + 1)
    page = client.get(reverse("maps:detail", args=[the_map.pk]))
    assert "Kept sentence." not in page.content.decode()
    assert page.context["panel"]["sentences"] == measures_panel(the_map.to_network())["sentences"]
    # Another angle memory (an earlier map's kept angles changed), at the kept version.
    Map.objects.filter(pk=the_map.pk).update(version=the_map.version)
    earlier = Map.objects.filter(person=the_map.person, status=MapStatus.FINAL).get()
    Map.objects.filter(pk=earlier.pk).update(layout_angles={"mum": 10.0})
    page = client.get(reverse("maps:detail", args=[the_map.pk]))
    assert "Kept sentence." not in page.content.decode()
    # Nothing is written on a read.
    assert Map.objects.get(pk=the_map.pk).kept_panel == {"sentences": ["Kept sentence."]}


def test_finalising_and_starting_a_review_keep_the_drawing(world: World) -> None:
    the_map = _review_with_kept_drawing(world)
    do_finalise_map(world["ana"], the_map)
    the_map.refresh_from_db()
    assert the_map.drawing_svg == _fresh_drawing(the_map)
    review = do_create_map(world["ana"], the_map.person, date=dt.date(2026, 2, 1))
    review.refresh_from_db()
    assert review.drawing_svg == _fresh_drawing(review)
    assert review.layout_angles is None  # a draft keeps no angles for later maps


def test_the_data_migration_keeps_the_angles_of_earlier_final_maps(world: World) -> None:
    """``0003_fill_layout_angles`` gives old final maps the angles finalising gives now."""
    person, first, second = _person_with_maps(world)
    review = make_map(person, MEMBERS, TIES, date=dt.date(2026, 9, 1))
    importlib.import_module("kith.maps.migrations.0003_fill_layout_angles").fill(apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    review.refresh_from_db()
    assert first.layout_angles == layout(first.to_network()).angles()
    assert second.layout_angles == _angles(second)
    assert review.layout_angles is None  # a draft keeps nothing


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
