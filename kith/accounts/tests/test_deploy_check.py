"""Production settings: ``kith manage check --deploy --fail-level WARNING`` passes with a long
random KITH_SECRET_KEY and KITH_ALLOWED_HOSTS set (DESIGN.md's contract; docs/security.md
"Headers and deployment"), and refuses a deployment that relaxes MFA.

Settings are read once per process, so each case runs the real command in a fresh process
with only the environment a deployment would have.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

#: Variables of the test machine that would change what is checked; a deployment sets its own.
_DROPPED = (
    "KITH_DEBUG",
    "KITH_HTTPS",
    "KITH_MFA_REQUIRED",
    "KITH_SECRET_KEY",
    "KITH_ENCRYPTION_KEYS",
    "KITH_KEY_FILE",
    "DJANGO_SETTINGS",
    # Set by the browser tests' fixture in the same pytest process; a deployment never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def in_production(data_dir: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python command…`` with the environment of a deployment (plus ``env``)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    environment.update(
        KITH_SECRET_KEY=secrets.token_urlsafe(64),
        KITH_ALLOWED_HOSTS="kith.example.org",
        # As docs/security.md tells operators: the encryption keys from outside the data folder.
        KITH_ENCRYPTION_KEYS="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        KITH_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="kith.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, *command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    command = ("-m", "kith.cli", "manage", "check", "--deploy", "--fail-level", "WARNING")
    return in_production(data_dir, *command, **env)


def test_the_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_refuses_debug(tmp_path: Path) -> None:
    """The check is real: the same settings with KITH_DEBUG on fail it (security.W018)."""
    result = deploy_check(tmp_path, KITH_DEBUG="on")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_the_deploy_check_refuses_a_deployment_without_mfa(tmp_path: Path) -> None:
    """KITH_MFA_REQUIRED=off is for the demo only (issue 6): production settings refuse it."""
    result = deploy_check(tmp_path, KITH_MFA_REQUIRED="off")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "KITH_MFA_REQUIRED" in result.stdout + result.stderr


_REQUESTS = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="kith.example.org")
plain = client.get("/accounts/login/")
print("redirect", plain.status_code, plain["Location"])
secure = client.get("/healthz", secure=True)
print("hsts", secure["Strict-Transport-Security"])
"""


def test_production_redirects_to_https_and_sends_hsts(tmp_path: Path) -> None:
    result = in_production(tmp_path, "-c", _REQUESTS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "redirect 301 https://kith.example.org/accounts/login/",
        # One year (KITH_HSTS_SECONDS' default), subdomains included.
        "hsts max-age=31536000; includeSubDomains",
    ]
