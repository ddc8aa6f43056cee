"""Signing in with django-allauth: the form, a new session key, lockout, audit, passwords."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kith.accounts.testing import World
from kith.accounts.tests.conftest import PASSWORD, Clock
from kith.audit.models import AuditEvent

LOGIN_URL = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    """Post the sign-in form; the response's status (302 = signed in, 200 = form again)."""
    response = client.post(LOGIN_URL, {"login": username, "password": password})
    return response.status_code


def signed_in_as(client: Client) -> str | None:
    response = client.get(reverse("people:caseload"))
    if response.status_code != 200:
        return None
    return str(response.context["user"].username)


def test_sign_in_page_is_where_it_was(db: None) -> None:
    assert reverse("account_login") == LOGIN_URL
    page = Client().get(LOGIN_URL)
    assert page.status_code == 200
    html = page.content.decode()
    # GOV.UK labels (no placeholders), username + password only: no sign-up, no email.
    assert '<label class="govuk-label govuk-label--s" for="id_login">Username</label>' in html
    assert 'name="password"' in html and "placeholder" not in html
    assert "Sign up" not in html and "remember" not in html


def test_sign_in_and_out(with_passwords: World) -> None:
    client = Client()
    assert sign_in(client, "ana") == 302
    assert signed_in_as(client) == "ana"
    assert client.post(reverse("account_logout")).status_code == 302
    assert signed_in_as(client) is None


def test_wrong_password_keeps_you_out_with_a_clear_message(with_passwords: World) -> None:
    client = Client()
    response = client.post(LOGIN_URL, {"login": "ana", "password": "not the password"})
    assert response.status_code == 200
    assert (
        "The username and/or password you specified are not correct." in response.content.decode()
    )
    assert signed_in_as(client) is None


def test_sign_up_is_closed(db: None) -> None:
    from allauth.account.adapter import get_adapter

    assert get_adapter().is_open_for_signup(None) is False
    assert Client().get("/accounts/signup/").status_code == 404


def test_a_new_session_key_at_sign_in(with_passwords: World) -> None:
    """Session fixation: the key a visitor had before signing in is not the signed-in one."""
    client = Client()
    client.get(LOGIN_URL)
    client.session.save()
    before = client.session.session_key
    assert before
    assert sign_in(client, "ana") == 302
    after = client.session.session_key
    assert after and after != before
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=before).exists()


def test_sign_in_out_and_failures_are_audited(with_passwords: World) -> None:
    ana = with_passwords["ana"]
    client = Client()
    sign_in(client, "ana", "wrong password")
    sign_in(client, "nobody-by-this-name", "wrong password")
    sign_in(client, "ana")
    client.post(reverse("account_logout"))
    events = list(AuditEvent.objects.order_by("pk").values_list("verb", "object_id", "actor_id"))
    assert events == [
        ("login_failed", str(ana.pk), None),
        ("login_failed", "", None),
        ("login", str(ana.pk), ana.pk),
        ("logout", str(ana.pk), ana.pk),
    ]
    # What was typed is never kept (people type passwords into the username box).
    reasons = " ".join(AuditEvent.objects.values_list("reason", flat=True))
    assert "nobody-by-this-name" not in reasons and "wrong password" not in reasons


def test_lockout_after_repeated_failures_then_automatic_unlock(
    with_passwords: World, clock: Clock
) -> None:
    """KITH_LOGIN_ATTEMPTS (5) wrong passwords lock the username; even the right password is
    refused until KITH_LOGIN_LOCKOUT_SECONDS (15 min) after the first failure."""
    attempts, window = settings.KITH_LOGIN_ATTEMPTS, settings.KITH_LOGIN_LOCKOUT_SECONDS
    assert (attempts, window) == (5, 15 * 60)
    client = Client()
    for _ in range(attempts):
        assert sign_in(client, "ana", "guess") == 200
        clock.advance(30)
    refused = client.post(LOGIN_URL, {"login": "ana", "password": PASSWORD})
    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()
    assert signed_in_as(client) is None
    # Another address is refused too: the lock is on the username.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in(other, "ana") == 200
    # Others are not locked out.
    assert sign_in(Client(), "sam") == 302
    # Still locked just before the first failure is 15 minutes old ...
    clock.advance(window - attempts * 30 - 1)
    assert sign_in(client, "ana") == 200
    # ... and unlocked after it.
    clock.advance(2)
    assert sign_in(client, "ana") == 302
    assert signed_in_as(client) == "ana"
    locked = AuditEvent.objects.filter(verb="login_failed", reason__startswith="locked")
    assert locked.count() == 3


def test_a_successful_sign_in_does_not_reset_the_count(with_passwords: World, clock: Clock) -> None:
    """An attacker cannot interleave one good sign-in to keep guessing (allauth rolls back only
    the successful attempt itself, found by its time: the clock moves between attempts)."""
    for _ in range(settings.KITH_LOGIN_ATTEMPTS - 1):
        sign_in(Client(), "ana", "guess")
        clock.advance(1)
    assert sign_in(Client(), "ana") == 302
    clock.advance(1)
    assert sign_in(Client(), "ana", "guess") == 200
    clock.advance(1)
    assert sign_in(Client(), "ana") == 200  # now locked


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pw-1!", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_password_rules(world: World, password: str, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, world["ana"])
    assert problem in " ".join(caught.value.messages)


def test_a_good_password_passes(world: World) -> None:
    validate_password("correct horse battery staple", world["ana"])


def test_admin_site_login_sends_you_to_the_mfa_sign_in(db: None) -> None:
    """Django admin's own login form would skip the code step and the lockout."""
    response = Client().get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
