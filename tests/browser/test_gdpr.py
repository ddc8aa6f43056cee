"""UK GDPR pages in a real browser: a team lead records the lawful basis and a legal hold, is
refused erasure while the hold stands, downloads the subject access export, lifts the hold and
erases the record by typing its reference. Every page is checked with axe-core (conftest.py).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from playwright.sync_api import expect


def test_team_lead_exports_then_erases_a_record(ui: Any, demo: dict[str, int]) -> None:
    from kith.accounts.models import Team, User
    from kith.accounts.testing import make_map, make_person

    person = make_person(Team.objects.get(name="North"), "Robin Q.", reference="GDPR-1")
    make_map(person, 3, [("k0", "k1")], status="final")
    page = ui.page
    ui.sign_in_as(User.objects.get(username="lee"))
    ui.goto(f"/people/{person.pk}/edit/")

    page.get_by_label("Public task — Art. 6(1)(e)").check()
    page.get_by_label("Health or social care — Art. 9(2)(h)").check()
    page.get_by_role("checkbox", name="Legal hold").check()
    page.get_by_label("Reason for the legal hold").fill("Complaint open")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Public task — Art. 6(1)(e)")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("On hold Complaint open")
    ui.check()

    page.get_by_role("link", name="Erase this record").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("on legal hold (Complaint open)")
    ui.check()

    ui.goto(f"/people/{person.pk}/subject-access/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export (zip)").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith(f"subject-access-{person.pk}-")
    with open(path, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert json.loads(archive.read("person.json"))["person"]["reference"] == "GDPR-1"

    ui.goto(f"/people/{person.pk}/edit/")
    page.get_by_role("checkbox", name="Legal hold").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Robin Q.")
    ui.check()
    ui.goto(f"/people/{person.pk}/erase/")
    page.get_by_label("Why is the record being erased?").fill("The person asked on 3 March")
    page.get_by_label("To confirm, type GDPR-1").fill("GDPR-1")
    page.get_by_role("button", name="Erase the record").click()
    expect(
        page.get_by_text(f"Record {person.pk} and everything linked to it were erased.")
    ).to_be_visible()
    ui.check()
