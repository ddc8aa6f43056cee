"""The community asset directory in a real browser: search, filter, open an asset, link it.

A practitioner signs in, searches the directory by text, narrows the results by an interest
and by "Free only", opens a service's page, then links a member of a person's draft map to that
service from the member's link page. Every page is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

PASSWORD = "kith-demo"  # as conftest.PASSWORD (what Ui.login types)

#: name, interest code, free, (day code, day name), opens, location
SERVICES = [
    ("Riverside Walking Group", "outdoors", True, ("TU", "Tuesday"), 10, "Riverside Park"),
    ("Riverside Pottery Class", "creative", False, ("TH", "Thursday"), 18, "Riverside Hall"),
    ("Riverside Book Club", "creative", True, ("MO", "Monday"), 14, "Riverside Library"),
    ("Hilltop Choir", "creative", True, ("WE", "Wednesday"), 19, "Hilltop Chapel"),
]
INTERESTS = {"outdoors": "Getting outdoors", "creative": "Being creative"}


def _directory() -> Any:
    from kith.assets.terms import INTEREST, PRACTICAL, kith_id
    from kith.formats import hsds

    d = hsds.Directory()
    d.organization["org-river"] = {"id": "org-river", "name": "Riverside Friends"}
    d.organization["org-hill"] = {"id": "org-hill", "name": "Hilltop Singers"}
    for tax, terms in ((INTEREST, INTERESTS), (PRACTICAL, {"free": "Free"})):
        tid = kith_id(tax)
        d.taxonomy[tid] = {"id": tid, "name": tax, "description": tax}
        for code, name in terms.items():
            term = kith_id(tax, code)
            d.taxonomy_term[term] = {
                "id": term,
                "code": code,
                "name": name,
                "description": name,
                "taxonomy_id": tid,
            }
    for n, (name, interest, free, (byday, day), opens, place) in enumerate(SERVICES):
        sid, lid = f"svc-{n}", f"loc-{n}"
        d.service[sid] = {
            "id": sid,
            "organization_id": "org-hill" if name.startswith("Hilltop") else "org-river",
            "name": name,
            "description": f"{name}: everyone welcome (a test service).",
            "status": "active",
            "fees_description": "Free." if free else "£3 a session.",
        }
        d.cost_option[f"cost-{n}"] = {
            "id": f"cost-{n}",
            "service_id": sid,
            "option": "Free" if free else "Per session",
            "currency": "GBP",
            "amount": 0 if free else 3,
        }
        d.location[lid] = {
            "id": lid,
            "name": place,
            "latitude": 53.4 + n / 100,
            "longitude": -1.9,
            "location_type": "physical",
        }
        d.service_at_location[f"sal-{n}"] = {
            "id": f"sal-{n}",
            "service_id": sid,
            "location_id": lid,
        }
        d.schedule[f"sch-{n}"] = {
            "id": f"sch-{n}",
            "service_id": sid,
            "freq": "WEEKLY",
            "byday": byday,
            "opens_at": f"{opens:02d}:00",
            "closes_at": f"{opens + 2:02d}:00",
            "description": f"Every {day}, {opens:02d}:00 to {opens + 2:02d}:00.",
        }
        attrs = [(INTEREST, interest)] + ([(PRACTICAL, "free")] if free else [])
        for tax, code in attrs:
            aid = f"att-{n}-{code}"
            d.attribute[aid] = {
                "id": aid,
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": kith_id(tax, code),
            }
    return d


@pytest.fixture
def directory_world(fast_passwords: None, live_server: Any) -> dict[str, Any]:
    from kith.accounts.testing import make_map, make_person, make_world
    from kith.assets.actions import do_import_directory

    world = make_world()
    ana = world["ana"]
    ana.set_password(PASSWORD)
    ana.save()
    do_import_directory(_directory(), source="test")
    person = make_person(world.north, "Casey N.")
    draft = make_map(
        person,
        [
            {"key": "mum", "label": "Mum", "kind": "person", "circle": 1},
            {"key": "books", "label": "Book club", "kind": "group", "circle": 2},
        ],
        user=ana,
    )
    return {"map": draft, "member": draft.members.get(key="books")}


def _results(page: Any) -> list[str]:
    return page.locator(".kith-asset-results li h2 a").all_inner_texts()


def test_search_filter_open_and_link_an_asset(ui: Any, directory_world: dict[str, Any]) -> None:
    from kith.assets.models import Service
    from kith.maps.models import MapMember

    page = ui.page
    ui.login("ana")

    # The directory from the menu.
    page.get_by_role("link", name="Community assets").click()
    expect(page.locator("h1")).to_have_text("Community assets")
    ui.check()

    # Search by text.
    page.get_by_label("Search (optional)", exact=True).fill("riverside")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#asset-count")).to_have_text("3 services")
    ui.check()
    assert sorted(_results(page)) == [
        "Riverside Book Club",
        "Riverside Pottery Class",
        "Riverside Walking Group",
    ]

    # An interest narrows the results ...
    page.get_by_label("Interest (optional)").select_option(label="Being creative")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#asset-count")).to_have_text("2 services")
    ui.check()
    assert sorted(_results(page)) == ["Riverside Book Club", "Riverside Pottery Class"]
    expect(page.get_by_label("Search (optional)", exact=True)).to_have_value("riverside")

    # ... and so does "Free only".
    page.get_by_label("Free only (optional)").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#asset-count")).to_have_text("1 service")
    ui.check()
    assert _results(page) == ["Riverside Book Club"]

    # Open the asset.
    page.get_by_role("link", name="Riverside Book Club", exact=True).click()
    expect(page.locator("h1")).to_have_text("Riverside Book Club")
    ui.check()
    expect(page.locator(".govuk-caption-l")).to_have_text("Riverside Friends")
    details = page.locator(".govuk-summary-list")
    for key, value in [
        ("Where", "Riverside Library"),
        ("When", "Every Monday, 14:00 to 16:00."),
        ("Cost", "Free."),
    ]:
        row = details.locator(".govuk-summary-list__row", has_text=key)
        expect(row.locator("dd")).to_have_text(value)
    expect(details.locator(".govuk-tag", has_text="Being creative")).to_be_visible()
    expect(page.locator('[data-connected="now"]')).to_have_text("0")

    # Link the map's "Book club" to it from the member's link page.
    the_map, member = directory_world["map"], directory_world["member"]
    ui.goto(f"/assets/link/{the_map.pk}/{member.pk}/")
    expect(page.locator("h1")).to_contain_text("Link “Book club” to a community asset")
    expect(page.get_by_label("Search the directory")).to_have_value("Book club")
    page.get_by_role("button", name="Link Book club to Riverside Book Club").click()

    # Back on the map: the member is linked.
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Book club is linked to Riverside Book Club."
    )
    assert page.url.endswith(the_map.get_absolute_url())
    ui.check()
    expect(page.locator("#members tbody th", has_text="Book club")).to_have_count(1)
    service = Service.objects.get(name="Riverside Book Club")
    assert MapMember.objects.get(pk=member.pk).asset_id == service.hsds_id

    # The link page now shows the link; the asset's page counts one person, without names.
    ui.goto(f"/assets/link/{the_map.pk}/{member.pk}/")
    expect(page.locator("main")).to_contain_text("Linked now to Riverside Book Club.")
    ui.goto(f"/assets/{service.pk}/")
    expect(page.locator('[data-connected="now"]')).to_have_text("1")
    expect(page.locator("main")).not_to_contain_text("Casey")
