"""The HSDS 3.0 tabular package: one CSV file per entity (``services.csv`` …).

Reached through :func:`kith.formats.hsds.read_hsds_csv` and
:func:`kith.formats.hsds.write_hsds_csv`. Cells are text; the reader turns the numeric HSDS
fields (``minimum_age``, ``latitude`` …) into numbers and leaves every other cell, known or
unknown column, as a string. An empty cell means "no value" (the field is left out).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any, Literal

from kith.formats.csv_safe import safe_row, unsafe_cell
from kith.formats.errors import FormatError
from kith.formats.hsds import ENTITIES, Directory, Record
from kith.formats.limits import DEFAULT_MAX_TABLE_BYTES, decode_utf8, read_limited

__all__ = ["read", "write"]

_INT = re.compile(r"-?\d+")


def _file_entities() -> dict[str, str]:
    names = {spec.table: name for name, spec in ENTITIES.items()}
    # The singular names some publishers (and the ORUK example package) use.
    for name in ENTITIES:
        names.setdefault(f"{name}.csv", name)
    return names


def _datapackage_entities(folder: Path) -> dict[str, str]:
    """File → entity from ``datapackage.json`` when it is a readable Data Package."""
    path = folder / "datapackage.json"
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return {}
    out: dict[str, str] = {}
    if isinstance(package, dict) and isinstance(package.get("resources"), list):
        for resource in package["resources"]:
            if isinstance(resource, dict):
                name, rpath = resource.get("name"), resource.get("path")
                if isinstance(name, str) and name in ENTITIES and isinstance(rpath, str):
                    out[rpath] = name
    return out


def _number(text: str) -> int | float:
    if _INT.fullmatch(text):
        return int(text)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def read(
    folder: str | Path,
    *,
    on_dangling: Literal["error", "keep"] = "error",
    max_bytes: int = DEFAULT_MAX_TABLE_BYTES,
) -> Directory:
    """Read every known CSV file in ``folder`` into a :class:`Directory`.

    Files are matched to entities by ``datapackage.json`` when it is a readable Data Package,
    else by name (``services.csv``, also the singular ``service.csv``). Files of no HSDS entity
    are ignored. A row must have an ``id``; the same id twice is merged, and a field with two
    different values is an error naming both lines. With ``on_dangling="error"`` a foreign key
    naming no record in the package (see ``hsds.FOREIGN_KEYS``) is an error; ``"keep"`` keeps
    it (the official HSDS example package has such references). A file over ``max_bytes``
    (default 1 GiB) is refused before it is read; text must be UTF-8.

    Raises :class:`FormatError` with file, line and field; nothing is returned on error.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FormatError("not a folder of HSDS CSV files", file=str(root))
    by_file = _file_entities() | _datapackage_entities(root)
    directory = Directory()
    where: dict[tuple[str, str], tuple[str, int]] = {}
    files = sorted(
        (p for p in root.glob("*.csv") if p.name in by_file),
        key=lambda p: (list(ENTITIES).index(by_file[p.name]), p.name),
    )
    for path in files:
        entity = by_file[path.name]
        spec = ENTITIES[entity]
        table = directory.table(entity)
        text = decode_utf8(read_limited(path, max_bytes), path)
        try:
            with io.StringIO(text, newline="") as handle:
                reader = csv.reader(handle, strict=True)
                header = next(reader, None)
                if header is None:
                    continue
                if "id" not in header:
                    raise FormatError(
                        "the header has no 'id' column", file=path, line=1, field="id"
                    )
                line = reader.line_num + 1
                for row in reader:
                    if not any(row):
                        line = reader.line_num + 1
                        continue
                    if len(row) != len(header):
                        raise FormatError(
                            f"expected {len(header)} cells as in the header, found {len(row)}",
                            file=path,
                            line=line,
                        )
                    rec: Record = {}
                    for column, cell in zip(header, row, strict=True):
                        if cell == "":
                            continue
                        if column in spec.numbers:
                            try:
                                rec[column] = _number(cell)
                            except ValueError:
                                raise FormatError(
                                    f"expected a number, found {cell!r}",
                                    file=path,
                                    line=line,
                                    field=column,
                                ) from None
                        else:
                            rec[column] = unsafe_cell(cell)
                    rid = rec.get("id")
                    if not isinstance(rid, str):
                        raise FormatError("this row has no id", file=path, line=line, field="id")
                    old = table.get(rid)
                    if old is None:
                        table[rid] = rec
                        where[(entity, rid)] = (path.name, line)
                    else:
                        for key, value in rec.items():
                            if key in old and old[key] != value:
                                first = where[(entity, rid)]
                                raise FormatError(
                                    f"{entity} {rid} appears twice with different values: "
                                    f"{old[key]!r} at {first[0]} line {first[1]}, {value!r} here",
                                    file=path,
                                    line=line,
                                    field=key,
                                )
                            old.setdefault(key, value)
                    line = reader.line_num + 1
        except csv.Error as exc:
            raise FormatError(f"not valid CSV: {exc}", file=path, line=line) from exc
        except UnicodeDecodeError as exc:
            raise FormatError(f"not UTF-8 text: {exc.reason}", file=path) from exc
    if on_dangling == "error":
        dangling = directory.dangling_references()
        if dangling:
            entity, rid, fk, target = dangling[0]
            file, line = where[(entity, rid)]
            more = f" ({len(dangling) - 1} more)" if len(dangling) > 1 else ""
            raise FormatError(
                f"refers to {target}, which is not in the package{more}",
                file=root / file,
                line=line,
                field=fk,
            )
    return directory


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def write(directory: Directory, folder: str | Path) -> list[Path]:
    """Write ``directory`` as the tabular package: every entity's CSV file plus
    ``datapackage.json``; returns the paths written.

    Links become foreign-key cells (:meth:`Directory.with_explicit_links`); the columns are the
    HSDS fields in schema order, then any unknown field in order of appearance. Lossy corners
    (see docs/formats-hsds.md): a second link on the same field, an empty string (read back as
    no value) and unknown non-scalar values (written as JSON text, read back as text).
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    flat = directory.with_explicit_links()
    written: list[Path] = []
    resources: list[dict[str, Any]] = []
    for entity, table in flat.tables():
        spec = ENTITIES[entity]
        columns = list(spec.fields)
        for rec in table.values():
            columns += [k for k in rec if k not in columns]
        path = root / spec.table
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(safe_row(columns))
            for rec in table.values():
                writer.writerow(safe_row(_cell(rec.get(c)) for c in columns))
        written.append(path)
        resources.append(
            {
                "name": entity,
                "path": spec.table,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c, "type": "number" if c in spec.numbers else "string"}
                        for c in columns
                    ],
                    "primaryKey": "id",
                },
            }
        )
    package = root / "datapackage.json"
    package.write_text(
        json.dumps(
            {"name": "hsds", "profile": "tabular-data-package", "resources": resources},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(package)
    return written
