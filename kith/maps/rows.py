"""Plain reads for the map pages: rows in one ``SELECT`` each, without a queryset.

The map page reads a few hundred rows per request, and building them through a queryset
(cloning, compiling the SQL, one model instance per row through ``__init__``) costs several
times the queries themselves. Here the SQL is written from the models' metadata (tables and
columns quoted by the backend), values go through the converters the ORM would apply (JSON
decoded, encrypted fields decrypted, and so on) and instances are made directly.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState

_M = TypeVar("_M", bound=models.Model)

_EMPTY_JSON = frozenset({"[]", "{}"})


def _is_plain_json(field: Any, converters: list[Any]) -> bool:
    """Whether a column's only converter is a JSON field's own decoding with the standard
    decoder (so ``"[]"`` and ``"{}"`` read as an empty list and dict, as it would give)."""
    return (
        isinstance(field, models.JSONField)
        and field.decoder is None
        and converters == [field.from_db_value]
    )


@dataclass(frozen=True)
class Columns:
    """Columns of one model in a ``SELECT``: their SQL and how to convert what they read."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    sql: str
    #: (position in the row, column expression, converters, plain JSON) of converted columns.
    converters: tuple[tuple[int, Any, list[Any], bool], ...]

    def convert(self, values: list[Any], start: int, connection: BaseDatabaseWrapper) -> None:
        """Convert in place the values of these columns, which start at ``start`` in the row."""
        for i, col, found, plain_json in self.converters:
            value = values[start + i]
            if plain_json and type(value) is str and value in _EMPTY_JSON:  # most are empty
                values[start + i] = [] if value == "[]" else {}
                continue
            for convert in found:
                value = convert(value, col, connection)
            values[start + i] = value


def columns(
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    attnames: Sequence[str] | None = None,
    table: str = "",
) -> Columns:
    """``attnames`` of ``model`` (every concrete field by default), qualified with ``table``
    (an alias in the ``FROM`` clause) when given."""
    meta = model._meta
    names = tuple(attnames or [f.attname for f in meta.concrete_fields])
    qn = connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    prefix = f"{qn(table)}." if table else ""
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, col, found, _is_plain_json(field, found)))
    return Columns(
        model,
        names,
        ", ".join(prefix + qn(field.column) for field in fields),
        tuple(converters),
    )


def fetch(
    connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any], *parts: Columns
) -> list[list[Any]]:
    """Rows of ``sql``, whose columns are ``parts`` one after the other, converted."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    out = []
    for row in rows:
        values = list(row)
        start = 0
        for part in parts:
            if part.converters:
                part.convert(values, start, connection)
            start += len(part.attnames)
        out.append(values)
    return out


def _placeholders(where: str) -> list[str]:
    """Field names written as ``{name}`` in a ``where`` of :func:`select`."""
    return [name for _, name, _, _ in string.Formatter().parse(where) if name]


def select(
    model: type[models.Model],
    attnames: Sequence[str],
    where: str,
    params: Sequence[Any],
    order: Sequence[str],
) -> tuple[str, list[list[Any]]]:
    """Rows of ``model`` in one plain ``SELECT`` (database alias, rows).

    ``attnames`` are field attnames (``map_id``); ``where`` names columns as ``{attname}``
    (quoted here), with ``%s`` placeholders for ``params``; ``order`` names attnames. A row is
    what ``values_list(*attnames)`` would give.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    cols = columns(model, connection, attnames)
    sql = "SELECT {} FROM {} WHERE {} ORDER BY {}".format(
        cols.sql,
        qn(meta.db_table),
        where.format(**{n: qn(meta.get_field(n).column) for n in _placeholders(where)}),
        ", ".join(qn(meta.get_field(n).column) for n in order),
    )
    return alias, fetch(connection, sql, params, cols)


def instance(model: type[_M], alias: str, attnames: Sequence[str], values: Sequence[Any]) -> _M:
    """A model instance of ``values`` (of every concrete field, in ``attnames`` order).

    What ``model.from_db`` makes, without ``Model.__init__`` (its per-field work and its
    ``pre_init``/``post_init`` signals cost more than the query on a large map). The instances
    are for showing a map: saving one works, but signal handlers that take a snapshot when an
    instance is loaded have none for it.
    """
    obj: _M = object.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    state = ModelState()
    state.adding, state.db = False, alias
    obj._state = state
    return obj


def instances(
    model: type[_M], alias: str, attnames: Sequence[str], rows: list[list[Any]]
) -> list[_M]:
    """:func:`instance` of each row."""
    return [instance(model, alias, attnames, row) for row in rows]
