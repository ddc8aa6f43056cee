"""``kith manage import_postcodes FILE.csv``: postcode centroids for postcode look-ups.

Reads an ONS Postcode Directory style CSV (columns ``pcds`` or ``pcd`` or ``postcode``, and
``lat``/``long`` or ``latitude``/``longitude``). Rows without coordinates (the ONS file marks
them 99.999999) are skipped. All or nothing; re-import replaces by postcode.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kith.assets.models import Postcode
from kith.assets.search import normalise_postcode

CODE_COLUMNS = ("pcds", "pcd", "postcode", "pcd2")
LAT_COLUMNS = ("lat", "latitude")
LON_COLUMNS = ("long", "lon", "lng", "longitude")


def _column(header: list[str], names: tuple[str, ...], path: Path) -> str:
    lowered = {h.strip().lower(): h for h in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise CommandError(f"{path}, line 1: no column named {' or '.join(names)}")


class Command(BaseCommand):
    help = "Import postcode centroids from an ONS Postcode Directory style CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        rows: dict[str, Postcode] = {}
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            code_col = _column(header, CODE_COLUMNS, path)
            lat_col = _column(header, LAT_COLUMNS, path)
            lon_col = _column(header, LON_COLUMNS, path)
            for line, row in enumerate(reader, start=2):
                code = normalise_postcode(row.get(code_col) or "")
                if not code:
                    raise CommandError(f"{path}, line {line}, field '{code_col}': not a postcode")
                try:
                    lat, lon = float(row[lat_col]), float(row[lon_col])
                except (TypeError, ValueError):
                    raise CommandError(
                        f"{path}, line {line}, field '{lat_col}'/'{lon_col}': expected numbers"
                    ) from None
                if lat > 90 or lon > 180 or lat < -90 or lon < -180:
                    continue  # ONS marks postcodes without a grid reference with 99.999999
                rows[code] = Postcode(postcode=code, latitude=lat, longitude=lon)
        with transaction.atomic():
            Postcode.objects.bulk_create(
                rows.values(),
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["postcode"],
                update_fields=["latitude", "longitude"],
            )
        self.stdout.write(f"{len(rows)} postcodes imported from {path}.")
