"""Session hygiene: idle and absolute timeouts, deactivation and password change end sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kith.accounts.actions import do_create_api_token, do_deactivate_user
from kith.accounts.models import UserSession
from kith.accounts.testing import World
from kith.accounts.tests.conftest import PASSWORD, Clock
from kith.accounts.tests.test_login import sign_in, signed_in_as
from kith.audit.models import AuditEvent

MINUTE = 60


def signed_in(world: World, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


def test_timeouts_are_30_minutes_idle_and_10_hours_in_all() -> None:
    assert settings.KITH_SESSION_IDLE_SECONDS == 30 * MINUTE
    assert settings.KITH_SESSION_ABSOLUTE_SECONDS == 10 * 60 * MINUTE


def test_idle_timeout(world: World, clock: Clock) -> None:
    client = signed_in(world, "ana")
    clock.advance(29 * MINUTE)
    assert signed_in_as(client) == "ana"  # a request: the idle clock starts again
    clock.advance(29 * MINUTE)
    assert signed_in_as(client) == "ana"
    clock.advance(30 * MINUTE + 1)
    response = client.get("/people/?q=x")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fpeople%2F%3Fq%3Dx"
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert signed_in_as(client) is None


def test_absolute_timeout_however_active(world: World, clock: Clock) -> None:
    client = signed_in(world, "ana")
    for _ in range(10 * 60 // 20):
        assert signed_in_as(client) == "ana"
        clock.advance(20 * MINUTE)
    # Just past 10 hours after signing in, however busy.
    clock.advance(1)
    response = client.get(reverse("people:caseload"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert (
        "You were signed out because you signed in more than 10 hours ago." in page.content.decode()
    )


def test_a_timed_out_api_session_answers_401(world: World, clock: Clock) -> None:
    client = signed_in(world, "ana")
    clock.advance(31 * MINUTE)
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert "without activity" in response.json()["detail"]


def test_deactivating_a_user_ends_all_their_sessions_at_once(world: World) -> None:
    ana = world["ana"]
    laptop, phone, colleague = (
        signed_in(world, "ana"),
        signed_in(world, "ana"),
        signed_in(world, "lee"),
    )
    keys = {laptop.session.session_key, phone.session.session_key}
    assert set(UserSession.objects.filter(user=ana).values_list("session_key", flat=True)) == keys
    token, _ = do_create_api_token(ana, name="script", scope="read", days=30)
    assert do_deactivate_user(ana, by=world["admin"]) == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert signed_in_as(laptop) is None and signed_in_as(phone) is None
    assert signed_in_as(colleague) == "lee"
    ana.refresh_from_db()
    token.refresh_from_db()
    assert ana.is_active is False and token.revoked_at is not None
    event = AuditEvent.objects.get(verb="update", object_type="accounts.user")
    assert (event.object_id, event.fields, event.actor_id) == (
        str(ana.pk),
        ["is_active"],
        world["admin"].pk,
    )


def test_deactivating_in_the_admin_site_ends_sessions_too(world: World) -> None:
    ana_client = signed_in(world, "ana")
    admin = signed_in(world, "admin")
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [world["ana"].pk]},
    )
    assert response.status_code == 302
    assert signed_in_as(ana_client) is None
    assert not UserSession.objects.filter(user=world["ana"]).exists()


def test_changing_the_password_ends_the_other_sessions(with_passwords: World) -> None:
    here, elsewhere = Client(), Client()
    assert sign_in(here, "ana") == 302 and sign_in(elsewhere, "ana") == 302
    new = "an even longer passphrase"
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert signed_in_as(here) == "ana"
    assert signed_in_as(elsewhere) is None
    assert list(
        UserSession.objects.filter(user=with_passwords["ana"]).values_list("session_key", flat=True)
    ) == [here.session.session_key]


def test_a_weak_new_password_is_refused(with_passwords: World) -> None:
    client = Client()
    sign_in(client, "ana")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "password1234", "password2": "password1234"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
