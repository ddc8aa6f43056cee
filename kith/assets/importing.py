"""Reading an HSDS / Open Referral UK source for import: a file, a folder or an http(s) URL.

Everything is read and checked before anything is written: structure by
:mod:`kith.formats.hsds` (located :class:`FormatError`), then every record against the
official JSON schemas of the profile (HSDS 3.0 or ORUK) in ``KITH_HSDS_SCHEMA_DIR`` (default
``../shared/data/<profile>/schema``). Paginated API feeds are followed page by page.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from kith.formats import hsds
from kith.formats.errors import FormatError
from kith.formats.limits import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    DEFAULT_MAX_TABLE_BYTES,
    decode_utf8,
    parse_json,
    read_utf8,
)

MAX_PAGES = 10_000
TIMEOUT_SECONDS = 30
MAX_ERRORS = 20


class ImportRejected(Exception):
    """The source does not validate; nothing was imported. ``errors``: located problems."""

    def __init__(self, errors: list[FormatError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:MAX_ERRORS])
        more = f"\n  … and {len(errors) - MAX_ERRORS} more" if len(errors) > MAX_ERRORS else ""
        super().__init__(f"{len(errors)} problem(s); nothing was imported:\n{shown}{more}")


@dataclass
class Source:
    """A read and checked source."""

    name: str
    directory: hsds.Directory
    profile: hsds.Profile
    warnings: list[str] = field(default_factory=list)


def schema_dir(profile: hsds.Profile) -> Path | None:
    configured = getattr(settings, "KITH_HSDS_SCHEMA_DIR", "")
    if configured:
        return Path(configured) / profile / "schema"
    return None


def _profile_of(raw: Any, requested: str | None) -> hsds.Profile:
    if requested in ("hsds", "oruk"):
        return requested  # type: ignore[return-value]
    text = json.dumps(raw)[:20000].lower() if raw is not None else ""
    return "oruk" if "openreferraluk" in text or "uk-profile" in text else "hsds"


def _kind(raw: Any, name: str, kind: str | None) -> str | None:
    if kind:
        return kind
    from_name = hsds._entity_from_name(name)
    if from_name:
        return from_name
    records = raw.get("contents") if isinstance(raw, dict) and "contents" in raw else raw
    first = records[0] if isinstance(records, list) and records else records
    return hsds.guess_entity(first) if isinstance(first, dict) else None


def _check_json(raw: Any, name: str, kind: str | None, profile: hsds.Profile) -> list[FormatError]:
    if isinstance(raw, dict) and set(raw) and all(k.endswith(".csv") for k in raw):
        # The tabular JSON form: flat records per table.
        errors = []
        tables = {spec.table: n for n, spec in hsds.ENTITIES.items()}
        for table, rows in raw.items():
            entity = tables.get(table)
            if entity and isinstance(rows, list):
                errors += _check_flat(rows, entity, profile, f"{name} {table}", tabular=True)
        return errors
    if isinstance(raw, dict) and set(raw) <= {"version", "profile", "openapi_url"}:
        return []  # the API root document holds no records
    entity = _kind(raw, name, kind)
    if entity is None:
        return [FormatError("cannot tell which HSDS entity these records are", file=name)]
    return hsds.validate(raw, entity, profile, schema_dir=schema_dir(profile), file=name)


def _check_flat(
    rows: list[Any], entity: str, profile: hsds.Profile, file: str, *, tabular: bool = False
) -> list[FormatError]:
    """Check flat (tabular) records against the entity's schema.

    ``tabular``: a number where the schema says string is accepted, as in a CSV cell (the
    official ``tabular.json`` example writes UPRNs and identifiers as numbers).
    """
    folder = schema_dir(profile) or hsds.default_schema_dir(profile)
    if not (folder / f"{entity}.json").is_file():
        return []  # the profile does not define this entity (ORUK has no program, …)
    errors = []
    for row in rows:
        flat = {k: v for k, v in row.items() if v is not None}
        for error in hsds.validate(flat, entity, profile, schema_dir=schema_dir(profile)):
            # Flat tabular records leave out nested arrays that per-entity schemas require.
            if "required" in error.problem and error.field in hsds.RELATIONS.get(entity, {}):
                continue
            if tabular and re.fullmatch(r"-?[0-9.]+ is not of type 'string'", error.problem):
                continue
            errors.append(
                FormatError(
                    error.problem, file=file, record=f"id {row.get('id')}", field=error.field
                )
            )
    return errors


def _fetch(url: str, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Any:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https"):
        raise FormatError("only http:// and https:// addresses can be imported", file=url)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(max_bytes + 1)
    except OSError as error:
        raise FormatError(f"could not fetch: {error}", file=url) from None
    if len(body) > max_bytes:
        raise FormatError(
            f"the response is over the limit of {max_bytes} bytes (raise it with --max-bytes)",
            file=url,
        )
    return parse_json(decode_utf8(body, url), url)


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["page"] = str(page)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def read_source(
    source: str | Path,
    *,
    profile: str | None = None,
    kind: str | None = None,
    max_bytes: int | None = None,
) -> Source:
    """Read and check a file, a CSV package folder or an http(s) URL; raise if anything is wrong.

    ``max_bytes``: the largest file (or fetched page) read; default 256 MiB for JSON
    (:data:`~kith.formats.limits.DEFAULT_MAX_DOCUMENT_BYTES`), 1 GiB for each CSV file.
    """
    text = str(source)
    if text.startswith(("http://", "https://")) or "://" in text:
        return _read_url(text, profile, kind, max_bytes or DEFAULT_MAX_DOCUMENT_BYTES)
    path = Path(text)
    if path.is_dir():
        directory = hsds.read_hsds_csv(
            path, on_dangling="keep", max_bytes=max_bytes or DEFAULT_MAX_TABLE_BYTES
        )
        chosen = _profile_of(None, profile)
        errors = []
        for entity, table in directory.with_explicit_links().tables():
            if table:
                errors += _check_flat(
                    list(table.values()), entity, chosen, str(path / hsds.ENTITIES[entity].table)
                )
        if errors:
            raise ImportRejected(errors)
        return Source(text, directory, chosen, _dangling(directory))
    if not path.is_file():
        raise FormatError("no such file or folder", file=path)
    raw = parse_json(read_utf8(path, max_bytes or DEFAULT_MAX_DOCUMENT_BYTES), path)
    chosen = _profile_of(raw, profile)
    entity = None if _is_tabular_or_root(raw) else _kind(raw, path.name, kind)
    try:
        directory = hsds.read_hsds_json(raw, kind=entity) if entity else hsds.read_hsds_json(raw)
    except FormatError as error:
        raise _in_file(error, path) from None
    errors = _check_json(raw, str(path), entity, chosen)
    if errors:
        raise ImportRejected(errors)
    return Source(text, directory, chosen, _dangling(directory))


def _in_file(error: FormatError, file: str | Path) -> FormatError:
    """``error`` (from records already parsed) with the file they came from."""
    if error.file is not None:
        return error
    return FormatError(
        error.problem, file=file, line=error.line, record=error.record, field=error.field
    )


def _is_tabular_or_root(raw: Any) -> bool:
    return (
        isinstance(raw, dict)
        and bool(raw)
        and (
            all(k.endswith(".csv") for k in raw)
            or set(raw) <= {"version", "profile", "openapi_url"}
        )
    )


def _dangling(directory: hsds.Directory) -> list[str]:
    return [
        f"{entity} {rid}: {fk} names {target}, which is not in this source"
        for entity, rid, fk, target in directory.dangling_references()
    ]


def _read_url(url: str, profile: str | None, kind: str | None, max_bytes: int) -> Source:
    first = _fetch(url, max_bytes)
    chosen = _profile_of(first, profile)
    name = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or url
    entity = _kind(first, name, kind)
    pages = [first]
    if isinstance(first, dict) and "contents" in first:
        total = first.get("total_pages")
        number = first.get("page_number") or 1
        if isinstance(total, int) and isinstance(number, int):
            for page in range(number + 1, min(total, MAX_PAGES) + 1):
                pages.append(_fetch(_with_page(url, page), max_bytes))
    errors: list[FormatError] = []
    for i, page in enumerate(pages):
        where = url if i == 0 else _with_page(url, i + 1)
        errors += _check_json(page, where, entity, chosen)
    if errors:
        raise ImportRejected(errors)
    records: list[Any] = []
    for page in pages:
        records += (
            page["contents"]
            if isinstance(page, dict) and "contents" in page
            else (page if isinstance(page, list) else [page])
        )
    directory = hsds.read_hsds_json(records, kind=entity) if entity else hsds.read_hsds_json(first)
    return Source(url, directory, chosen, _dangling(directory))
