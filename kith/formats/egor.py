"""egor's three tables (egos, alters, alter–alter ties) as CSV: reader and writer.

The R package egor (tilltnet/egor) keeps ego-centred network data as three tables: one row per
ego (``.egoID`` + attributes), per alter (``.egoID``, ``.altID`` + attributes) and per
alter–alter tie (``.egoID``, ``.srcID``, ``.tgtID`` + attributes). Alter IDs are unique within
an ego only. This module reads the three CSV files straight into
:class:`~kith.network.tables.Tables` (no :class:`~kith.network.model.Network` objects) and writes
them back.

Each column is factorised once (codes into its distinct values); validation, stripping and
category coding are done once per distinct value and spread with numpy. Two parsers feed that:
the :mod:`csv` module (always) and, when the optional ``pyarrow`` is installed
(``pip install kith[parquet]``), ``pyarrow.csv`` with ``pyarrow.compute`` doing the
factorising and ID look-ups — about 5× faster (100,000 maps, 1.5 million alters: see
docs/benchmarks.md). Both give equal :class:`~kith.network.tables.Tables`; the pyarrow reader
hands anything unusual (an error in the data, quoting that is not plain, bytes that are not
UTF-8) to the :mod:`csv` one, so errors are the same too. ``engine="python"`` forces the
:mod:`csv` module.

Reading rules
-------------
- ``NA`` (R's missing) and the empty string are missing values.
- Alter columns named like a Kith core field are validated into that field: ``kind``,
  ``relationship``, ``circle``, ``contact``, ``feeling``, ``wish``, ``label`` and
  ``support_received`` / ``support_given`` (support types separated by ``;``). Every other alter
  or ego column is a free categorical attribute, kept as text.
- Alters are grouped per ego in the order of ``egos.csv`` (stable: the file order within an ego
  is kept) even when ``alters.csv`` is not sorted. An ego with no alter rows is a map of size 0.
- A tie listed twice, in either direction, is one tie: the first row is kept (egor counts rows,
  so egor's densities count such a pair twice; transnat ego 30 lists 3001–3008 twice). Tie
  columns other than ``weight`` are not kept (:class:`Tables` has no tie attributes).
- Any problem raises :class:`~kith.formats.errors.FormatError` naming the file, the line
  (1-based, the header is line 1) and the field; nothing is returned half-loaded.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gc
import io
import itertools
import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from kith.formats.csv_safe import safe_row, unsafe_cell
from kith.formats.errors import FormatError
from kith.formats.limits import DEFAULT_MAX_TABLE_BYTES, check_size, refuse_wide_or_binary
from kith.network.model import (
    CATEGORICAL_FIELDS,
    CIRCLES,
    RELATIONSHIP_KINDS,
    Contact,
    Feeling,
    Kind,
    Network,
    Relationship,
    Support,
    Wish,
    category_text,
)
from kith.network.tables import SUPPORT_ORDER, Column, Tables

#: Alter columns validated into Kith's core fields (besides the categorical ones).
SUPPORT_FIELDS: tuple[str, ...] = ("support_received", "support_given")
LABEL_FIELD = "label"

#: Who parses the CSV files in :func:`read_egor_tables` (see its ``engine`` parameter).
Engine = Literal["auto", "python", "pyarrow"]
ENGINES: tuple[Engine, ...] = ("auto", "python", "pyarrow")
#: ``engine="auto"`` uses pyarrow from this folder size on (below it, importing pyarrow takes
#: longer than the csv module needs to read the files).
AUTO_PYARROW_BYTES = 2_000_000

_ENUMS: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in Kind),
    "relationship": tuple(r.value for r in Relationship),
    "contact": tuple(c.value for c in Contact),
    "feeling": tuple(f.value for f in Feeling),
    "wish": tuple(w.value for w in Wish),
}
_NO_RELATIONSHIP_KINDS = frozenset(
    CATEGORICAL_FIELDS["kind"].index(k.value) for k in Kind if k not in RELATIONSHIP_KINDS
)


def _missing(text: str) -> bool:
    return text == "" or text == "NA" or text.strip() in ("", "NA")


class _Fallback(Exception):
    """The pyarrow reader met something it does not handle: the pure reader takes over."""


class _Factor:
    """A column as codes into its distinct raw values (``uniques``, in order of first appearance).

    Readers factorise each column once; everything done per value (validation, strip,
    :func:`category_text`) is then done once per distinct value and spread with numpy.
    ``native`` is the reader's own array of the uniques, if it has one (pyarrow), ``index``
    its dict from value to code (the csv module reader).
    """

    __slots__ = ("codes", "index", "native", "uniques")

    def __init__(
        self,
        codes: np.ndarray[Any, Any],
        uniques: list[str],
        native: Any = None,
        index: dict[str, int] | None = None,
    ) -> None:
        self.codes = codes
        self.uniques = uniques
        self.native = native
        self.index = index  # value → code, if the reader made one

    def first(self, unique: int) -> int:
        """Row of the first occurrence of ``uniques[unique]``."""
        return _first(self.codes == unique)

    def mapped(self, per_unique: Sequence[Any], dtype: Any) -> np.ndarray[Any, Any]:
        """The column with each value replaced by ``per_unique[its code]``."""
        result: np.ndarray[Any, Any] = np.asarray(per_unique, dtype=dtype)[self.codes]
        return result

    def strings(
        self, per_unique: Sequence[str], order: np.ndarray[Any, Any] | None = None
    ) -> list[str]:
        """Like :meth:`mapped` for text, optionally in row order ``order``."""
        if order is None and len(per_unique) == len(self.codes):
            return list(per_unique)  # every value distinct: codes are 0, 1, 2, ...
        table = np.empty(len(per_unique), dtype=object)
        table[:] = per_unique
        codes = self.codes if order is None else self.codes[order]
        result: list[str] = table[codes].tolist()
        return result


class _Keys:
    """Distinct IDs (already stripped) that another table's ID column is looked up in."""

    def __init__(
        self, keys: list[str], index: dict[str, int] | None = None, native: Any = None
    ) -> None:
        self.keys = keys
        self._index = index
        self._native = native

    @property
    def index(self) -> dict[str, int]:
        """Key → position (made on first use: a dict of millions of keys takes seconds)."""
        if self._index is None:
            self._index = dict(zip(self.keys, itertools.count()))
        return self._index

    def native(self) -> Any:
        """The keys as a pyarrow string array (made on first use)."""
        if self._native is None:
            import pyarrow as pa

            self._native = pa.array(self.keys, type=pa.string())
        return self._native


class _AlterRows:
    """The alter row of each (ego position, alter id code) pair; whether a pair repeats.

    Three layouts by the shape of the IDs: ``"code"`` when every alter id in the file is
    distinct (first-appearance codes are then the rows), ``"dense"`` (an ego × id table) when
    that table is small, else ``"sorted"`` (the pairs sorted and searched). All give the same
    rows; ``layout`` forces one (for the tests).
    """

    def __init__(
        self,
        alter_ego: np.ndarray[Any, Any],
        id_codes: np.ndarray[Any, Any],
        n_egos: int,
        n_ids: int,
        layout: str | None = None,
    ) -> None:
        n = len(alter_ego)
        self.alter_ego, self.id_codes, self.n_ids = alter_ego, id_codes, n_ids
        self.duplicated = False
        rows = np.arange(n)
        if layout is None:
            small = n_egos * n_ids <= 4 * n + (1 << 20)
            layout = "code" if n and n_ids == n else "dense" if small else "sorted"
        self.layout = layout
        if layout == "code":
            self.duplicated = not np.array_equal(id_codes, rows)
        elif layout == "dense":
            pairs = alter_ego * n_ids + id_codes
            self.table = np.full(n_egos * n_ids, -1, dtype=np.int64)
            self.table[pairs] = rows
            self.duplicated = bool(np.any(self.table[pairs] != rows))
        else:
            self.pairs = alter_ego * n_ids + id_codes
            self.by_pair = np.argsort(self.pairs, kind="stable")
            self.sorted = self.pairs[self.by_pair]
            self.duplicated = bool(np.any(self.sorted[1:] == self.sorted[:-1]))

    def rows(self, ego: np.ndarray[Any, Any], codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Row of each (ego, code); -1 where the ego has no such alter (or the code is -1)."""
        known = codes >= 0
        if self.layout == "code":
            rows = np.where(known, codes, 0)
            found = known & (self.alter_ego[rows] == ego)
        elif self.layout == "dense":
            if not len(self.table):
                return np.full(len(codes), -1, dtype=np.int64)
            rows = self.table[np.where(known, ego * self.n_ids + codes, 0)]
            found = known & (rows >= 0)
        elif not len(self.sorted):
            return np.full(len(codes), -1, dtype=np.int64)
        else:
            wanted = ego * self.n_ids + codes
            at = np.minimum(np.searchsorted(self.sorted, wanted), len(self.sorted) - 1)
            rows = self.by_pair[at]
            found = known & (self.pairs[rows] == wanted)
        result: np.ndarray[Any, Any] = np.where(found, rows, -1)
        return result


class _Source:
    """One CSV file, parsed: header, row count, and columns on demand."""

    name: str
    header: list[str]
    n_rows: int

    def prefetch(self, factors: Sequence[str], lookups: Sequence[tuple[str, _Keys]]) -> None:
        """Start the factorising and look-ups that will be asked for (pyarrow: in threads)."""

    def factor(self, column: str) -> _Factor:
        raise NotImplementedError

    def lookup(self, column: str, keys: _Keys) -> np.ndarray[Any, Any]:
        """``keys.index.get(value.strip(), -1)`` for each value of ``column`` (int64)."""
        raise NotImplementedError

    def value(self, column: str, record: int) -> str:
        """The raw text of one cell (0-based data record)."""
        raise NotImplementedError

    def error(self, record: int, field: str | None, problem: str) -> Exception:
        raise NotImplementedError


def _check_header(name: str, header: list[str], required: Sequence[str]) -> None:
    for column in required:
        if column not in header:
            raise FormatError(
                f"missing column; the header has {', '.join(header) or 'nothing'}",
                file=name,
                line=1,
                field=column,
            )
    if len(set(header)) != len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise FormatError("column appears twice in the header", file=name, line=1, field=twice)


class _Table(_Source):
    """One CSV file read whole with the :mod:`csv` module; line numbers found on demand."""

    def __init__(self, path: Path, required: Sequence[str]) -> None:
        self.name = path.name
        if not path.is_file():
            raise FormatError("file not found", file=path)
        data = path.read_bytes()
        refuse_wide_or_binary(data, self.name)
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise FormatError(
                f"bytes that are not UTF-8 (at byte {err.start}); save the file as UTF-8",
                file=self.name,
                line=line,
            ) from None
        del data
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of small lists: the cyclic GC would rescan them again and again
        try:
            rows = list(filter(None, csv.reader(io.StringIO(self.text, newline=""))))
            if not rows:
                raise FormatError("the file is empty; expected a header row", file=self.name)
            self.header = [h.strip() for h in rows[0]]
            _check_header(self.name, self.header, required)
            width = len(self.header)
            if set(map(len, itertools.islice(rows, 1, None))) - {width}:
                i, row = next((i, r) for i, r in enumerate(rows[1:]) if len(r) != width)
                raise self.error(i, None, f"has {len(row)} fields; the header has {width}")
            self.n_rows = len(rows) - 1
            # columns as tuples; the row lists are dropped (they would double the memory)
            self.columns: list[Sequence[str]] = (
                list(zip(*itertools.islice(rows, 1, None), strict=True))
                if self.n_rows
                else [() for _ in range(width)]
            )
            del rows
        except csv.Error as err:
            raise FormatError(f"not valid CSV: {err}", file=self.name) from None
        finally:
            if gc_was_enabled:
                gc.enable()

    def column(self, name: str) -> Sequence[str]:
        return self.columns[self.header.index(name)]

    def factor(self, column: str) -> _Factor:
        values = self.column(column)
        index = dict(zip(dict.fromkeys(values), itertools.count()))
        codes = np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))
        return _Factor(codes, list(index), index=index)

    def lookup(self, column: str, keys: _Keys) -> np.ndarray[Any, Any]:
        values = self.column(column)
        found = np.fromiter(
            map(keys.index.get, values, itertools.repeat(-1)), dtype=np.int64, count=len(values)
        )
        if len(found) and found.min() < 0:  # retry with blanks stripped (keys are stripped)
            found = np.fromiter(
                map(keys.index.get, map(str.strip, values), itertools.repeat(-1)),
                dtype=np.int64,
                count=len(values),
            )
        return found

    def value(self, column: str, record: int) -> str:
        return self.column(column)[record]

    def line(self, record: int) -> int:
        """1-based line (header = 1) on which data record ``record`` (0-based) ends."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        seen = -1
        for row in reader:
            if row:
                seen += 1
                if seen == record + 1:
                    return reader.line_num
        return reader.line_num

    def error(self, record: int, field: str | None, problem: str) -> Exception:
        return FormatError(problem, file=self.name, line=self.line(record), field=field)


# -- the pyarrow reader ------------------------------------------------------------------------

_NEWLINE = re.compile(rb"[\r\n]")
_NOT_NEWLINE = re.compile(rb"[^\r\n]")
_QUOTE, _COMMA, _LF, _CR = 34, 44, 10, 13


def _separator(codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    result: np.ndarray[Any, Any] = (codes == _COMMA) | (codes == _LF) | (codes == _CR)
    return result


def _quoting(data: bytes, start: int) -> bool:
    """Check the quoting of ``data[start:]``; True if a quoted field holds a line break.

    Raises :class:`_Fallback` unless every quote opens a field (at its start), closes it (right
    before a comma, a line break or the end) or is doubled inside it: the plain quoting of R's
    ``write.csv`` and of :mod:`csv`, which pyarrow and :mod:`csv` read the same way. Anything
    else (a quote inside an unquoted field, text after a closing quote, an unclosed quote) is
    left to the :mod:`csv` module, whose lenient rules pyarrow does not follow.
    """
    if data.find(b'"', start) < 0:
        return False
    buf = np.frombuffer(data, dtype=np.uint8, offset=start)
    quotes = np.flatnonzero(buf == _QUOTE)
    if len(quotes) % 2:
        raise _Fallback("a quote is not closed")
    opens, closes = quotes[0::2], quotes[1::2]
    ok_open = _separator(buf[np.maximum(opens - 1, 0)]) | (opens == 0)
    ok_open[1:] |= opens[1:] - 1 == closes[:-1]  # the second quote of a doubled one
    after = closes + 1
    ok_close = np.zeros(len(closes), dtype=bool)
    inside = after < len(buf)
    ok_close[inside] = _separator(buf[after[inside]])
    ok_close |= ~inside
    ok_close[:-1] |= after[:-1] == opens[1:]  # the first quote of a doubled one
    if not (ok_open.all() and ok_close.all()):
        raise _Fallback("quotes that pyarrow may read differently")
    breaks = np.flatnonzero((buf == _LF) | (buf == _CR))
    return bool(np.any(np.searchsorted(breaks, opens) != np.searchsorted(breaks, closes)))


def _arrow_parse(path: Path) -> tuple[list[str], list[Any], int]:
    """Header (stripped), text columns and row count of a CSV file parsed by ``pyarrow.csv``.

    Raises :class:`_Fallback` for anything the :mod:`csv` module might read differently.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        data = path.read_bytes()
    except OSError:
        raise _Fallback("cannot read the file") from None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if b"\0" in data or data.startswith(codecs.BOM_UTF8, start):
        raise _Fallback("NUL byte or a second byte-order mark")
    if not data.isascii():
        try:
            str(data, "utf-8")
        except UnicodeDecodeError:
            raise _Fallback("not UTF-8") from None
    multiline = _quoting(data, start)
    # the header: up to the first line break outside quotes
    if data[start : start + 1] in (b"", b"\r", b"\n"):
        raise _Fallback("empty file or blank first line")
    at = start
    while True:
        found = _NEWLINE.search(data, at)
        end = found.start() if found else len(data)
        if data.count(b'"', start, end) % 2 == 0:
            break
        if found is None:
            raise _Fallback("a quote is not closed")
        at = end + 1
    try:
        rows = list(
            filter(None, csv.reader(io.StringIO(str(data[start:end], "utf-8"), newline="")))
        )
    except csv.Error:
        raise _Fallback("header") from None
    if len(rows) != 1:
        raise _Fallback("header")
    header = [h.strip() for h in rows[0]]
    body = end + 2 if data.startswith(b"\r\n", end) else end + 1
    names = [f"c{i}" for i in range(len(header))]
    if _NOT_NEWLINE.search(data, body) is None:
        return header, [pa.chunked_array([], type=pa.string()) for _ in names], 0
    if data.startswith(codecs.BOM_UTF8, body):
        raise _Fallback("byte-order mark after the header")
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(memoryview(data)[body:])),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=multiline,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except pa.ArrowException:
        raise _Fallback("pyarrow could not parse the file") from None
    columns = list(table.columns)
    # the csv module refuses fields longer than csv.field_size_limit() characters
    limit = csv.field_size_limit()
    if len(data) > limit:
        import pyarrow.compute as pc

        for col in columns:
            longest = pc.max(pc.binary_length(col)).as_py()
            if longest is not None and longest > limit:
                raise _Fallback("a field longer than csv.field_size_limit()")
    return header, columns, table.num_rows


class _ArrowTable(_Source):
    """A CSV file parsed by :func:`_arrow_parse`; work is done in ``pool``'s threads."""

    def __init__(
        self, name: str, header: list[str], columns: list[Any], n_rows: int, pool: Executor
    ) -> None:
        self.name = name
        self.header = header
        self.columns = columns
        self.n_rows = n_rows
        self._pool = pool
        self._factors: dict[str, Future[_Factor]] = {}
        self._lookups: dict[tuple[str, int], tuple[Future[list[np.ndarray[Any, Any]]], int]] = {}

    def prefetch(self, factors: Sequence[str], lookups: Sequence[tuple[str, _Keys]]) -> None:
        by_keys: dict[int, tuple[_Keys, list[str]]] = {}
        for name, keys in lookups:
            by_keys.setdefault(id(keys), (keys, []))[1].append(name)
        for keys, names in by_keys.values():
            keys.native()
            # columns looked up in the same keys go together: one hash table of the keys
            job = self._pool.submit(self._lookup_many, names, keys)
            for i, name in enumerate(names):
                self._lookups[name, id(keys)] = (job, i)
        for name in factors:
            self._factors[name] = self._pool.submit(self._factor, name)

    def factor(self, column: str) -> _Factor:
        job = self._factors.pop(column, None)
        return job.result() if job else self._factor(column)

    def lookup(self, column: str, keys: _Keys) -> np.ndarray[Any, Any]:
        started = self._lookups.pop((column, id(keys)), None)
        if started is None:
            return self._lookup_many([column], keys)[0]
        job, i = started
        return job.result()[i]

    def _column(self, name: str) -> Any:
        return self.columns[self.header.index(name)]

    def _factor(self, column: str) -> _Factor:
        import pyarrow.compute as pc

        col = self._column(column)
        if len(col) == 0:
            return _Factor(np.zeros(0, dtype=np.int32), [])
        chunks = pc.dictionary_encode(col).chunks
        dictionary = chunks[-1].dictionary
        if any(len(c.dictionary) != len(dictionary) for c in chunks):  # not one dictionary
            encoded = pc.dictionary_encode(col.combine_chunks())
            chunks, dictionary = [encoded], encoded.dictionary
        codes = np.concatenate([np.asarray(c.indices, dtype=np.int32) for c in chunks])
        return _Factor(codes, dictionary.to_pylist(), native=dictionary)

    def _lookup_many(self, columns: Sequence[str], keys: _Keys) -> list[np.ndarray[Any, Any]]:
        import pyarrow as pa
        import pyarrow.compute as pc

        cols = [self._column(name) for name in columns]
        joined = pa.chunked_array([c for col in cols for c in col.chunks], type=pa.string())
        if len(joined) == 0:
            return [np.zeros(0, dtype=np.int64) for _ in columns]
        found = pc.fill_null(pc.index_in(joined, value_set=keys.native()), -1)
        result = np.concatenate([np.asarray(c, dtype=np.int64) for c in found.chunks])
        absent = np.flatnonzero(result < 0)
        if len(absent):  # retry those with blanks stripped (the keys are stripped)
            values = joined.take(absent).to_pylist()
            result[absent] = [keys.index.get(v.strip(), -1) for v in values]
        return np.split(result, np.cumsum([len(col) for col in cols])[:-1])

    def value(self, column: str, record: int) -> str:
        text: str = self._column(column)[record].as_py()
        return text

    def error(self, record: int, field: str | None, problem: str) -> Exception:
        return _Fallback(problem)


def _pyarrow_available() -> bool:
    try:
        import pyarrow.compute
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


# -- reading -----------------------------------------------------------------------------------


def _free_column(factor: _Factor) -> Column:
    """Factorise a free column through :func:`category_text`, categories by first appearance."""
    by_text: dict[str, int] = {}
    per_unique: list[int] = []
    for raw in factor.uniques:
        text = category_text(unsafe_cell(raw))
        per_unique.append(-1 if text is None else by_text.setdefault(text, len(by_text)))
    return Column(factor.mapped(per_unique, np.int32), tuple(by_text))


def _first(mask: np.ndarray[Any, Any]) -> int:
    return int(np.flatnonzero(mask)[0])


def _core_code(field: str, raw: str) -> int:
    """Code of a core categorical field value in ``CATEGORICAL_FIELDS[field]``; raises."""
    text = raw.strip()
    if field == "circle":
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not value.is_integer() or int(value) not in CIRCLES:
            raise ValueError(f"{raw!r} is not a circle; expected 1, 2 or 3")
        return CIRCLES.index(int(value))
    allowed = _ENUMS[field]
    try:
        return allowed.index(text.lower())
    except ValueError:
        raise ValueError(f"{raw!r} is not allowed; expected one of {', '.join(allowed)}") from None


def _support_code(raw: str) -> int:
    mask = 0
    for part in raw.replace(",", ";").split(";"):
        item = part.strip().lower()
        if not item or item == "na":
            continue
        try:
            mask |= 1 << SUPPORT_ORDER.index(Support(item))
        except ValueError:
            allowed = ", ".join(s.value for s in Support)
            raise ValueError(
                f"{part.strip()!r} is not a support type; expected {allowed}"
            ) from None
    return mask


def _validated(
    table: _Source, name: str, parse: Callable[[str], int], dtype: Any, missing: int = -1
) -> np.ndarray[Any, Any]:
    """Codes of a validated column; a bad value raises naming its first line."""
    factor = table.factor(name)
    per_unique: list[int] = []
    for u, raw in enumerate(factor.uniques):
        try:
            per_unique.append(missing if _missing(raw) else parse(raw))
        except ValueError as err:
            raise table.error(factor.first(u), name, str(err)) from None
    return factor.mapped(per_unique, dtype)


def read_egor_tables(
    folder: str | Path,
    *,
    ego_id: str = ".egoID",
    alter_id: str = ".altID",
    source: str = ".srcID",
    target: str = ".tgtID",
    weight: str | None = None,
    egos_file: str = "egos.csv",
    alters_file: str = "alters.csv",
    ties_file: str = "ties.csv",
    progress: Callable[[int, int], None] | None = None,
    engine: Engine | str = "auto",
    max_bytes: int = DEFAULT_MAX_TABLE_BYTES,
) -> Tables:
    """Read egor's three CSV tables from ``folder`` into :class:`Tables`.

    ``progress(done, 3)`` is called after each table is read (for a progress bar; when the
    pyarrow reader hands over to the pure one it counts again from 1).

    Parameters
    ----------
    folder : path
        Folder holding the three files.
    ego_id, alter_id, source, target : str
        Names of the ID columns (egor's defaults). ``ego_id`` must be in all three files.
    weight : str, optional
        Name of a numeric tie column to use as tie weight (``NA`` = no weight).
    egos_file, alters_file, ties_file : str
        File names inside ``folder``.
    engine : {"auto", "python", "pyarrow"}
        Who parses the CSV. ``"python"``: the :mod:`csv` module (always available).
        ``"pyarrow"``: ``pyarrow.csv`` and ``pyarrow.compute`` (``pip install kith[parquet]``;
        about 5× faster on large folders). ``"auto"`` (default): pyarrow when it is installed
        and the three files hold at least :data:`AUTO_PYARROW_BYTES` (2 MB), else the
        :mod:`csv` module. The result is the same :class:`Tables` whichever reads the files;
        on anything the pyarrow reader does not handle (an error in the data, unusual quoting,
        bytes that are not UTF-8) the pure reader reads the folder again, so errors are the
        same too.

    max_bytes : int
        Largest file accepted (each of the three), default
        :data:`~kith.formats.limits.DEFAULT_MAX_TABLE_BYTES` (1 GiB); a larger one is refused
        before it is read.

    Raises
    ------
    FormatError
        Naming file, line and field: a file over ``max_bytes``, missing file or ID column, duplicate ego id, duplicate
        alter id within an ego, alter of an unknown ego, tie naming an unknown alter, self-tie,
        bad core-field value, non-numeric weight, bytes that are not UTF-8.
    ValueError
        An unknown ``engine``.
    ImportError
        ``engine="pyarrow"`` without pyarrow installed.

    Examples
    --------
    >>> from importlib import resources
    >>> folder = resources.files("kith.examples") / "egor"
    >>> tables = read_egor_tables(folder, weight="weight")
    >>> tables.n_egos, tables.ego_ids[0]
    (6, 'E1')
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    options = _Options(
        folder=Path(str(folder)),
        ego_id=ego_id,
        alter_id=alter_id,
        source=source,
        target=target,
        weight=weight,
        egos_file=egos_file,
        alters_file=alters_file,
        ties_file=ties_file,
        progress=progress,
    )
    for name in (egos_file, alters_file, ties_file):
        check_size(options.folder / name, max_bytes)
    if engine == "pyarrow" or (engine == "auto" and options.size() >= AUTO_PYARROW_BYTES):
        if _pyarrow_available():
            tables = _read_arrow(options)
            if tables is not None:
                return tables
        elif engine == "pyarrow":
            raise ImportError(
                "engine='pyarrow' needs pyarrow: pip install kith[parquet] (or pip install pyarrow)"
            )
    return _read(_Table, options)


@dataclass(frozen=True)
class _Options:
    """The arguments of :func:`read_egor_tables` (same defaults)."""

    folder: Path
    ego_id: str = ".egoID"
    alter_id: str = ".altID"
    source: str = ".srcID"
    target: str = ".tgtID"
    weight: str | None = None
    egos_file: str = "egos.csv"
    alters_file: str = "alters.csv"
    ties_file: str = "ties.csv"
    progress: Callable[[int, int], None] | None = None

    def size(self) -> int:
        """Bytes in the three files (0 for a file that is not there)."""
        files = (self.egos_file, self.alters_file, self.ties_file)
        return sum(p.stat().st_size for f in files if (p := self.folder / f).is_file())


class _ArrowLoader:
    """Opens :class:`_ArrowTable` s; the three files are parsed in the background from the start."""

    def __init__(self, pool: Executor, paths: Sequence[Path]) -> None:
        self.pool = pool
        self.parsing = {path: pool.submit(_arrow_parse, path) for path in paths}

    def __call__(self, path: Path, required: Sequence[str]) -> _ArrowTable:
        job = self.parsing.pop(path, None)
        header, columns, n_rows = job.result() if job else _arrow_parse(path)
        try:
            _check_header(path.name, header, required)
        except FormatError:
            raise _Fallback("header") from None
        return _ArrowTable(path.name, header, columns, n_rows, self.pool)


def _read_arrow(options: _Options) -> Tables | None:
    """The folder read by pyarrow, or ``None`` if the pure reader must read it."""
    import pyarrow as pa

    o = options
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="kith-egor") as pool:
        try:
            paths = [o.folder / o.egos_file, o.folder / o.alters_file, o.folder / o.ties_file]
            return _read(_ArrowLoader(pool, paths), o)
        except (_Fallback, pa.ArrowException):
            pool.shutdown(wait=True, cancel_futures=True)
            return None


def _read(load: Callable[[Path, Sequence[str]], _Source], o: _Options) -> Tables:
    """Read the three tables parsed by ``load`` (:class:`_Table` or :class:`_ArrowTable`)."""
    ego_id, alter_id, source, target, weight = o.ego_id, o.alter_id, o.source, o.target, o.weight
    # -- egos --------------------------------------------------------------------------------
    egos = load(o.folder / o.egos_file, [ego_id])
    egos.prefetch(egos.header, [])
    factor = egos.factor(ego_id)
    ego_ids = factor.strings([u.strip() for u in factor.uniques])
    ego_pos = dict(zip(ego_ids, range(len(ego_ids)), strict=True))
    if len(ego_pos) != len(ego_ids) or "" in ego_pos or "NA" in ego_pos:  # ids are stripped
        ego_pos = {}
        for i, eid in enumerate(ego_ids):
            if _missing(eid):
                raise egos.error(i, ego_id, "missing ego id")
            if eid in ego_pos:
                raise egos.error(i, ego_id, f"ego id '{eid}' appears more than once")
            ego_pos[eid] = i
    ego_keys = _Keys(ego_ids, ego_pos)
    ego_attrs = {h: _free_column(egos.factor(h)) for h in egos.header if h != ego_id}

    if o.progress:
        o.progress(1, 3)

    # -- alters ------------------------------------------------------------------------------
    alters = load(o.folder / o.alters_file, [ego_id, alter_id])
    alters.prefetch([h for h in alters.header if h != ego_id], [(ego_id, ego_keys)])
    alter_ego = alters.lookup(ego_id, ego_keys)
    if len(alter_ego) and alter_ego.min() < 0:
        i = _first(alter_ego < 0)
        eid = alters.value(ego_id, i).strip()
        raise alters.error(i, ego_id, f"alter of ego '{eid}', which is not in {o.egos_file}")
    ids = alters.factor(alter_id)
    stripped = list(map(str.strip, ids.uniques))
    n_alters = alters.n_rows
    # alter identity: ego position * K + code of the (stripped) alter id (K distinct ids)
    if stripped == ids.uniques:
        id_keys = _Keys(stripped, index=ids.index, native=ids.native)
        id_codes = ids.codes.astype(np.int64)
    else:
        index = dict(zip(dict.fromkeys(stripped), itertools.count()))
        id_keys = _Keys(list(index), index)
        id_codes = ids.mapped([index[k] for k in stripped], np.int64)
    alter_rows = _AlterRows(alter_ego, id_codes, len(ego_ids), max(len(id_keys.keys), 1))
    if alter_rows.duplicated or "" in id_keys.keys or "NA" in id_keys.keys:  # keys are stripped
        seen: set[tuple[int, str]] = set()
        keys_by_row = ids.strings(stripped)
        for i, key in enumerate(zip(alter_ego.tolist(), keys_by_row, strict=True)):
            if _missing(key[1]):
                raise alters.error(i, alter_id, "missing alter id")
            if key in seen:
                eid = alters.value(ego_id, i).strip()
                raise alters.error(
                    i, alter_id, f"alter id '{key[1]}' appears more than once for ego '{eid}'"
                )
            seen.add(key)

    core = [h for h in alters.header if h in CATEGORICAL_FIELDS]
    core_codes = {
        h: _validated(alters, h, functools.partial(_core_code, h), np.int32) for h in core
    }
    if "kind" in core_codes and "relationship" in core_codes:
        bad = (core_codes["relationship"] >= 0) & np.isin(
            core_codes["kind"], list(_NO_RELATIONSHIP_KINDS)
        )
        if np.any(bad):
            i = _first(bad)
            kind = alters.value("kind", i).strip()
            raise alters.error(
                i, "relationship", f"a relationship does not apply to a member of kind '{kind}'"
            )
    support_masks = {
        h: _validated(alters, h, _support_code, np.uint8, missing=0)
        for h in alters.header
        if h in SUPPORT_FIELDS
    }
    label_factor: _Factor | None = None
    if LABEL_FIELD in alters.header:
        label_factor = alters.factor(LABEL_FIELD)
    skip = {ego_id, alter_id, LABEL_FIELD, *CATEGORICAL_FIELDS, *SUPPORT_FIELDS}
    free = {h: _free_column(alters.factor(h)) for h in alters.header if h not in skip}

    order: np.ndarray[Any, Any] | None = None
    new_index: np.ndarray[Any, Any] | None = None
    if n_alters > 1 and np.any(np.diff(alter_ego) < 0):
        order = np.argsort(alter_ego, kind="stable")
        new_index = np.empty_like(order)
        new_index[order] = np.arange(n_alters)
        alter_ego = alter_ego[order]
    alter_keys = ids.strings(stripped, order)
    labels: list[str] | None = None
    if label_factor is not None:
        per_label = ["" if _missing(v) else unsafe_cell(v.strip()) for v in label_factor.uniques]
        labels = label_factor.strings(per_label, order)

    def take(arr: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return arr if order is None else arr[order]

    alter_attrs: dict[str, Column] = {
        h: Column(take(core_codes[h]), CATEGORICAL_FIELDS[h]) for h in core
    }
    for h, col in free.items():
        alter_attrs[h] = Column(take(col.codes), col.categories)

    if o.progress:
        o.progress(2, 3)

    # -- ties --------------------------------------------------------------------------------
    required = [ego_id, source, target] + ([weight] if weight else [])
    ties = load(o.folder / o.ties_file, required)
    ties.prefetch(
        [weight] if weight else [],
        [(ego_id, ego_keys), (source, id_keys), (target, id_keys)],
    )
    t_pos = ties.lookup(ego_id, ego_keys)
    if len(t_pos) and t_pos.min() < 0:
        i = _first(t_pos < 0)
        eid = ties.value(ego_id, i).strip()
        raise ties.error(i, ego_id, f"tie of ego '{eid}', which is not in {o.egos_file}")
    ends: list[np.ndarray[Any, Any]] = []
    for name in (source, target):
        rows_ = alter_rows.rows(t_pos, ties.lookup(name, id_keys))
        if len(rows_) and rows_.min() < 0:
            i = _first(rows_ < 0)
            aid, eid = ties.value(name, i).strip(), ties.value(ego_id, i).strip()
            raise ties.error(
                i,
                name,
                f"names alter '{aid}', which ego '{eid}' does not have in {o.alters_file}",
            )
        ends.append(rows_ if new_index is None else new_index[rows_])
    a, b = ends
    if np.any(a == b):
        i = _first(a == b)
        raise ties.error(i, target, f"alter '{ties.value(source, i).strip()}' is tied to itself")
    weights = np.full(len(a), np.nan)
    if weight is not None:
        factor = ties.factor(weight)
        per_weight: list[float] = []
        for u, raw in enumerate(factor.uniques):
            if _missing(raw):
                per_weight.append(math.nan)
                continue
            try:
                value = float(raw)
            except ValueError:
                value = math.inf
            if not math.isfinite(value):
                raise ties.error(factor.first(u), weight, f"{raw!r} is not a number")
            per_weight.append(value)
        weights = factor.mapped(per_weight, np.float64)
    src, tgt = np.minimum(a, b), np.maximum(a, b)
    # a pair listed twice (either direction) is one tie: keep the first row
    pair = src * max(n_alters, 1) + tgt
    if not np.all(pair[1:] > pair[:-1]):  # (pairs in increasing order cannot repeat)
        _, first = np.unique(pair, return_index=True)
        if len(first) < len(pair):
            keep = np.sort(first)
            src, tgt, weights = src[keep], tgt[keep], weights[keep]
    tie_weight = weights if weight is not None and np.any(~np.isnan(weights)) else None

    if o.progress:
        o.progress(3, 3)
    return Tables(
        ego_ids=tuple(ego_ids),
        alter_ego=alter_ego,
        alter_keys=tuple(alter_keys),
        tie_src=src.astype(np.int64),
        tie_tgt=tgt.astype(np.int64),
        tie_weight=tie_weight,
        ego_attrs=ego_attrs,
        alter_attrs=alter_attrs,
        support_received=take(support_masks["support_received"])
        if "support_received" in support_masks
        else None,
        support_given=take(support_masks["support_given"])
        if "support_given" in support_masks
        else None,
        alter_labels=tuple(labels) if labels is not None else None,
    )


def read_egor(
    folder: str | Path,
    *,
    ego_id: str = ".egoID",
    alter_id: str = ".altID",
    source: str = ".srcID",
    target: str = ".tgtID",
    weight: str | None = None,
    egos_file: str = "egos.csv",
    alters_file: str = "alters.csv",
    ties_file: str = "ties.csv",
    engine: Engine | str = "auto",
    max_bytes: int = DEFAULT_MAX_TABLE_BYTES,
) -> list[Network]:
    """Read egor's three CSV tables as one :class:`Network` per ego (see :func:`read_egor_tables`).

    >>> from importlib import resources
    >>> nets = read_egor(resources.files("kith.examples") / "egor")
    >>> [n.size for n in nets]
    [8, 12, 3, 0, 15, 5]
    """
    tables = read_egor_tables(
        folder,
        ego_id=ego_id,
        alter_id=alter_id,
        source=source,
        target=target,
        weight=weight,
        egos_file=egos_file,
        alters_file=alters_file,
        ties_file=ties_file,
        engine=engine,
        max_bytes=max_bytes,
    )
    return tables.to_networks()


def _cell(value: str | None) -> str:
    return "NA" if value is None else value


def _core_order() -> tuple[str, ...]:
    return (*CATEGORICAL_FIELDS, *SUPPORT_FIELDS)


def write_egor(
    data: Tables | Sequence[Network],
    folder: str | Path,
    *,
    ego_id: str = ".egoID",
    alter_id: str = ".altID",
    source: str = ".srcID",
    target: str = ".tgtID",
    weight: str = "weight",
    egos_file: str = "egos.csv",
    alters_file: str = "alters.csv",
    ties_file: str = "ties.csv",
) -> None:
    """Write maps (or :class:`Tables`) as egor's three CSV tables in ``folder``.

    Columns: egos ``ego_id`` + ego attributes (sorted by name); alters ``ego_id``,
    ``alter_id``, ``label`` (if any member has one), the core fields recorded by at least one
    member (``kind`` only if some member is not a person; support types ``;``-separated),
    then free attributes; ties ``ego_id``, ``source``, ``target`` and ``weight`` (``NA`` for a tie
    without weight). Missing values are written ``NA`` as by R's ``write.csv``, so egor reads the
    files with ``read.csv`` and ``egor()``. ``read_egor(folder, weight=weight)`` gives the maps
    back; free attribute values come back as text, ``map_id``/``date`` and tie attributes are
    not written.

    >>> import tempfile
    >>> from kith.network.model import Member, Network, Tie
    >>> net = Network("p1", [Member("a", circle=1), Member("b", kind="place")], [Tie("a", "b")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_egor([net], d)
    ...     read_egor(d) == [net]
    True
    """
    tables = data if isinstance(data, Tables) else Tables.from_networks(list(data))
    folder = Path(str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    n_alters = tables.n_alters

    # columns to write: a column in which every value is missing (or kind all person) is left out
    def used(col: Column) -> bool:
        return bool(np.any(col.codes >= 0))

    core = []
    for name in CATEGORICAL_FIELDS:
        col = tables.alter_attrs.get(name)
        if col is None or not used(col):
            continue
        if name == "kind" and all(col.value(i) == Kind.PERSON.value for i in range(n_alters)):
            continue
        core.append(name)
    supports = [
        (name, arr)
        for name, arr in (
            ("support_received", tables.support_received),
            ("support_given", tables.support_given),
        )
        if arr is not None and np.any(arr)
    ]
    free = [n for n, c in tables.alter_attrs.items() if n not in CATEGORICAL_FIELDS and used(c)]
    labels = tables.alter_labels if tables.alter_labels and any(tables.alter_labels) else None

    ego_names = list(tables.ego_attrs)
    with (folder / egos_file).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow([ego_id, *ego_names])
        for e, eid in enumerate(tables.ego_ids):
            w.writerow(safe_row([eid, *(_cell(tables.ego_attrs[n].value(e)) for n in ego_names)]))

    with (folder / alters_file).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(
            [
                ego_id,
                alter_id,
                *([LABEL_FIELD] if labels else []),
                *core,
                *(name for name, _ in supports),
                *free,
            ]
        )
        cols = [tables.alter_attrs[n] for n in core + free]
        n_core = len(core)
        for i in range(n_alters):
            cells = [tables.ego_ids[int(tables.alter_ego[i])], tables.alter_keys[i]]
            if labels:
                cells.append(labels[i] or "NA")
            values = [_cell(c.value(i)) for c in cols]
            cells.extend(values[:n_core])
            for _, arr in supports:
                mask = int(arr[i])
                cells.append(
                    ";".join(s.value for j, s in enumerate(SUPPORT_ORDER) if mask & (1 << j))
                    or "NA"
                )
            cells.extend(values[n_core:])
            w.writerow(safe_row(cells))

    with (folder / ties_file).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow([ego_id, source, target, weight])
        for t in range(tables.n_ties):
            s, g = int(tables.tie_src[t]), int(tables.tie_tgt[t])
            cells = [
                tables.ego_ids[int(tables.alter_ego[s])],
                tables.alter_keys[s],
                tables.alter_keys[g],
            ]
            value = math.nan if tables.tie_weight is None else float(tables.tie_weight[t])
            cells.append("NA" if math.isnan(value) else repr(value))
            w.writerow(safe_row(cells))
