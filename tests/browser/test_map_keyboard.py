"""The same work without a mouse: every step by keyboard (Tab, Enter, arrows, letters), and
without JavaScript (the plain forms). Also two workers on one draft: the second gets a clear
conflict with the change kept and offered again."""

from __future__ import annotations

import re

from playwright.sync_api import expect

#: What is typed in the quick-add box, and the label and circle it gives.
KEYBOARD_MAP = [
    ("Gran /1 /family", "Gran", 1),
    ("Aunt Rosa /2 /family", "Aunt Rosa", 2),
    ("Leah /1 /partner", "Leah", 1),
    ("Tom from work /3 /colleague", "Tom from work", 3),
    ("Peer mentor /2 /peer", "Peer mentor", 2),
    ("Community nurse /3 /professional", "Community nurse", 3),
    ("Allotment /place /2", "Allotment", 2),
    ("Football /activity /3", "Football", 3),
    ("Hearing voices group /group /2", "Hearing voices group", 2),
    ("Cat /pet", "Cat", None),
]
CIRCLE_WORDS = {
    1: "circle 1 (closest)",
    2: "circle 2 (middle)",
    3: "circle 3 (outer)",
    None: "not placed yet",
}


def go_to_member(ui, label: str) -> None:
    """From a focused member, → until ``label`` has focus."""
    for _ in range(30):
        if ui.focused() == f"member:{label}":
            return
        ui.page.keyboard.press("ArrowRight")
    raise AssertionError(f"{label} never got focus; last {ui.focused()}")


def test_map_with_the_keyboard_only(ui) -> None:
    from kith.accounts.testing import make_world

    world = make_world()
    world["sam"].set_password("kith-demo")
    world["sam"].save()
    page = ui.page
    keys = page.keyboard

    # Sign in.
    ui.goto("/accounts/login/")
    ui.tab_to("id_login")
    keys.type("sam")
    keys.press("Tab")
    keys.type("kith-demo")
    keys.press("Enter")
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    ui.check()

    # Add a person.
    ui.tab_to("A:Add a person")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Add a person")
    ui.check()
    ui.tab_to("id_display_name")
    keys.type("K.L.")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("K.L.")
    ui.check()

    # Start a map.
    ui.tab_to("BUTTON:Start a first map")
    keys.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Map started.")
    ui.editor_ready()
    ui.check()

    # Ten members with the quick-add box: focus stays in the box after each Enter.
    ui.tab_to("quick_text")
    for count, (text, label, circle) in enumerate(KEYBOARD_MAP, start=1):
        keys.type(text)
        keys.press("Enter")
        ui.wait_status(f"Added {label}, {CIRCLE_WORDS[circle]}.")
        assert ui.focused() == "quick_text"
        assert len(ui.drawing()["members"]) == count
    assert {k: v["circle"] for k, v in ui.drawing()["members"].items()} == {
        label: circle for _, label, circle in KEYBOARD_MAP
    }
    # A mistake is explained on the box, and what was typed stays.
    keys.type("Jo /p")
    keys.press("Enter")
    expect(page.locator("#quick_text-error")).to_contain_text("could be")
    expect(page.locator("#quick_text")).to_have_value("Jo /p")
    assert ui.focused() == "quick_text"
    ui.check()
    page.locator("#quick_text").fill("")

    # Into the drawing (one tab stop), to the cat, and put it in circle 3 with "3".
    ui.tab_to("member:", backwards=True)
    go_to_member(ui, "Cat")
    keys.press("3")
    ui.wait_status("Cat moved to circle 3 (outer).")
    assert ui.focused() == "member:Cat"
    # ↑ moves it one circle closer, ↓ one further out.
    keys.press("ArrowUp")
    ui.wait_status("Cat moved to circle 2 (middle).")
    keys.press("ArrowUp")
    ui.wait_status("Cat moved to circle 1 (closest).")
    keys.press("ArrowUp")
    ui.wait_status("Cat is already in the closest circle.")
    assert ui.drawing()["members"]["Cat"]["circle"] == 1
    ui.check()

    # Ties: Space selects, then T (or Space) on another member ties or unties.
    for a, b, key in [
        ("Gran", "Leah", "t"),
        ("Leah", "Cat", "Space"),
        ("Allotment", "Football", "t"),
    ]:
        go_to_member(ui, a)
        keys.press("Space")
        ui.wait_status(f"{a} selected.")
        assert ui.drawing()["members"][a]["pressed"] == "true"
        go_to_member(ui, b)
        keys.press(key)
        ui.wait_status(f"Tied {a} and {b}.")
        assert ui.focused() == f"member:{b}"
    ties = ui.drawing()["ties"]
    assert ties == sorted(["Gran – Leah", "Cat – Leah", "Allotment – Football"])
    assert ui.tie_list() == ties
    # T again on the same pair unties them; Escape clears a selection.
    go_to_member(ui, "Allotment")
    keys.press("Space")
    go_to_member(ui, "Football")
    keys.press("t")
    ui.wait_status("Untied Allotment and Football.")
    assert "Allotment – Football" not in ui.drawing()["ties"]
    keys.press("Space")
    ui.wait_status("Football selected.")
    keys.press("Escape")
    ui.wait_status("Selection cleared.")
    assert ui.drawing()["members"]["Football"]["pressed"] == "false"
    ui.check()

    # The toolbar's buttons do the same for the member last focused.
    go_to_member(ui, "Tom from work")
    ui.tab_to("BUTTON:Move closer", backwards=True)
    keys.press("Enter")
    ui.wait_status("Tom from work moved to circle 2 (middle).")
    assert ui.drawing()["members"]["Tom from work"]["circle"] == 2

    # A jumps to the quick-add box; the drawing has the ten members and two ties.
    ui.tab_to("member:")
    keys.press("a")
    assert ui.focused() == "quick_text"
    final = ui.drawing()
    assert len(final["members"]) == 10 and len(final["ties"]) == 2
    expect(page.locator("#members tbody tr")).to_have_count(10)
    ui.check()

    # Finalise, by keyboard.
    ui.tab_to("A:Finalise", backwards=True)
    keys.press("Enter")
    expect(page.locator("h1")).to_contain_text("Finalise the map of")
    ui.check()
    ui.tab_to("BUTTON:Finalise")
    keys.press("Enter")
    expect(page.locator("h1 .govuk-tag")).to_have_text("Final")
    ui.check()


def test_conflict_is_shown_and_the_change_kept(ui_factory) -> None:
    from kith.accounts.testing import make_map, make_person, make_world

    world = make_world()
    person = make_person(world.north, "M.N.")
    the_map = make_map(
        person,
        [
            {"key": "mum", "label": "Mum", "circle": 1},
            {"key": "gp", "label": "GP", "circle": 3, "relationship": "professional"},
            {"key": "club", "label": "Book club", "kind": "group", "circle": 2},
        ],
    )
    url = f"/maps/{the_map.pk}/"
    ana, sam = ui_factory(), ui_factory()
    for who, name in ((ana, "ana"), (sam, "sam")):
        who.sign_in_as(world[name])
        who.goto(url)
        who.editor_ready()

    # Ana moves the GP closer; Sam, still looking at the old version, moves Mum out.
    ana.node("GP").click()
    ana.page.keyboard.press("Escape")
    ana.page.keyboard.press("2")
    ana.wait_status("GP moved to circle 2 (middle).")
    sam.drag_to_circle("Mum", 2, angle=300)
    conflict = sam.page.locator("#editor-conflict")
    expect(conflict).to_contain_text("Not saved: someone else changed this map")
    expect(conflict).to_contain_text("move Mum to circle 2 (middle)")
    expect(conflict).to_contain_text("On the map now, Mum is in circle 1 (closest).")
    # Sam now sees the current map (Ana's change), and nothing of Sam's was saved.
    drawn = sam.drawing()["members"]
    assert (drawn["GP"]["circle"], drawn["Mum"]["circle"]) == (2, 1)
    assert sam.focused() == "editor-conflict"
    sam.check()
    # One button applies Sam's change to the current version.
    sam.page.get_by_role("button", name="Move Mum to circle 2 (middle) now").click()
    sam.wait_status("Mum moved to circle 2 (middle).")
    expect(conflict).to_have_count(0)
    drawn = sam.drawing()["members"]
    assert (drawn["GP"]["circle"], drawn["Mum"]["circle"]) == (2, 2)
    sam.check()

    # Ana's quick add now conflicts: the text stays in the box, ready to send again.
    quick = ana.page.get_by_label("Quick add a member")
    quick.fill("Neighbour Jas /neighbour /3")
    quick.press("Enter")
    expect(ana.page.locator("#editor-conflict")).to_contain_text("add Neighbour Jas")
    expect(quick).to_have_value("Neighbour Jas /neighbour /3")
    assert ana.drawing()["members"]["Mum"]["circle"] == 2
    ana.check()
    quick.press("Enter")
    ana.wait_status("Added Neighbour Jas, circle 3 (outer).")
    assert ana.drawing()["members"]["Neighbour Jas"]["circle"] == 3


def test_everything_works_without_javascript(ui_factory) -> None:
    from kith.accounts.testing import make_map, make_person, make_world

    world = make_world()
    the_map = make_map(
        make_person(world.north, "O.P."),
        [{"key": "mum", "label": "Mum", "circle": 1}, {"key": "gp", "label": "GP", "circle": 3}],
    )
    ui = ui_factory(javascript=False)
    page = ui.page
    ui.sign_in_as(world["ana"])
    ui.goto(f"/maps/{the_map.pk}/")
    # The editor's extras stay hidden; the forms and the table do the work.
    expect(page.locator("#editor-toolbar")).to_be_hidden()
    expect(page.locator("#editor-keys")).to_be_hidden()
    page.get_by_label("Quick add a member").fill("Walking group /group /2")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Added Walking group, circle 2 (middle)."
    )
    ui.check()
    assert ui.drawing()["members"]["Walking group"]["circle"] == 2

    page.get_by_role("link", name=re.compile(r"^Move\s+GP$")).click()
    expect(page.locator("h1")).to_have_text("Move GP")
    ui.check()
    page.get_by_label("2 — middle").check()
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "GP moved to circle 2 (middle)."
    )
    ui.check()
    assert ui.drawing()["members"]["GP"]["circle"] == 2

    page.get_by_role("link", name="Link two members").click()
    ui.check()
    page.get_by_label("First member").select_option(label="GP")
    page.get_by_label("Second member").select_option(label="Walking group")
    page.get_by_role("button", name="Link them").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The link was added.")
    ui.check()
    assert ui.drawing()["ties"] == ["GP – Walking group"]
