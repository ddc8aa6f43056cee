"""Size limits of the readers: a file over the limit is refused before a byte of it is parsed.

Every reader takes ``max_bytes`` (per file). The defaults are far above real studies (100,000
egor maps are 237 MB in three files, docs/benchmarks.md) and well below what would exhaust
the memory of a 2-core, few-GB server:

- :data:`DEFAULT_MAX_TABLE_BYTES` (1 GiB) for CSV tables, read a column at a time;
- :data:`DEFAULT_MAX_DOCUMENT_BYTES` (256 MiB) for JSON and XML documents, parsed whole into
  Python objects that take several times the file's size.

The command line raises them with ``--max-bytes`` (see ``kith measures --help``).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from kith.formats.errors import FormatError

__all__ = [
    "DEFAULT_MAX_DOCUMENT_BYTES",
    "DEFAULT_MAX_TABLE_BYTES",
    "MAX_JSON_DEPTH",
    "check_size",
    "decode_utf8",
    "json_depth",
    "parse_json",
    "read_limited",
    "read_utf8",
    "refuse_wide_or_binary",
]

DEFAULT_MAX_TABLE_BYTES = 1 << 30
DEFAULT_MAX_DOCUMENT_BYTES = 256 << 20


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _too_big(path: Path, size: int, max_bytes: int) -> FormatError:
    return FormatError(
        f"the file is {_mb(size)}, over the limit of {_mb(max_bytes)} "
        f"(max_bytes={max_bytes}; raise it with max_bytes= or kith --max-bytes)",
        file=path,
    )


def check_size(path: str | Path, max_bytes: int) -> None:
    """Raise :class:`FormatError` naming ``path`` if the file is larger than ``max_bytes``."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports the missing file in its own words
    if size > max_bytes:
        raise _too_big(path, size, max_bytes)


def read_limited(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, refusing a file over ``max_bytes`` (also one growing while read)."""
    path = Path(path)
    check_size(path, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise FormatError(f"cannot read the file: {exc.strerror or exc}", file=path) from None
    if len(data) > max_bytes:
        raise _too_big(path, len(data), max_bytes)
    return data


_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def refuse_wide_or_binary(data: bytes, path: str | Path) -> None:
    """Raise :class:`FormatError` for a UTF-16/32 byte-order mark or a NUL byte.

    Plain ASCII saved as UTF-16 without a byte-order mark *is* valid UTF-8 (every other byte is
    NUL), so a UTF-8 decoder alone would let it through as garbage column names.
    """
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            raise FormatError(
                f"the file is {name} (it starts with a {name} byte-order mark); save it as UTF-8",
                file=path,
                line=1,
            )
    nul = data.find(b"\0")
    if nul >= 0:
        raise FormatError(
            f"NUL byte at byte {nul}: the file is binary or UTF-16 without a byte-order mark; "
            "save it as UTF-8 text",
            file=path,
            line=data.count(b"\n", 0, nul) + 1,
        )


def decode_utf8(data: bytes, path: str | Path) -> str:
    """``data`` as text: UTF-8 with or without a byte-order mark, and nothing else.

    Raises :class:`FormatError` naming the file and line for a UTF-16/32 byte-order mark, a NUL
    byte (UTF-16 without a byte-order mark, or a binary file) or bytes that are not UTF-8
    (Latin-1 or Windows-1252 text).
    """
    refuse_wide_or_binary(data, path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"byte 0x{data[exc.start]:02x} (at byte {exc.start}) is not UTF-8; "
            "save the file as UTF-8 (Latin-1 and Windows-1252 are not read)",
            file=path,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None


def read_utf8(path: str | Path, max_bytes: int) -> str:
    """The UTF-8 text of ``path``: :func:`read_limited` then :func:`decode_utf8`."""
    return decode_utf8(read_limited(path, max_bytes), path)


#: Deepest nesting of arrays and objects accepted in a JSON document. Kith JSON and HSDS need
#: fewer than 10 levels; thousands would exhaust the recursion of the parser and validators.
MAX_JSON_DEPTH = 64


def parse_json(text: str, path: str | Path | None, **hooks: Any) -> Any:
    """``json.loads(text, **hooks)`` with located errors and :data:`MAX_JSON_DEPTH` enforced.

    Raises :class:`FormatError` naming the file and line for JSON that is not valid and the
    file for JSON nested too deeply.
    """
    try:
        data = json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", file=path, line=exc.lineno
        ) from None
    except RecursionError:
        data = None
        depth = MAX_JSON_DEPTH + 1
    else:
        depth = json_depth(data, MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        raise FormatError(
            f"arrays and objects are nested more than {MAX_JSON_DEPTH} levels deep; "
            "no Kith or Open Referral document needs that",
            file=path,
        )
    return data


def json_depth(data: Any, limit: int) -> int:
    """Nesting depth of arrays/objects in ``data`` (0 for a scalar), counting no further than
    ``limit + 1`` (without recursion, so any depth is safe to measure)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest
