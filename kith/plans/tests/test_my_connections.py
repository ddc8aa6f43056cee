"""The person's "My connections" PDF, and assets suggested in the step form.

The PDF is read back with ``pdftotext`` (Debian's poppler-utils): what a person would read on
the printed page. Expected values come from the records made here.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import require
from kith.accounts.testing import World, make_map, make_person
from kith.assets.actions import do_import_directory
from kith.assets.testing import sample_directory
from kith.audit.models import AuditEvent
from kith.maps import exports
from kith.maps.models import MapStatus
from kith.plans.models import Action, Goal, Interest

TODAY = dt.date.today()
FINAL = [
    {"key": "mum", "label": "Mum", "relationship": "family", "circle": 1},
    {"key": "walk", "label": "Walking friends", "kind": "group", "circle": 2},
    {"key": "gp", "label": "Doctor Aziz", "relationship": "professional", "circle": 3},
]
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "plans" / "my_connections_print.html"


def _directory() -> None:
    """The sample directory's walking group with an address, access notes, hours and a phone."""
    d = sample_directory()
    d.location["loc-1"]["transportation"] = "Bus 12 stops at the park gates."
    d.address["adr-1"] = {
        "id": "adr-1",
        "location_id": "loc-1",
        "address_1": "1 Park Row",
        "city": "Larkhill",
        "postal_code": "ZZ1 1AA",
        "country": "GB",
        "address_type": "physical",
    }
    d.accessibility["acc-1"] = {
        "id": "acc-1",
        "location_id": "loc-1",
        "description": "Flat paths; benches every 200 metres.",
    }
    d.schedule["sch-1"] = {
        "id": "sch-1",
        "service_id": "svc-1",
        "freq": "WEEKLY",
        "byday": "SA",
        "opens_at": "10:00",
        "closes_at": "11:30",
    }
    d.phone["ph-1"] = {"id": "ph-1", "service_id": "svc-1", "number": "01632 960001"}
    do_import_directory(d, source="test")


def _person(world: World) -> object:
    person = make_person(world.north, "Casey N.", key_worker=world["ana"])
    make_map(person, FINAL, [("mum", "walk")], status=MapStatus.FINAL, date=TODAY)
    # A later draft: the PDF shows the last *final* map, not a half-made one.
    make_map(person, [*FINAL, {"key": "new", "label": "Draft-only Dee", "circle": 2}])
    goal = Goal.objects.create(
        person=person, wording="I want to walk with other people", owner="person"
    )
    Goal.objects.create(person=person, wording="Get a bus pass", owner="both", status="achieved")
    Action.objects.create(
        goal=goal,
        description="Go to the Saturday walk with Jo",
        kind="new",
        asset_id="svc-1",
        asset_name="Larkhill Walking Group",
        due_date=TODAY + dt.timedelta(days=5),
        follow_up_by=TODAY + dt.timedelta(days=12),
    )
    Action.objects.create(goal=goal, description="An old step", status="dropped")
    return person


def _text(pdf: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert found is not None
    return int(found[1])


def _needs_pdf_tools() -> None:
    require(exports.pdf_problem() is None, f"WeasyPrint's libraries ({exports.PDF_PACKAGES})")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")


def test_the_pdf_has_the_map_goals_steps_and_how_to_get_there(world: World, tmp_path: Path) -> None:
    _needs_pdf_tools()
    _directory()
    person = _person(world)
    client = Client()
    client.force_login(world["ana"])
    url = reverse("plans:my_connections", args=[person.pk])
    response = client.get(url + "?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Casey" not in response["Content-Disposition"]  # no names in file names
    assert response["Cache-Control"] == "no-store"
    pdf = response.content
    assert _pages(pdf, tmp_path) <= 2
    text = " ".join(_text(pdf, tmp_path, "-raw").split())
    for expected in (
        "My connections",
        "For Casey N.",
        "with Ana",
        # The final map's members, on the drawing and in the circle lists; not the draft's.
        "Mum",
        "Walking friends",
        "Doctor Aziz",
        "Closest to you",
        # Goals in the person's own words; the reached one listed apart.
        "“I want to walk with other people”",
        "Goals I have reached",
        "“Get a bus pass”",
        # The next step with its date.
        "Go to the Saturday walk with Jo",
        f"When: {TODAY + dt.timedelta(days=5):%A} {(TODAY + dt.timedelta(days=5)).day}",
        # The chosen place: where, how to get there, getting in, when open, phone.
        "Larkhill Walking Group",
        "Larkhill Park, 1 Park Row, Larkhill, ZZ1 1AA",
        "Bus 12 stops at the park gates.",
        "Flat paths; benches every 200 metres.",
        "Saturday 10:00–11:30",
        "01632 960001",
        "tell Ana",
    ):
        assert expected in text, expected
    assert "Draft-only Dee" not in text and "An old step" not in text
    assert AuditEvent.objects.filter(verb="export", person_id=person.pk).exists()


def _word_heights(pdf: bytes, tmp_path: Path, word: str) -> list[float]:
    """The heights (in points) of each ``word`` on the pages (``pdftotext -bbox``)."""
    boxes = re.finditer(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
        + re.escape(word)
        + "<",
        _text(pdf, tmp_path, "-bbox"),
    )
    return [float(m[2]) - float(m[1]) for m in boxes]


def test_large_type_is_larger(world: World, tmp_path: Path) -> None:
    _needs_pdf_tools()
    person = _person(world)
    client = Client()
    client.force_login(world["ana"])
    url = reverse("plans:my_connections", args=[person.pk])
    standard = client.get(url).content
    large = client.get(url + "?large=1")
    assert large["Content-Disposition"].startswith("inline;")
    assert "-large.pdf" in large["Content-Disposition"]
    # "walk" is in the goal's words: the same word is set at least a third larger.
    small_h = _word_heights(standard, tmp_path, "walk")
    large_h = _word_heights(large.content, tmp_path, "walk")
    assert small_h and large_h
    assert min(large_h) >= 1.33 * min(small_h)


def test_no_final_map_uses_the_draft_and_no_map_says_so(world: World, tmp_path: Path) -> None:
    _needs_pdf_tools()
    client = Client()
    client.force_login(world["ana"])
    nobody = make_person(world.north, "Alex")
    text = _text(client.get(reverse("plans:my_connections", args=[nobody.pk])).content, tmp_path)
    assert "We have not made your map yet." in text
    assert "We have not written down a goal yet." in text
    make_map(nobody, [{"key": "sis", "label": "Sister Bo", "circle": 1}])
    text = _text(client.get(reverse("plans:my_connections", args=[nobody.pk])).content, tmp_path)
    assert "Sister Bo" in text and "This map is not finished yet." in text


def test_other_teams_get_404_and_missing_libraries_get_an_explanation(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_person(world.north, "Casey N.")
    url = reverse("plans:my_connections", args=[person.pk])
    ben = Client()
    ben.force_login(world["ben"])
    assert ben.get(url).status_code == 404
    # WeasyPrint's system libraries cannot be uninstalled for a test: the check is replaced.
    problem = "PDF export needs the Pango text libraries, which are not installed."
    monkeypatch.setattr("kith.plans.views.pdf_problem", lambda: problem)
    ana = Client()
    ana.force_login(world["ana"])
    response = ana.get(url)
    assert response.status_code == 503
    page = response.content.decode()
    assert "“My connections” cannot be made at the moment" in page and problem in page
    assert not AuditEvent.objects.filter(verb="export", person_id=person.pk).exists()


def test_plan_and_progress_pages_offer_the_pdf_with_large_type(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    client = Client()
    client.force_login(world["ana"])
    for name in ("plans:plan", "plans:progress"):
        page = client.get(reverse(name, args=[person.pk])).content.decode()
        if exports.pdf_problem():
            assert 'id="my-connections-missing"' in page
        else:
            assert f'action="{reverse("plans:my_connections", args=[person.pk])}"' in page
            assert 'name="large" type="checkbox" value="1"' in page
            assert "Download “My connections” (PDF)" in page


# -- plain English: the printout's own words ---------------------------------------------------


class _Words(HTMLParser):
    """The visible words of the template, without the style sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip = tag in ("style", "title")
        if tag in ("h1", "h2", "h3", "p", "li", "dt", "dd"):
            self.parts.append(".")

    def handle_endtag(self, tag: str) -> None:
        self.skip = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _syllables(word: str) -> int:
    word = word.lower()
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def test_the_fixed_words_have_a_reading_age_of_about_11() -> None:
    """Flesch-Kincaid grade ≤ 6, i.e. a reading age of 11 or under (UK age = US grade + 5).

    Formula: Kincaid et al. (1975), grade = 0.39 × words/sentences + 11.8 × syllables/words
    − 15.59. The words are the template's own (headings and sentences), without the person's
    data, which is theirs and in their words.
    """
    source = TEMPLATE.read_text(encoding="utf-8")
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
    parser = _Words()
    parser.feed(source)
    text = " ".join(parser.parts)
    text = text.replace("“", "").replace("”", "")
    sentences = [s for s in re.split(r"[.!?:]+", text) if re.search(r"[A-Za-z]", s)]
    words = [w for s in sentences for w in re.findall(r"[A-Za-z']+", s)]
    assert len(words) > 60  # the check reads the real template
    grade = (
        0.39 * len(words) / len(sentences)
        + 11.8 * sum(_syllables(w) for w in words) / len(words)
        - 15.59
    )
    assert grade <= 6, grade
    longest = max(len(re.findall(r"[A-Za-z']+", s)) for s in sentences)
    assert longest <= 15, longest


# -- suggested assets in the step form ---------------------------------------------------------


def test_the_step_form_suggests_assets_from_the_persons_interests(world: World) -> None:
    _directory()
    person = make_person(world.north, "Casey N.")
    Interest.objects.create(person=person, text="I like walking", term_ids=["term-1"])
    goal = Goal.objects.create(person=person, wording="Get out more", owner="both")
    client = Client()
    client.force_login(world["ana"])
    url = reverse("plans:action_add", args=[goal.pk])
    page = client.get(url).content.decode()
    assert "Suggested from what matters to the person" in page
    assert 'name="suggested_asset" type="radio" value="svc-1"' in page
    assert "Larkhill Walking Group" in page and "it fits “I like walking”" in page
    response = client.post(
        url,
        {
            "description": "Go on the Saturday walk",
            "kind": "other",
            "suggested_asset": "svc-1",
            "due_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(goal=goal)
    assert (action.asset_id, action.asset_name, action.kind) == (
        "svc-1",
        "Larkhill Walking Group",
        "new",
    )
    # An id that was not suggested is refused and nothing is saved.
    response = client.post(
        url, {"description": "Another", "kind": "other", "suggested_asset": "svc-999"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Action.objects.filter(goal=goal).count() == 1


def test_no_interests_no_suggestions(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    goal = Goal.objects.create(person=person, wording="Get out more", owner="both")
    client = Client()
    client.force_login(world["ana"])
    page = client.get(reverse("plans:action_add", args=[goal.pk])).content.decode()
    assert "suggested_asset" not in page
