"""Sign-in security in a real browser, with axe-core on every page (conftest.py): MFA is
required, so a first sign-in leads to setting up the authenticator app (password again, the
server-made QR code, the app's code), then recovery codes, the account page and an API token;
the next sign-in asks for a code.
"""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect


def _code(secret: str) -> str:
    """What the authenticator app shows now (RFC 6238: 30-second steps, 6 digits)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_first_sign_in_sets_up_the_app_then_asks_for_its_code(
    ui: Any, fast_passwords: None, settings: Any
) -> None:
    from kith.accounts.testing import make_world

    settings.KITH_MFA_REQUIRED = True
    world = make_world()
    world["ana"].set_password("kith-demo")
    world["ana"].save()
    page = ui.page

    # The password; then, as Ana has no authenticator app, the password again to set one up.
    ui.login("ana", landing=r"/accounts/reauthenticate/")
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill("kith-demo")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Set up your authenticator app")
    qr = page.locator("img.kith-qr-code")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert page.evaluate("document.querySelector('img.kith-qr-code').naturalWidth") > 0
    ui.check()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.locator("h1")).to_have_text("Recovery codes")
    expect(page.locator(".kith-recovery-codes li")).to_have_count(10)
    recovery_code = page.locator(".kith-recovery-codes li").first.inner_text().strip()
    ui.check()
    page.get_by_role("link", name="I have kept my recovery codes safe").click()
    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.locator(".govuk-summary-list")).to_contain_text("10 of 10 unused.")
    ui.check()

    page.get_by_role("link", name="Manage API tokens").click()
    page.get_by_label("Name").fill("Nightly report")
    page.get_by_label("Read only").check()
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.locator("#new-token")).to_contain_text("kith_")
    ui.check()
    page.get_by_role("button", name="Revoke Nightly report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    expect(page.locator(".govuk-tag--red")).to_have_text("Revoked")
    ui.check()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    ui.check()

    # Next time: the password, then a code (here a recovery code: the app's code of this
    # 30-second step was used already, and a used code is refused; test_mfa.py has the rest).
    ui.login("ana", landing=r"/accounts/2fa/authenticate/")
    expect(page.locator("h1")).to_have_text("Enter your code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Incorrect code.")
    ui.check()
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    ui.check()
