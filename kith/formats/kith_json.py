"""Kith JSON: one or many maps, read and write.

A file is a collection ``{"kith": "map", "version": 1, "maps": [<map>, ...]}`` where each map
is what :meth:`kith.network.model.Network.as_dict` returns; a file holding a single map object
is read too. Input is checked against the published JSON Schema
(``docs/kith-map.schema.json``, shipped as ``kith/formats/kith-map.schema.json``), then by the
model; every error names the file, the JSON path of the record (``maps[3].members[2]``) and
the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kith.formats.errors import FormatError
from kith.formats.graphml import write_text_atomic
from kith.formats.limits import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    parse_json,
    read_limited,
    refuse_wide_or_binary,
)
from kith.network.model import Member, Network, NetworkError, Tie

__all__ = [
    "FORMAT_VERSION",
    "networks_from_data",
    "networks_to_data",
    "read_kith_json",
    "schema",
    "write_kith_json",
]

FORMAT_VERSION = 1
SCHEMA_FILE = "kith-map.schema.json"


@cache
def _schema_text() -> str:
    return resources.files("kith.formats").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    """The Kith map JSON Schema (draft 2020-12), as a new dict."""
    data: dict[str, Any] = json.loads(_schema_text())
    return data


@cache
def _validators() -> tuple[Any, Any]:
    from jsonschema import Draft202012Validator

    full = schema()
    collection = Draft202012Validator({"$ref": "#/$defs/collection", "$defs": full["$defs"]})
    single = Draft202012Validator({"$ref": "#/$defs/map", "$defs": full["$defs"]})
    return collection, single


def networks_to_data(networks: Iterable[Network]) -> dict[str, Any]:
    """The JSON-ready collection object for ``networks``."""
    return {
        "kith": "map",
        "version": FORMAT_VERSION,
        "maps": [n.as_dict() for n in networks],
    }


def write_kith_json(networks: Iterable[Network], path: str | Path) -> None:
    """Write maps as one Kith JSON collection (UTF-8, indented, written atomically)."""
    path = Path(path)
    try:
        text = json.dumps(networks_to_data(networks), ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError:
        raise FormatError(
            "a value is infinite; JSON has no infinity (use a finite number or leave it empty)",
            file=path,
        ) from None
    write_text_atomic(path, text + "\n")


def read_kith_json(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
) -> list[Network]:
    """Read a Kith JSON file (a collection of maps or a single map).

    A file over ``max_bytes`` (default 256 MiB) is refused before it is read.

    Raises
    ------
    FormatError
        Naming the file and, for invalid content, the record (``maps[3].members[2]``) and the
        field. Nothing is returned when any record is invalid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kith.network.model import Member, Network
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "maps.json"
    >>> write_kith_json([Network("p1", (Member("a", circle=1),))], p)
    >>> read_kith_json(p)[0].member("a").circle
    1
    """
    path = Path(path)
    raw = read_limited(path, max_bytes)
    refuse_wide_or_binary(raw, path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 text; Kith JSON is UTF-8",
            file=path,
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None
    try:
        data = parse_json(
            text, path, object_pairs_hook=_no_duplicates, parse_constant=_no_constants
        )
    except _JsonValueError as exc:
        raise FormatError(f"not valid Kith JSON: {exc}", file=path) from None
    return networks_from_data(data, file=path)


class _JsonValueError(ValueError):
    pass


def _no_duplicates(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonValueError(f"the name '{key}' appears twice in one object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _JsonValueError(f"{name} is not a JSON number; use a finite number or null")


def _path_text(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _split_path(parts: Sequence[str | int], collection: bool) -> tuple[str | None, str | None]:
    """Split a JSON path into the record (map, member or tie) and the field inside it."""
    parts = list(parts)
    record: list[str | int] = []
    if collection:
        if len(parts) >= 2 and parts[0] == "maps" and isinstance(parts[1], int):
            record, parts = parts[:2], parts[2:]
        else:
            return None, _path_text(parts) or None
    if len(parts) >= 2 and parts[0] in ("members", "ties") and isinstance(parts[1], int):
        record, parts = record + parts[:2], parts[2:]
    if not record:
        record = ["map"] if not collection else []
    return _path_text(record) or None, _path_text(parts) or None


def _schema_error(error: Any, collection: bool, file: Path | None) -> FormatError:
    path = list(error.absolute_path)
    instance = error.instance
    problem = error.message
    if error.validator == "required":
        missing = [p for p in error.validator_value if p not in instance]
        if missing:
            path.append(missing[0])
            problem = "the field is required"
    elif error.validator == "additionalProperties" and isinstance(instance, Mapping):
        known = error.schema.get("properties", {})
        extra = [p for p in instance if p not in known]
        if extra:
            path.append(extra[0])
            allowed = ", ".join(known)
            problem = f"not a Kith field; expected one of {allowed}"
    elif error.validator == "enum":
        allowed = ", ".join("null" if v is None else str(v) for v in error.validator_value)
        problem = f"{instance!r} is not allowed; expected one of {allowed}"
    elif error.validator == "const" and path == ["version"]:
        problem = f"version {instance!r} is not one this Kith reads; expected {FORMAT_VERSION}"
    elif error.validator == "type":
        problem = f"{instance!r} is not of type {error.validator_value}"
    record, field = _split_path(path, collection)
    return FormatError(problem, file=file, record=record, field=field)


def _sort_key(error: Any) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def _field_of(message: str) -> str | None:
    for marker in ("field '", "attribute '"):
        if marker in message:
            return message.split(marker, 1)[1].split("'", 1)[0]
    return None


def networks_from_data(data: Any, *, file: str | Path | None = None) -> list[Network]:
    """Check parsed Kith JSON (a collection or a single map) and build the maps.

    Raises :class:`FormatError` naming ``file``, the record and the field.
    """
    path = Path(file) if file is not None else None
    collection = isinstance(data, Mapping) and "kith" in data
    if not isinstance(data, Mapping):
        raise FormatError(
            "expected a JSON object: a Kith map collection or a single map", file=path
        )
    validator = _validators()[0 if collection else 1]
    errors = sorted(validator.iter_errors(data), key=_sort_key)
    if errors:
        raise _schema_error(errors[0], collection, path)
    maps = data["maps"] if collection else [data]
    networks = []
    for i, item in enumerate(maps):
        prefix: list[str | int] = ["maps", i] if collection else []

        def record(*parts: str | int, prefix: list[str | int] = prefix) -> str:
            return _path_text([*prefix, *parts]) or "map"

        members = []
        keys: set[str] = set()
        for j, m in enumerate(item.get("members", [])):
            try:
                member = Member(**m)
            except NetworkError as exc:
                raise FormatError(
                    str(exc), file=path, record=record("members", j), field=_field_of(str(exc))
                ) from None
            if member.key in keys:
                raise FormatError(
                    f"the member key '{member.key}' appears more than once in this map",
                    file=path,
                    record=record("members", j),
                    field="key",
                )
            keys.add(member.key)
            members.append(member)
        ties = []
        pairs: set[tuple[str, str]] = set()
        for k, t in enumerate(item.get("ties", [])):
            for end in ("a", "b"):
                if t[end] not in keys:
                    raise FormatError(
                        f"the tie names member '{t[end]}', which is not on the map",
                        file=path,
                        record=record("ties", k),
                        field=end,
                    )
            try:
                tie = Tie(**t)
            except NetworkError as exc:
                raise FormatError(
                    str(exc),
                    file=path,
                    record=record("ties", k),
                    field=_field_of(str(exc)) or "b",
                ) from None
            if tie.pair in pairs:
                raise FormatError(
                    f"the tie '{tie.a}'–'{tie.b}' appears more than once in this map",
                    file=path,
                    record=record("ties", k),
                    field="a",
                )
            pairs.add(tie.pair)
            ties.append(tie)
        try:
            networks.append(
                Network(
                    ego_id=item["ego_id"],
                    members=tuple(members),
                    ties=tuple(ties),
                    ego=item.get("ego") or {},
                    map_id=item.get("map_id"),
                    date=item.get("date"),
                )
            )
        except NetworkError as exc:
            raise FormatError(str(exc), file=path, record=record(), field="ego") from None
    return networks
