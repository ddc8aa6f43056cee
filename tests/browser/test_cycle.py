"""A whole Connecting People round in a real browser, in the demo, as a practitioner.

ana opens the plan of a demo person whose round is at "support": adds what matters to them,
agrees a goal, plans a step with an asset suggested from that interest, records that it
didn't happen (transport), changes the plan to go with a peer buddy, records that it happened
with the peer; starts the review (a new draft map), adds the group to the map and finalises
it, fills in and signs the ONS4 questionnaire, writes the review note; sees the progress page
and downloads the person's "My connections" PDF. The PDF is rendered to PNG with pdftoppm and
read back with pdftotext. Every page is checked with axe-core (see conftest.py).

Screenshots: ``docs/screenshots/progress.png`` (the progress page) and
``docs/screenshots/my-connections.png`` (the PDF's first page).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from conftest import require

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

INTEREST = "I'd love to be out walking in the fresh air"
GOAL = "I want to go walking with other people, not on my own"
BUDDY_STEP = "Go to the walking group with Jo, a peer buddy"


def _person(demo: dict[str, int]) -> Any:
    """A North demo person of ana's whose round is at "support" (plans and directory loaded)."""
    from kith.assets.demo import load_demo_directory
    from kith.people.models import Person
    from kith.plans.demo import load_plans_demo

    load_demo_directory(io.StringIO())
    load_plans_demo(io.StringIO())
    # References are encrypted at rest, so the database cannot order by them: pick in Python.
    candidates = Person.objects.filter(
        team__name="North", key_worker__username="ana", cycles__stage="support"
    )
    return min(candidates, key=lambda person: person.reference)


def _save(page: Any, name: str = "Save") -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_a_full_round_then_progress_and_the_persons_pdf(ui, demo, tmp_path: Path) -> None:
    from kith.accounts.models import User
    from kith.maps.exports import pdf_problem

    require(pdf_problem() is None, "WeasyPrint's libraries")
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    person = _person(demo)
    assert person is not None
    page = ui.page
    today = dt.date.today()
    ui.sign_in_as(User.objects.get(username="ana"))
    ui.goto(f"/people/{person.pk}/plan/")
    expect(page.locator("h1")).to_have_text("Plan")

    # What matters to the person, pointing to walking.
    page.get_by_role("link", name=f"Add what matters to {person.display_name}").click()
    ui.check()
    page.get_by_label("What matters to the person").fill(INTEREST)
    page.get_by_label("Walking, sport and exercise").check()
    _save(page)
    expect(page.locator("#interests + ul")).to_contain_text(INTEREST)
    ui.check()

    # A goal in their words; the step form opens next, with suggested assets.
    page.get_by_role("link", name="Agree a goal").click()
    ui.check()
    page.get_by_label("the goal, in the person's own words").fill(GOAL)
    page.get_by_label("Both together").check()
    page.get_by_label("Connectedness").check()
    _save(page)
    expect(page.locator("h1")).to_have_text("Plan a step")
    ui.check()
    suggestions = page.locator("#suggested-assets .govuk-radios__item")
    assert suggestions.count() >= 2  # suggestions and "None of these"
    walking = suggestions.first
    expect(walking.locator(".govuk-radios__hint")).to_contain_text(INTEREST)
    asset_name = walking.locator("label").inner_text().strip()
    walking.locator("input").check()
    page.get_by_label("The step").fill(f"Go to {asset_name} on Saturday")
    page.get_by_label("When it should happen").fill(today.isoformat())
    _save(page)
    step = page.locator("tr", has_text=f"Go to {asset_name} on Saturday")
    expect(step).to_contain_text(f"Asset: {asset_name}")
    ui.check()

    # Didn't go: transport. Change the plan.
    step.get_by_role("link", name="Record follow-up").click()
    ui.check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Transport").check()
    page.get_by_label("Change the plan").check()
    page.get_by_label("Follow up again by").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_label("Notes").fill("The bus is hard on her own; Jo from peer support can go too.")
    _save(page, "Record the follow-up")
    expect(step).to_contain_text("barriers: Transport; next: change the plan")
    ui.check()

    # Re-plan with a buddy: the same step, now with a peer.
    step.get_by_role("link", name="Change").click()
    ui.check()
    page.get_by_label("The step").fill(BUDDY_STEP)
    _save(page)
    step = page.locator("tr", has_text=BUDDY_STEP)
    expect(step).to_contain_text(f"Asset: {asset_name}")
    ui.check()

    # It happened, with the peer.
    step.get_by_role("link", name="Record follow-up").click()
    ui.check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("With a peer supporter").check()
    page.get_by_label("Nothing more: it is done").check()
    _save(page, "Record the follow-up")
    expect(step.locator(".govuk-tag")).to_have_text("Happened")
    expect(step).to_contain_text("Yes, with a peer supporter")
    ui.check()

    # The review: a new draft map (a copy of the last final one), the group added, finalised.
    page.get_by_role("link", name="Start the review").click()
    ui.check()
    _save(page, "Start the review")
    expect(page.locator(".kith-stages")).to_contain_text("Now: Review")
    ui.check()
    page.get_by_role("link", name=re.compile("^Review map of")).click()
    ui.check()
    ui.editor_ready()
    quick = page.get_by_label("Quick add a member")
    quick.fill("Saturday walkers /group /2")
    page.get_by_role("button", name="Add", exact=True).click()
    ui.wait_status("Added Saturday walkers, circle 2 (middle).")
    page.get_by_role("link", name="Finalise").click()
    ui.check()
    page.get_by_role("button", name="Finalise").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The map is final.")
    ui.check()

    # A questionnaire at the review: ONS4, signed.
    ui.goto(f"/people/{person.pk}/questionnaires/new/ons4/")
    for item, value in (
        ("life_satisfaction", 7),
        ("worthwhile", 8),
        ("happiness", 6),
        ("anxiety", 3),
    ):
        page.locator(f'input[name="item_{item}"][value="{value}"]').check()
    _save(page, "Save and sign")
    expect(page.locator("main .govuk-tag--green")).to_have_text("Signed")
    ui.check()

    # The review note ends the round.
    ui.goto(f"/people/{person.pk}/plan/")
    page.get_by_role("link", name="Write the review note").click()
    ui.check()
    page.get_by_label("Review note").fill("Going every Saturday with Jo now; keep going.")
    _save(page, "Finish the review")
    expect(page.locator("#cycle ~ p").first).to_contain_text("The last round was reviewed.")
    ui.check()

    # Progress: the connection made and kept, the charts.
    ui.goto(f"/people/{person.pk}/progress/")
    # The demo may already hold an older step to the same place: find the one that happened.
    connection = page.locator("#connections tr", has_text=asset_name).filter(has_text="Yes").first
    expect(connection).to_contain_text(f"Yes, {today.day}")
    expect(page.locator("#what-changed")).to_contain_text("Since")
    assert page.locator('svg[role="img"]').count() >= 8
    ui.screenshot("progress", full_page=True)

    # The person's PDF, downloaded from the progress page.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download “My connections” (PDF)").click()
    download = info.value
    assert re.fullmatch(r"my-connections-\d+-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    pdf = tmp_path / "my-connections.pdf"
    download.save_as(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = (tmp_path / "page.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    (SCREENSHOTS / "my-connections.png").write_bytes(png)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "My connections" in text and "My map" in text
    assert "Saturday walkers" in text  # on the review map, now the latest final map
    assert f"“{GOAL}”" in text
    assert asset_name in text and "When it is open" in text
