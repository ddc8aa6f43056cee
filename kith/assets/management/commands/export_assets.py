"""``kith export-assets [-o OUT] [--format json|csv]``: the directory as HSDS 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kith.assets.export import load_directory
from kith.formats import hsds


class Command(BaseCommand):
    help = (
        "Export the directory as HSDS 3: JSON (a list of nested services, or --kind another "
        "entity) to a file or standard output, or the tabular CSV package (--format csv, -o "
        "FOLDER). Private records (individuals) are never exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", default=None)
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--kind", default="service", choices=sorted(hsds.ENTITIES))

    def handle(self, *args: Any, **options: Any) -> None:
        directory = load_directory()
        if options["format"] == "csv":
            if not options["output"]:
                raise CommandError("--format csv needs -o FOLDER")
            written = hsds.write_hsds_csv(directory, Path(options["output"]))
            self.stderr.write(f"{len(written)} files written to {options['output']}")
            return
        records = hsds.write_hsds_json(directory, options["kind"])
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(records)} {options['kind']} records → {options['output']}")
        else:
            self.stdout.write(text, ending="")
