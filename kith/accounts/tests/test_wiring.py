"""Settings, health check, static files and the gunicorn server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from kith import settings as kith_settings
from kith.server import gunicorn_options

REPO = Path(__file__).resolve().parents[3]


def test_healthz_checks_the_database(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_security_headers(db: None) -> None:
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_database_settings(db: None) -> None:
    """SQLite: IMMEDIATE transactions, WAL and foreign keys; otherwise PostgreSQL from the URL."""
    if connection.vendor == "sqlite":
        options = connection.settings_dict["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    else:
        assert connection.vendor == "postgresql"
        assert os.environ.get("DATABASE_URL")
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_env_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KITH_X", "yes")
    assert kith_settings.env_bool("KITH_X") is True
    monkeypatch.setenv("KITH_X", "off")
    assert kith_settings.env_bool("KITH_X", True) is False
    monkeypatch.setenv("KITH_X", "maybe")
    with pytest.raises(ValueError, match="KITH_X"):
        kith_settings.env_bool("KITH_X")
    monkeypatch.setenv("KITH_X", "a.example, b.example")
    assert kith_settings.env_list("KITH_X", []) == ["a.example", "b.example"]
    monkeypatch.delenv("KITH_X")
    assert kith_settings.env_int("KITH_X", 3) == 3


def test_access_log_never_contains_query_strings() -> None:
    options = gunicorn_options("127.0.0.1", 8000, workers=1)
    assert "%(U)s" in options["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(h)s", "%(u)s"):
        assert leaky not in options["access_log_format"]


def test_collectstatic_with_hashed_names(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        from kith.server import StaticFilesStorage

        assert (tmp_path / "staticfiles.json").exists()
        hashed = StaticFilesStorage().url("kith/kith.css")
        assert hashed.startswith("/static/kith/kith.") and hashed != "/static/kith/kith.css"
    assert (tmp_path / "vendor/govuk-frontend/LICENSE.txt").exists()
    assert (tmp_path / "vendor/htmx/LICENSE.txt").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.slow
def test_serve_migrates_collects_and_answers(tmp_path: Path) -> None:
    """`kith.server.serve` on an empty data folder: SQLite file made, static files served."""
    port = _free_port()
    env = {**os.environ, "KITH_DATA_DIR": str(tmp_path), "KITH_WORKERS": "1"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", f"from kith.server import serve; serve('127.0.0.1', {port})"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # Migrating a new database and collecting static files take a while on a busy machine.
        deadline = time.monotonic() + 180
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    # Stop the server first: reading the output of a live one never ends.
                    proc.terminate()
                    output, _ = proc.communicate(timeout=20)
                    raise AssertionError(output.decode()) from None
                time.sleep(0.3)
        assert (status, body) == (200, b"ok")
        status, page = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        css = page.decode().split('href="/static/kith/kith.')[1].split('"')[0]
        status, _ = _get(f"http://127.0.0.1:{port}/static/kith/kith.{css}")
        assert status == 200 and css.endswith(".css") and css != "css"
        assert (tmp_path / "kith.sqlite3").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
