"""A practitioner's mapping conversation in a real browser, with the mouse.

Log in; create a person; build a 10-member map with quick add, clicks and a drag; finalise;
start a review; move two members (one dragged, one with the keyboard) and add one; compare.
Each step is checked on the page's words and on the SVG drawing (members' ``data-key`` and
``data-circle``, the tie lines), and every page is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

#: (what is typed in the quick-add box, label, kind, circle)
FIRST_MAP = [
    ("Mum /1 /family", "Mum", "person", 1),
    ("Dad /2 /family", "Dad", "person", 2),
    ("Jo /1 /friend", "Jo", "person", 1),
    ("Sam from the allotment /3 /friend", "Sam from the allotment", "person", 3),
    ("Dr Patel /3 /professional", "Dr Patel", "person", 3),
    ("Walking group /group /2", "Walking group", "group", 2),
    ("The library /place /3", "The library", "place", 3),
    ("Choir /activity /2", "Choir", "activity", 2),
    ("Biscuit /pet /1", "Biscuit", "pet", 1),
    ("Pat next door /neighbour", "Pat next door", "person", None),
]
TIES = [
    ("Mum", "Dad"),
    ("Jo", "Sam from the allotment"),
    ("Walking group", "Choir"),
    ("Mum", "Biscuit"),
]
CIRCLE_WORDS = {
    1: "circle 1 (closest)",
    2: "circle 2 (middle)",
    3: "circle 3 (outer)",
    None: "not placed yet",
}


def pair(a: str, b: str) -> str:
    return " – ".join(sorted((a, b)))


def test_map_with_the_mouse_then_review_and_compare(ui, demo) -> None:
    page = ui.page
    ui.login("ana")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(page.locator("#caseload-count")).to_contain_text("people")
    ui.screenshot("caseload")

    # Create a person.
    page.get_by_role("link", name="Add a person").click()
    ui.check()
    page.get_by_label("Name, pseudonym or initials").fill("Robin T.")
    page.get_by_label("Pronouns").fill("they/them")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Robin T.")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Robin T. was added.")
    ui.check()

    # Start the first map.
    page.get_by_role("button", name="Start a first map").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Map started.")
    ui.check()
    ui.editor_ready()
    assert ui.drawing()["members"] == {}

    # Ten members by quick add (typed, then the Add button clicked).
    quick = page.get_by_label("Quick add a member")
    for count, (text, label, kind, circle) in enumerate(FIRST_MAP, start=1):
        quick.click()
        quick.fill(text)
        page.get_by_role("button", name="Add", exact=True).click()
        ui.wait_status(f"Added {label}, {CIRCLE_WORDS[circle]}.")
        drawn = ui.drawing()["members"]
        assert len(drawn) == count
        assert (drawn[label]["kind"], drawn[label]["circle"]) == (kind, circle)
        expect(page.locator("#members tbody th", has_text=label)).to_have_count(1)
    ui.check()
    assert re.search(
        r"6 people, 1 of them a professional; 1 group; 1 place; 1 activity; 1 pet\.",
        page.inner_text("#map-editor"),
    )

    # The one not placed yet is dragged into circle 2.
    ui.drag_to_circle("Pat next door", 2, angle=100)
    ui.wait_status("Pat next door moved to circle 2 (middle).")
    assert ui.drawing()["members"]["Pat next door"]["circle"] == 2
    ui.check()

    # Ties: click one member (selected, outlined, announced), then the other.
    for a, b in TIES:
        ui.node(a).click()
        ui.wait_status(f"{a} selected.")
        assert ui.drawing()["members"][a]["pressed"] == "true"
        expect(ui.member(a).locator(".kith-selected")).to_have_count(1)
        ui.node(b).click()
        ui.wait_status(f"Tied {a} and {b}.")
    drawing = ui.drawing()
    assert drawing["ties"] == sorted(pair(a, b) for a, b in TIES)
    assert ui.tie_list() == drawing["ties"]
    assert all(m["pressed"] == "false" for m in drawing["members"].values())
    ui.check()

    # A click on two tied members unties them; a third click ties them again.
    ui.node("Mum").click()
    ui.node("Biscuit").click()
    ui.wait_status("Untied Mum and Biscuit.")
    assert pair("Mum", "Biscuit") not in ui.drawing()["ties"]
    ui.node("Biscuit").click()
    ui.node("Mum").click()
    ui.wait_status("Tied Biscuit and Mum.")
    first = ui.drawing()
    assert len(first["members"]) == 10 and len(first["ties"]) == 4
    assert first["members"]["Pat next door"]["circle"] == 2
    ui.check()
    page.evaluate("document.getElementById('editor-status').scrollIntoView({block: 'start'})")
    ui.screenshot("map")

    # Finalise.
    page.get_by_role("link", name="Finalise").click()
    expect(page.locator("h1")).to_contain_text("Finalise the map of")
    ui.check()
    page.get_by_role("button", name="Finalise").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The map is final.")
    expect(page.locator("h1 .govuk-tag")).to_have_text("Final")
    expect(page.locator("#editor-toolbar")).to_have_count(0)
    expect(page.locator("#quick-add")).to_have_count(0)
    assert ui.drawing() == {
        **first,
        "members": {k: {**v, "pressed": None} for k, v in first["members"].items()},
    }
    ui.check()

    # Start a review: a copy of the final map (same keys, circles and ties).
    page.get_by_role("button", name="Start a review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Review started from the last final map."
    )
    ui.check()
    ui.editor_ready()
    review = ui.drawing()
    assert {k: (v["key"], v["circle"]) for k, v in review["members"].items()} == {
        k: (v["key"], v["circle"]) for k, v in first["members"].items()
    }
    assert review["ties"] == first["ties"]

    # Move two members: Dr Patel dragged from circle 3 to 2 ...
    ui.drag_to_circle("Dr Patel", 2, angle=200)
    ui.wait_status("Dr Patel moved to circle 2 (middle).")
    # ... and Sam from the allotment with the keyboard (↑ moves one circle closer).
    ui.node("Sam from the allotment").click()
    ui.wait_status("Sam from the allotment selected.")
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowUp")
    ui.wait_status("Sam from the allotment moved to circle 2 (middle).")
    assert ui.focused() == "member:Sam from the allotment"
    # ... and add one.
    quick = page.get_by_label("Quick add a member")
    quick.click()
    quick.fill("Café volunteers /group /2")
    page.get_by_role("button", name="Add", exact=True).click()
    ui.wait_status("Added Café volunteers, circle 2 (middle).")
    after = ui.drawing()["members"]
    assert len(after) == 11
    assert after["Dr Patel"]["circle"] == 2 and after["Sam from the allotment"]["circle"] == 2
    assert after["Dr Patel"]["key"] == first["members"]["Dr Patel"]["key"]
    ui.check()

    # Compare the review with the first map.
    page.locator(".govuk-back-link", has_text="Robin T.").click()
    ui.check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("h1")).to_have_text("Compare maps")
    change = page.locator("#change")
    expect(change).to_contain_text("Café volunteers (circle 2)")
    expect(change).to_contain_text("Dr Patel (circle 3 → 2)")
    expect(change).to_contain_text("Sam from the allotment (circle 3 → 2)")
    expect(change.locator(".govuk-summary-list__row", has_text="Lost")).to_contain_text("Nobody")
    sides = ".kith-side-by-side section"
    before = ui.drawing(f"{sides}:nth-of-type(1) svg")["members"]
    later = ui.drawing(f"{sides}:nth-of-type(2) svg")["members"]
    assert len(before) == 10 and len(later) == 11
    assert later["Café volunteers"]["change"] == "gained"
    assert later["Dr Patel"]["change"] == "moved-closer"
    assert later["Sam from the allotment"]["change"] == "moved-closer"
    assert later["Mum"]["change"] is None
    ui.check()
    page.evaluate("document.getElementById('change-text').scrollIntoView({block: 'start'})")
    ui.screenshot("compare")
