"""Serving the web app: ``kith serve`` calls :func:`serve`.

:func:`serve` applies migrations, collects static files when the sources are newer than the
collected copy, and runs gunicorn in this process (its master forks the workers).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed, compressed storage that falls back to plain names when the manifest
    does not know a file (as in tests, which never run ``collectstatic``)."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()


def _static_sources_newer(manifest: Path) -> bool:
    from django.contrib.staticfiles.finders import get_finders

    if not manifest.exists():
        return True
    collected_at = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if Path(storage.path(path)).stat().st_mtime > collected_at:
                return True
    return False


def prepare(stdout: Any = None) -> None:
    """Apply migrations and collect static files if needed (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    out = stdout or sys.stdout
    call_command("migrate", interactive=False, verbosity=0, stdout=out)
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if _static_sources_newer(manifest):
        # No --clear: another running instance may still serve the previous hashed files.
        call_command("collectstatic", interactive=False, verbosity=0, stdout=out)
        manifest.touch()


def gunicorn_options(host: str, port: int, workers: int | None = None) -> dict[str, Any]:
    """Gunicorn settings: access log without query strings or client addresses."""
    if workers is None:
        workers = int(os.environ.get("KITH_WORKERS", "0") or 0) or min(4, (os.cpu_count() or 1) + 1)
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        # %(U)s is the path without the query string: search terms never reach the log.
        "access_log_format": '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        # No control socket in the home folder (several instances would share its path).
        "control_socket_disable": True,
        "forwarded_allow_ips": os.environ.get("KITH_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Migrate, collect static files if needed, then serve with gunicorn until stopped."""
    setup_django()
    prepare()
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    connections.close_all()  # never share a database connection with forked workers

    class KithApplication(BaseApplication):  # type: ignore[misc]
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from kith.wsgi import application

            return application

    print(f"Kith is serving on http://{host}:{port}/ (Ctrl+C stops it)", flush=True)
    KithApplication(gunicorn_options(host, port, workers)).run()
