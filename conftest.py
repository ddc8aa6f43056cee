"""Test-wide fixtures and the KITH_REQUIRE_ALL rule.

Tests that need something outside the project (the shared reference data, Chromium, a
PostgreSQL server, WeasyPrint's system libraries) call :func:`require`. On a developer's
machine a missing dependency skips the test with the reason; with ``KITH_REQUIRE_ALL=1``
(as in CI) it fails instead, so nothing is skipped silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# The machines are shared and noisy: property tests are judged on what they find, not on speed.
settings.register_profile(
    "kith", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("kith")

REPO_ROOT = Path(__file__).resolve().parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def require(condition: bool, what: str) -> None:
    """Skip (or, with KITH_REQUIRE_ALL=1, fail) when a system dependency is missing."""
    if condition:
        return
    message = f"missing system dependency: {what}"
    if os.environ.get("KITH_REQUIRE_ALL") == "1":
        pytest.fail(message + " (KITH_REQUIRE_ALL=1 turns this skip into a failure)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only external reference data in ../shared/data."""
    require(SHARED_DATA.is_dir(), f"reference data folder {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _mfa_not_required(settings: Any) -> None:
    """Tests sign in with ``client.force_login`` and no authenticator app: MFA enforcement is
    off unless a test turns it on (kith/accounts/tests/test_mfa.py does)."""
    settings.KITH_MFA_REQUIRED = False
