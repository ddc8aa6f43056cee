"""Two-factor sign-in (TOTP and recovery codes) and MFA required for every account."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from kith import settings as kith_settings
from kith.accounts.checks import check_mfa_required
from kith.accounts.testing import World
from kith.accounts.tests.conftest import PASSWORD
from kith.accounts.tests.test_login import LOGIN_URL, sign_in, signed_in_as
from kith.audit.models import AuditEvent

CASELOAD = "/"


@pytest.fixture
def mfa_required(settings: Any) -> None:
    settings.KITH_MFA_REQUIRED = True


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238: 30-second steps, 6 digits)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def with_totp(user: Any) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_mfa_is_required_unless_switched_off() -> None:
    """On by default; the tests switch it off (root conftest.py) and these switch it on."""
    if "KITH_MFA_REQUIRED" not in os.environ:
        assert kith_settings.KITH_MFA_REQUIRED is True


def test_without_an_authenticator_you_can_only_set_one_up(world: World, mfa_required: None) -> None:
    client = Client()
    client.force_login(world["ana"])
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp") + "?next=%2F"
    for allowed in ("mfa_index", "account_logout", "healthz"):
        assert client.get(reverse(allowed)).status_code == 200, allowed
    # Setting one up asks for the password again first: that page is open too.
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    for refused in ("api_tokens", "assets:search", "account_change_password"):
        assert client.get(reverse(refused))["Location"].startswith(reverse("mfa_activate_totp"))
    api = client.get("/api/v1/people")
    assert api.status_code == 403
    assert api.json() == {"detail": "Set up two-factor authentication before using Kith."}


def test_setting_up_the_authenticator_app(with_passwords: World, mfa_required: None) -> None:
    """The page shows a QR code made on the server (an SVG data URI: nothing fetched) and the
    secret; the app's code turns MFA on and shows recovery codes; then Kith opens."""
    client = Client()
    assert sign_in(client, "ana") == 302
    # Changing how one signs in asks for the password again (allauth's reauthentication).
    ask = client.get(reverse("mfa_activate_totp"))
    assert ask["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(ask["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(
        r'<img class="kith-qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html
    )
    # The Content-Security-Policy lets this one kind of image through (img-src 'self' data:).
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    secret = re.search(r'<code class="kith-secret" id="totp-secret">([A-Z2-7]+)</code>', html)
    assert secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret[1])})
    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"])
    assert len(re.findall(r"<li><code>\d{8}</code></li>", codes.content.decode())) == 10
    types = set(
        Authenticator.objects.filter(user=with_passwords["ana"]).values_list("type", flat=True)
    )
    assert types == {"totp", "recovery_codes"}
    assert client.get(CASELOAD).status_code == 200


def test_sign_in_asks_for_the_code(with_passwords: World, mfa_required: None) -> None:
    ana = with_passwords["ana"]
    secret = with_totp(ana)
    client = Client()
    response = client.post(LOGIN_URL, {"login": "ana", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None  # the password alone does not sign in
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200 and signed_in_as(client) is None
    assert AuditEvent.objects.filter(verb="login_failed", reason="wrong two-factor code").exists()
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302
    assert signed_in_as(client) == "ana"
    # The same code cannot be used twice (replay within its 30 seconds).
    again = Client()
    again.post(LOGIN_URL, {"login": "ana", "password": PASSWORD})
    assert again.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 200
    assert signed_in_as(again) is None


def test_a_recovery_code_signs_in_once(with_passwords: World, mfa_required: None) -> None:
    ana = with_passwords["ana"]
    with_totp(ana)
    codes = RecoveryCodes.activate(ana).get_unused_codes()
    assert len(codes) == 10
    for expected in (302, 200):
        client = Client()
        client.post(LOGIN_URL, {"login": "ana", "password": PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert response.status_code == expected
        assert signed_in_as(client) == ("ana" if expected == 302 else None)


def test_guessing_codes_locks_out_too(
    with_passwords: World, mfa_required: None, clock: Any
) -> None:
    """Wrong codes count like wrong passwords: after 5, even the right code is refused."""
    secret = with_totp(with_passwords["ana"])
    client = Client()
    client.post(LOGIN_URL, {"login": "ana", "password": PASSWORD})
    for guess in range(5):
        client.post(reverse("mfa_authenticate"), {"code": f"{guess:06d}"})
        clock.advance(1)
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert "Too many failed login attempts" in refused.content.decode()
    assert signed_in_as(client) is None


def test_the_deploy_check_refuses_mfa_off_in_production(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = False
    settings.KITH_MFA_REQUIRED = False
    monkeypatch.setenv("KITH_ALLOWED_HOSTS", "kith.example.org")
    errors = check_mfa_required()
    assert [e.id for e in errors] == ["kith.accounts.E001"]
    assert "KITH_MFA_REQUIRED is off on a production server" in errors[0].msg
    # It is one of `manage.py check --deploy`'s checks, and only of those.
    assert "kith.accounts.E001" in {e.id for e in run_checks(include_deployment_checks=True)}
    assert "kith.accounts.E001" not in {e.id for e in run_checks()}
    # A demo (no KITH_ALLOWED_HOSTS, or debug on) may relax it; production with MFA on passes.
    settings.KITH_MFA_REQUIRED = True
    assert check_mfa_required() == []
    settings.KITH_MFA_REQUIRED = False
    monkeypatch.delenv("KITH_ALLOWED_HOSTS")
    assert check_mfa_required() == []
    monkeypatch.setenv("KITH_ALLOWED_HOSTS", "kith.example.org")
    settings.DEBUG = True
    assert check_mfa_required() == []


def test_make_run_relaxes_mfa_for_the_demo_only() -> None:
    makefile = (kith_settings.PACKAGE_DIR.parent / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "KITH_MFA_REQUIRED=off $(BIN)/kith serve" in run
