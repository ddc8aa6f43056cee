"""API tokens: hashed at rest, shown once, scoped, expiring, revocable; and their page."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import connection
from django.test import Client
from django.urls import reverse

from kith.accounts.actions import do_create_api_token, do_deactivate_user, do_revoke_api_token
from kith.accounts.models import ApiToken
from kith.accounts.testing import World, make_person
from kith.accounts.tests.conftest import Clock
from kith.audit.models import AuditEvent
from kith.maps.models import Map

PEOPLE = "/api/v1/people"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_only_a_digest_is_stored(world: World) -> None:
    token, text = do_create_api_token(world["ana"], name="script", scope="read", days=90)
    assert re.fullmatch(r"kith_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", text)
    assert token.digest == hashlib.sha256(text.encode()).hexdigest()
    secret = text.split("_", 2)[2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert secret not in row and text not in row
    event = AuditEvent.objects.get(verb="token_create")
    assert (event.object_type, event.object_id, event.actor_id) == (
        "accounts.apitoken",
        str(token.pk),
        world["ana"].pk,
    )


def test_a_token_reads_as_its_user(world: World, clock: Clock) -> None:
    make_person(world.north, "Casey N.")
    make_person(world.south, "Sid S.")
    token, text = do_create_api_token(world["ana"], name="script", scope="read", days=30)
    response = Client().get(PEOPLE, **bearer(text))
    assert response.status_code == 200
    # ana's team only, as on the web pages.
    assert [p["display_name"] for p in response.json()["items"]] == ["Casey N."]
    token.refresh_from_db()
    assert token.last_used_at == clock.now


def test_read_scope_cannot_change_anything(world: World) -> None:
    person = make_person(world.north, "Casey N.")
    _, read = do_create_api_token(world["ana"], name="read", scope="read", days=30)
    _, write = do_create_api_token(world["ana"], name="write", scope="write", days=30)
    url = f"/api/v1/people/{person.pk}/maps"
    refused = Client().post(url, {}, content_type="application/json", **bearer(read))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This API token is read-only."}
    assert not Map.objects.exists()
    # A write token needs no CSRF token (no cookie is involved).
    made = Client(enforce_csrf_checks=True).post(
        url, {}, content_type="application/json", **bearer(write)
    )
    assert made.status_code == 201 and Map.objects.count() == 1


def test_expired_revoked_unknown_and_inactive_get_401(world: World, clock: Clock) -> None:
    token, text = do_create_api_token(world["ana"], name="script", scope="read", days=30)
    assert Client().get(PEOPLE, **bearer(text)).status_code == 200
    wrong = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
    for bad in (wrong, "kith_000000000000_nothing", "not-a-kith-token", ""):
        assert Client().get(PEOPLE, **bearer(bad)).status_code == 401, bad
    clock.advance(dt.timedelta(days=30).total_seconds())
    expired = Client().get(PEOPLE, **bearer(text))
    assert expired.status_code == 401
    assert expired.json() == {"detail": "The API token is unknown, expired or revoked."}

    token, text = do_create_api_token(world["ana"], name="again", scope="read", days=30)
    assert do_revoke_api_token(token, by=world["ana"]) is True
    assert do_revoke_api_token(token, by=world["ana"]) is False  # once is enough
    assert Client().get(PEOPLE, **bearer(text)).status_code == 401
    assert AuditEvent.objects.filter(verb="token_revoke").count() == 1

    _, text = do_create_api_token(world["sam"], name="sam's", scope="read", days=30)
    do_deactivate_user(world["sam"], by=world["admin"])
    assert Client().get(PEOPLE, **bearer(text)).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(world: World) -> None:
    client = Client()
    client.force_login(world["ana"])
    assert client.get(PEOPLE).status_code == 200
    assert client.get(PEOPLE, **bearer("kith_000000000000_nothing")).status_code == 401


def test_the_tokens_page_shows_a_new_token_once(world: World) -> None:
    client = Client()
    client.force_login(world["ana"])
    response = client.post(
        reverse("api_tokens"), {"name": "My script", "scope": "write", "days": "90"}
    )
    assert response.status_code == 200
    shown = re.search(
        r'<code class="kith-secret" id="new-token">(kith_[^<]+)</code>', response.content.decode()
    )
    assert shown
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.user) == ("My script", "write", world["ana"])
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 90
    assert Client().get(PEOPLE, **bearer(shown[1])).status_code == 200
    again = client.get(reverse("api_tokens")).content.decode()
    assert shown[1] not in again and f"kith_{token.prefix}_…" in again and "My script" in again


def test_the_tokens_page_says_what_is_wrong(world: World) -> None:
    client = Client()
    client.force_login(world["ana"])
    response = client.post(reverse("api_tokens"), {"name": "", "scope": "admin", "days": "7"})
    html = response.content.decode()
    assert "There is a problem" in html and "This field is required." in html
    assert "Select a valid choice. admin is not one of the available choices." in html
    assert not ApiToken.objects.exists()


def test_revoking_owner_or_admin_only(world: World) -> None:
    token, _ = do_create_api_token(world["ana"], name="Nightly export", scope="read", days=30)
    url = reverse("api_token_revoke", args=[token.pk])
    for other in ("sam", "lee", "dee"):
        client = Client()
        client.force_login(world[other])
        assert client.post(url).status_code == 404
        assert "Nightly export" not in client.get(reverse("api_tokens")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    admin = Client()
    admin.force_login(world["admin"])
    assert "Nightly export" in admin.get(reverse("api_tokens")).content.decode()
    assert admin.post(url)["Location"] == reverse("api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    owner_token, _ = do_create_api_token(world["ana"], name="mine", scope="read", days=30)
    owner = Client()
    owner.force_login(world["ana"])
    owner.post(reverse("api_token_revoke", args=[owner_token.pk]))
    owner_token.refresh_from_db()
    assert owner_token.revoked_at is not None
