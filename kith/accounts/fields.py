"""Model fields encrypted at rest: plain values in Python, ``v1:<key id>:…`` in the database.

:class:`EncryptedCharField`, :class:`EncryptedTextField` and :class:`EncryptedJSONField`
behave like ``CharField``, ``TextField`` and ``JSONField`` everywhere but SQL: forms and
``full_clean`` check ``max_length`` on the plaintext, and the column is ``text`` (a ciphertext
is longer than its plaintext). Each value is encrypted with the current key of the ring
(:mod:`kith.crypto`) and bound to its ``table.column``. Empty strings and ``NULL`` stay as
they are: an empty note is not a secret, and keeping them lets "blank" stay cheap.

The database cannot compare ciphertexts (each encryption of the same text differs), so
filtering on an encrypted field raises :class:`~django.core.exceptions.FieldError` straight
away instead of silently matching nothing; only ``isnull`` is allowed. Sort and search in
Python after reading (see ``kith.people.access.people_in_order``). Meta.ordering must not name
an encrypted field (``kith/accounts/tests/test_encryption.py`` checks every model).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.signals import setting_changed
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations import RunPython
from django.dispatch import receiver

from kith.crypto import EncryptionError, KeyRing, is_ciphertext, load_keyring

_ring: KeyRing | None = None


def keyring() -> KeyRing:
    """The key ring from the settings (read once per process)."""
    global _ring
    if _ring is None:
        _ring = load_keyring(settings.KITH_ENCRYPTION_KEYS, settings.KITH_KEY_FILE)
    return _ring


def forget_keyring() -> None:
    """Read the key ring again on next use (after the keys changed)."""
    global _ring
    _ring = None


@receiver(setting_changed)
def _keys_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting in {"KITH_ENCRYPTION_KEYS", "KITH_KEY_FILE"}:
        forget_keyring()


def column_context(table: str, column: str) -> str:
    """The associated data binding a value to its place (the same for historical models)."""
    return f"{table}.{column}"


class EncryptedMixin:
    """Encrypt on the way into the database, decrypt on the way out."""

    encrypted = True
    model: type[models.Model]
    column: str
    name: str

    def context(self) -> str:
        return column_context(self.model._meta.db_table, self.column)

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        return models.TextField().db_type(connection)

    def db_check(self, connection: BaseDatabaseWrapper) -> str | None:
        return None  # a ciphertext is not JSON: no JSON_VALID check on SQLite

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return keyring().encrypt(str(value), self.context())

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "":
            return value
        return keyring().decrypt(value, self.context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted in the database, so SQL cannot "
            f"compare it ({lookup_name!r}): read the rows and filter or sort them in Python"
        )

    def get_transform(self, lookup_name: str) -> Any:
        return self.get_lookup(lookup_name)


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    """A ``CharField`` (``max_length`` counts plaintext characters) stored encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    """A ``TextField`` stored encrypted."""


class EncryptedJSONField(EncryptedMixin, models.JSONField):  # type: ignore[misc]
    """A ``JSONField`` stored as encrypted JSON text (``NULL`` stays ``NULL``)."""

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if value is None:
            return None
        return keyring().encrypt(json.dumps(value, cls=self.encoder), self.context())

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        return json.loads(keyring().decrypt(value, self.context()), cls=self.decoder)


def encrypted_fields(
    app_registry: Any = global_apps,
) -> Iterator[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Every concrete model with encrypted fields, and those fields."""
    for model in app_registry.get_models():
        found = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if found and not model._meta.proxy:
            yield model, found


def rewrite_columns(
    connection: BaseDatabaseWrapper,
    table: str,
    pk_column: str,
    columns: Sequence[str],
    rewrite: Callable[[str, str], str | None],
    *,
    chunk: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Apply ``rewrite(value, context)`` to every non-empty value of ``columns`` of ``table``.

    Reads raw column values (no model, no converters) in chunks of ``chunk`` rows by primary
    key, and writes back the values ``rewrite`` changes (``None`` = leave as it is). Runs in the
    caller's transaction. Returns the number of values rewritten; ``progress(rows)`` is called
    after each chunk with the rows read.
    """
    qn = connection.ops.quote_name
    contexts = [column_context(table, c) for c in columns]
    select = "SELECT {pk}, {cols} FROM {table} {{where}} ORDER BY {pk} LIMIT %s".format(
        pk=qn(pk_column), cols=", ".join(qn(c) for c in columns), table=qn(table)
    )
    changed = 0
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(select.format(where=""), [chunk])
            else:
                cursor.execute(select.format(where=f"WHERE {qn(pk_column)} > %s"), [last, chunk])
            rows = cursor.fetchall()
            if not rows:
                break
            for pk, *values in rows:
                updates = {}
                for column, context, value in zip(columns, contexts, values, strict=True):
                    if value is None or value == "":
                        continue
                    try:
                        new = rewrite(value, context)
                    except EncryptionError as error:
                        raise type(error)(f"row {pk}: {error}") from None
                    if new is not None and new != value:
                        updates[column] = new
                if updates:
                    cursor.execute(
                        "UPDATE {} SET {} WHERE {} = %s".format(
                            qn(table),
                            ", ".join(f"{qn(c)} = %s" for c in updates),
                            qn(pk_column),
                        ),
                        [*updates.values(), pk],
                    )
                    changed += len(updates)
            last = rows[-1][0]
            if progress is not None:
                progress(len(rows))
    return changed


def encrypt_columns(app_label: str, fields: dict[str, Sequence[str]]) -> RunPython:
    """A migration step encrypting the existing plaintext of ``fields`` (model name → field
    names); reversed, it decrypts them again. Put it after the ``AlterField`` steps."""

    def run(apps: Any, schema_editor: Any, *, forwards: bool) -> None:
        ring = keyring()

        def encrypt(value: str, context: str) -> str | None:
            if is_ciphertext(value):
                try:
                    ring.decrypt(value, context)
                    return None  # already encrypted (a migration run again after a failure)
                except EncryptionError:
                    pass
            return ring.encrypt(value, context)

        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            meta = model._meta
            rewrite_columns(
                schema_editor.connection,
                meta.db_table,
                meta.pk.column,
                [meta.get_field(n).column for n in names],
                encrypt if forwards else ring.decrypt,
            )

    def forwards(apps: Any, schema_editor: Any) -> None:
        run(apps, schema_editor, forwards=True)

    def backwards(apps: Any, schema_editor: Any) -> None:
        run(apps, schema_editor, forwards=False)

    return RunPython(forwards, backwards, elidable=False)
