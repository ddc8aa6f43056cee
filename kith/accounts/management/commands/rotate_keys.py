"""``kith manage rotate_keys``: re-encrypt every encrypted column with the current key.

Put the new key first in ``KITH_ENCRYPTION_KEYS`` (or let ``--new-key`` add one to the key
file), keep the old keys after it, and run this. Each table is re-encrypted in one
transaction, in chunks of rows; a value already under the current key is left alone, so a
run stopped half-way can simply be run again. Afterwards no value needs the old keys, and they
can be taken out of the ring (keep them with the backups made before the rotation).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, router, transaction

from kith.accounts.fields import encrypted_fields, forget_keyring, keyring, rewrite_columns
from kith.crypto import EncryptionError, KeyRing, add_key_to_file, key_id_of


def reencrypt(ring: KeyRing, value: str, context: str) -> str | None:
    """``value`` under the current key, or ``None`` when it already is."""
    if key_id_of(value) == ring.current_id:
        return None
    return ring.encrypt(ring.decrypt(value, context), context)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column with the current key of the key ring."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="first add a fresh key to the key file and make it current",
        )
        parser.add_argument(
            "--chunk", type=int, default=500, help="rows read and written at a time (500)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["new_key"]:
                if settings.KITH_ENCRYPTION_KEYS:
                    raise CommandError(
                        "--new-key adds a key to the key file, but the keys come from "
                        "KITH_ENCRYPTION_KEYS: put a new id:base64key first there instead"
                    )
                added = add_key_to_file(settings.KITH_KEY_FILE)
                forget_keyring()
                self.stdout.write(f"Added key {added} to {settings.KITH_KEY_FILE}; it is current.")
            ring = keyring()
        except EncryptionError as error:
            raise CommandError(str(error)) from None
        chunk = max(1, options["chunk"])
        total_rows = total_values = 0
        columns_done: list[str] = []
        for model, fields in encrypted_fields():
            meta = model._meta
            connection = connections[router.db_for_write(model)]
            columns = [f.column for f in fields]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(meta.db_table)}")
                (rows,) = cursor.fetchone()
            with (
                self._progress(meta.db_table, rows) as advance,
                transaction.atomic(using=connection.alias),
            ):
                try:
                    changed = rewrite_columns(
                        connection,
                        meta.db_table,
                        meta.pk.column,
                        columns,
                        lambda value, context: reencrypt(ring, value, context),
                        chunk=chunk,
                        progress=advance,
                    )
                except EncryptionError as error:
                    raise CommandError(f"{error}; nothing in {meta.db_table} was changed") from None
            self.stdout.write(
                f"{meta.db_table}: {rows} rows, {changed} values re-encrypted "
                f"({', '.join(columns)})"
            )
            total_rows += rows
            total_values += changed
            columns_done += [f"{meta.db_table}.{c}" for c in columns]
        self._audit(ring, columns_done, total_values)
        others = [k for k in ring.key_ids if k != ring.current_id]
        self.stdout.write(
            f"Done: {total_values} values in {total_rows} rows re-encrypted with key "
            f"{ring.current_id}."
            + (
                f" No value needs {', '.join(others)} any more: take "
                f"{'it' if len(others) == 1 else 'them'} out of the ring once no backup you "
                f"keep needs {'it' if len(others) == 1 else 'them'}."
                if others
                else ""
            )
        )

    @staticmethod
    @contextmanager
    def _progress(table: str, total: int) -> Iterator[Callable[[int], object]]:
        """``advance(rows)`` drawing a bar on a terminal, silent when piped."""
        from tqdm import tqdm

        bar = tqdm(
            desc=table, total=total, unit="row", file=sys.stderr, disable=not sys.stderr.isatty()
        )
        try:
            yield bar.update
        finally:
            bar.close()

    @staticmethod
    def _audit(ring: KeyRing, columns: list[str], values: int) -> None:
        if not apps.is_installed("kith.audit"):
            return
        from kith.audit.log import record

        record(
            "rotate_keys",
            "kith.keys",
            object_id=ring.current_id,
            fields=columns,
            reason=f"{values} values re-encrypted with key {ring.current_id}",
        )
