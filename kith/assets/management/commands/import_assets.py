"""``kith import-assets PATH|URL``: import an HSDS / Open Referral UK directory."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kith.assets.actions import do_import_directory
from kith.assets.importing import ImportRejected, read_source
from kith.cli import byte_size
from kith.formats.errors import FormatError


class Command(BaseCommand):
    help = (
        "Import HSDS 3 / Open Referral UK data: a JSON file (record, list, API page, tabular "
        "JSON), a CSV package folder, or an http(s) URL of an API feed (pages are followed). "
        "Checked against the official schemas first; all or nothing; re-import updates by id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="file, folder or http(s) URL")
        parser.add_argument("--profile", choices=["hsds", "oruk"], default=None)
        parser.add_argument("--kind", default=None, help="HSDS entity of the top-level records")
        parser.add_argument(
            "--max-bytes",
            type=byte_size,
            default=None,
            help="largest file read (e.g. 2G; default 256M for JSON, 1G per CSV file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = read_source(
                options["source"],
                profile=options["profile"],
                kind=options["kind"],
                max_bytes=options["max_bytes"],
            )
        except (FormatError, ImportRejected) as error:
            raise CommandError(str(error)) from None
        summary = do_import_directory(source.directory, source=source.name)
        for warning in source.warnings[:10]:
            self.stderr.write(f"note: {warning}")
        if len(source.warnings) > 10:
            self.stderr.write(
                f"note: … {len(source.warnings) - 10} more references to records not in this source"
            )
        self.stdout.write(f"Imported {source.name} ({source.profile.upper()}): {summary}.")
