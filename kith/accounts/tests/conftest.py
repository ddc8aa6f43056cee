from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.core.internal import ratelimit
from django.utils import timezone

from kith.accounts.testing import World, make_world

PASSWORD = "a long enough passphrase"


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # Real hashing costs ~0.3 s a sign-in; the tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def with_passwords(world: World, fast_passwords: None) -> World:
    """The world, every user with password :data:`PASSWORD`."""
    for user in world.users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return world


class Clock:
    """The time as Kith and allauth's rate limits see it, moved on by hand (no sleeping)."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fake.now)
    # allauth's rate limits read time.time(); its lock's waiting uses the real monotonic clock.
    shim = SimpleNamespace(
        time=lambda: fake.now.timestamp(), monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(ratelimit, "time", shim)
    yield fake
