"""``kith manage apply_retention [--dry-run]``: erase closed cases kept past the retention period.

A case closed more than ``KITH_RETENTION_YEARS`` years ago is erased with everything linked to
it (:func:`kith.people.actions.do_erase_person`, audited as "retention_delete"); records on legal
hold are kept and listed. Output names records by id and local reference, never by name.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kith.people.actions import do_apply_retention


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date like 2026-03-31") from None


class Command(BaseCommand):
    help = (
        "Erase closed cases whose closure is more than KITH_RETENTION_YEARS years ago (records "
        "on legal hold are kept and listed). --dry-run lists what would go and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be erased; change nothing."
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="Count from this date (default: today)."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help=f"Keep closed cases this many years (default KITH_RETENTION_YEARS, "
            f"now {settings.KITH_RETENTION_YEARS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"]
        if years is not None and years < 1:
            raise CommandError(f"--years {years}: expected a whole number of years, 1 or more")
        dry_run: bool = options["dry_run"]
        run = do_apply_retention(
            options["today"] or timezone.localdate(), dry_run=dry_run, years=years
        )
        verb = "would be erased" if dry_run else "erased"
        self.stdout.write(f"Cases closed on or before {run.cutoff:%Y-%m-%d}:")
        for person_id, reference, closed_on in run.due:
            self.stdout.write(
                f"  record {person_id}{_ref(reference)}, closed {closed_on:%Y-%m-%d}: {verb}"
            )
        for person_id, reference, closed_on in run.held:
            self.stdout.write(
                f"  record {person_id}{_ref(reference)}, closed {closed_on:%Y-%m-%d}: "
                "kept (legal hold)"
            )
        self.stdout.write(
            f"{len(run.due)} {verb}, {len(run.held)} kept on legal hold"
            + (" (dry run: nothing changed)" if dry_run else "")
        )


def _ref(reference: str) -> str:
    return f" (reference {reference})" if reference else ""
