"""egor's three tables (egos, alters, alter–alter ties) as CSV: reader and writer.

The R package egor (tilltnet/egor) keeps ego-centred network data as three tables: one row per
ego (``.egoID`` + attributes), per alter (``.egoID``, ``.altID`` + attributes) and per
alter–alter tie (``.egoID``, ``.srcID``, ``.tgtID`` + attributes). Alter IDs are unique within
an ego only. This module reads the three CSV files straight into
:class:`~kith.network.tables.Tables` (one pass with the :mod:`csv` module, categories coded with
dicts, no :class:`~kith.network.model.Network` objects), so a study of a million alters loads in
seconds, and writes them back.

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

import csv
import functools
import gc
import io
import itertools
import math
import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kith.formats.errors import FormatError
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


class _Table:
    """One CSV file read whole: header and rows, with line numbers found on demand."""

    def __init__(self, path: Path, required: Sequence[str]) -> None:
        self.name = path.name
        if not path.is_file():
            raise FormatError("file not found", file=path)
        data = path.read_bytes()
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise FormatError(
                f"bytes that are not UTF-8 (at byte {err.start}); save the file as UTF-8",
                file=self.name,
                line=line,
            ) from None
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of small lists: the cyclic GC would rescan them again and again
        try:
            rows = list(filter(None, csv.reader(io.StringIO(self.text, newline=""))))
        except csv.Error as err:
            raise FormatError(f"not valid CSV: {err}", file=self.name) from None
        finally:
            if gc_was_enabled:
                gc.enable()
        if not rows:
            raise FormatError("the file is empty; expected a header row", file=self.name)
        self.header = [h.strip() for h in rows[0]]
        self.rows = rows[1:]
        for column in required:
            if column not in self.header:
                raise FormatError(
                    f"missing column; the header has {', '.join(self.header) or 'nothing'}",
                    file=self.name,
                    line=1,
                    field=column,
                )
        if len(set(self.header)) != len(self.header):
            twice = next(h for h in self.header if self.header.count(h) > 1)
            raise FormatError(
                "column appears twice in the header", file=self.name, line=1, field=twice
            )
        width = len(self.header)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise self.error(i, None, f"has {len(row)} fields; the header has {width}")
        self.columns: list[Sequence[str]] = [
            list(map(operator.itemgetter(i), self.rows)) for i in range(width)
        ]

    def column(self, name: str) -> Sequence[str]:
        return self.columns[self.header.index(name)]

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

    def error(self, record: int, field: str | None, problem: str) -> FormatError:
        return FormatError(problem, file=self.name, line=self.line(record), field=field)


def _stripped(values: Sequence[str]) -> Sequence[str]:
    """``values`` with surrounding blanks removed (a copy only when some value has them)."""
    unique = dict.fromkeys(values)
    mapping = {v: v.strip() for v in unique}
    if all(k == v for k, v in mapping.items()):
        return values
    return [mapping[v] for v in values]


def _positions(values: Sequence[str], lookup: dict[str, int]) -> tuple[Sequence[str], list[int]]:
    """``lookup[v]`` for each value (-1 if absent), retrying with blanks stripped if needed."""
    found = list(map(lookup.get, values, itertools.repeat(-1)))
    if found and min(found) < 0:
        values = _stripped(values)
        found = list(map(lookup.get, values, itertools.repeat(-1)))
    return values, found


def _free_column(values: Sequence[str]) -> Column:
    """Factorise a free column through :func:`category_text`, categories by first appearance."""
    by_text: dict[str, int] = {}
    by_raw: dict[str, int] = {}
    for raw in dict.fromkeys(values):
        text = category_text(raw)
        by_raw[raw] = -1 if text is None else by_text.setdefault(text, len(by_text))
    codes = np.fromiter(map(by_raw.__getitem__, values), dtype=np.int32, count=len(values))
    return Column(codes, tuple(by_text))


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
    table: _Table, name: str, parse: Callable[[str], int], dtype: Any, missing: int = -1
) -> np.ndarray[Any, Any]:
    """Codes of a validated column; a bad value raises naming its first line."""
    values = table.column(name)
    mapping: dict[str, int] = {}
    for raw in dict.fromkeys(values):
        try:
            mapping[raw] = missing if _missing(raw) else parse(raw)
        except ValueError as err:
            raise table.error(list(values).index(raw), name, str(err)) from None
    return np.fromiter(map(mapping.__getitem__, values), dtype=dtype, count=len(values))


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
) -> Tables:
    """Read egor's three CSV tables from ``folder`` into :class:`Tables`.

    ``progress(done, 3)`` is called after each table is read (for a progress bar).

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

    Raises
    ------
    FormatError
        Naming file, line and field: missing file or ID column, duplicate ego id, duplicate
        alter id within an ego, alter of an unknown ego, tie naming an unknown alter, self-tie,
        bad core-field value, non-numeric weight, bytes that are not UTF-8.

    Examples
    --------
    >>> from importlib import resources
    >>> folder = resources.files("kith.examples") / "egor"
    >>> tables = read_egor_tables(folder, weight="weight")
    >>> tables.n_egos, tables.ego_ids[0]
    (6, 'E1')
    """
    folder = Path(str(folder))
    # -- egos --------------------------------------------------------------------------------
    egos = _Table(folder / egos_file, [ego_id])
    ego_ids = list(_stripped(egos.column(ego_id)))
    ego_pos: dict[str, int] = {}
    for i, eid in enumerate(ego_ids):
        if _missing(eid):
            raise egos.error(i, ego_id, "missing ego id")
        if eid in ego_pos:
            raise egos.error(i, ego_id, f"ego id '{eid}' appears more than once")
        ego_pos[eid] = i
    ego_attrs = {h: _free_column(egos.column(h)) for h in egos.header if h != ego_id}

    if progress:
        progress(1, 3)

    # -- alters ------------------------------------------------------------------------------
    alters = _Table(folder / alters_file, [ego_id, alter_id])
    a_egos, pos_list = _positions(alters.column(ego_id), ego_pos)
    alter_ego = np.asarray(pos_list, dtype=np.int64)
    if len(alter_ego) and alter_ego.min() < 0:
        i = _first(alter_ego < 0)
        raise alters.error(i, ego_id, f"alter of ego '{a_egos[i]}', which is not in {egos_file}")
    alter_keys = list(_stripped(alters.column(alter_id)))
    n_alters = len(alter_keys)
    # alter identity: ego position * K + code of the alter id (K distinct alter ids)
    id_code = {k: i for i, k in enumerate(dict.fromkeys(alter_keys))}
    n_ids = max(len(id_code), 1)
    alter_int = alter_ego * n_ids + np.fromiter(
        map(id_code.__getitem__, alter_keys), dtype=np.int64, count=n_alters
    )
    by_int = np.argsort(alter_int, kind="stable")
    sorted_int = alter_int[by_int]
    repeated = sorted_int[1:] == sorted_int[:-1]
    if np.any(repeated) or any(_missing(k) for k in id_code):
        seen: set[tuple[int, str]] = set()
        for i, key in enumerate(zip(pos_list, alter_keys, strict=True)):
            if _missing(key[1]):
                raise alters.error(i, alter_id, "missing alter id")
            if key in seen:
                raise alters.error(
                    i, alter_id, f"alter id '{key[1]}' appears more than once for ego '{a_egos[i]}'"
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
            kind = alters.column("kind")[i].strip()
            raise alters.error(
                i, "relationship", f"a relationship does not apply to a member of kind '{kind}'"
            )
    support_masks = {
        h: _validated(alters, h, _support_code, np.uint8, missing=0)
        for h in alters.header
        if h in SUPPORT_FIELDS
    }
    labels: list[str] | None = None
    if LABEL_FIELD in alters.header:
        labels = ["" if _missing(v) else v.strip() for v in alters.column(LABEL_FIELD)]
    skip = {ego_id, alter_id, LABEL_FIELD, *CATEGORICAL_FIELDS, *SUPPORT_FIELDS}
    free = {h: _free_column(alters.column(h)) for h in alters.header if h not in skip}

    order: np.ndarray[Any, Any] | None = None
    new_index: np.ndarray[Any, Any] | None = None
    if n_alters > 1 and np.any(np.diff(alter_ego) < 0):
        order = np.argsort(alter_ego, kind="stable")
        new_index = np.empty_like(order)
        new_index[order] = np.arange(n_alters)
        alter_ego = alter_ego[order]
        alter_keys = [alter_keys[i] for i in order]
        if labels is not None:
            labels = [labels[i] for i in order]

    def take(arr: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return arr if order is None else arr[order]

    alter_attrs: dict[str, Column] = {
        h: Column(take(core_codes[h]), CATEGORICAL_FIELDS[h]) for h in core
    }
    for h, col in free.items():
        alter_attrs[h] = Column(take(col.codes), col.categories)

    if progress:
        progress(2, 3)

    # -- ties --------------------------------------------------------------------------------
    required = [ego_id, source, target] + ([weight] if weight else [])
    ties = _Table(folder / ties_file, required)
    t_egos, t_pos = _positions(ties.column(ego_id), ego_pos)
    if t_pos and min(t_pos) < 0:
        i = t_pos.index(-1)
        raise ties.error(i, ego_id, f"tie of ego '{t_egos[i]}', which is not in {egos_file}")
    ends: list[np.ndarray[Any, Any]] = []
    for name in (source, target):
        ids, code_list = _positions(ties.column(name), id_code)
        codes = np.asarray(code_list, dtype=np.int64)
        wanted = np.asarray(t_pos, dtype=np.int64) * n_ids + codes
        at = np.minimum(np.searchsorted(sorted_int, wanted), max(n_alters - 1, 0))
        rows_ = by_int[at] if n_alters else np.zeros(len(ids), dtype=np.int64)
        found = (codes >= 0) & (alter_int[rows_] == wanted) if n_alters else codes < -1
        rows_ = np.where(found, rows_, -1)
        if len(rows_) and rows_.min() < 0:
            i = _first(rows_ < 0)
            raise ties.error(
                i,
                name,
                f"names alter '{ids[i]}', which ego '{t_egos[i]}' does not have in {alters_file}",
            )
        ends.append(rows_ if new_index is None else new_index[rows_])
    a, b = ends
    if np.any(a == b):
        i = _first(a == b)
        raise ties.error(i, target, f"alter '{ties.column(source)[i].strip()}' is tied to itself")
    weights = np.full(len(a), np.nan)
    if weight is not None:
        mapping: dict[str, float] = {}
        raw_weights = ties.column(weight)
        for raw in dict.fromkeys(raw_weights):
            if _missing(raw):
                mapping[raw] = math.nan
                continue
            try:
                value = float(raw)
            except ValueError:
                value = math.inf
            if not math.isfinite(value):
                i = list(raw_weights).index(raw)
                raise ties.error(i, weight, f"{raw!r} is not a number")
            mapping[raw] = value
        weights = np.fromiter(map(mapping.__getitem__, raw_weights), dtype=np.float64, count=len(a))
    src, tgt = np.minimum(a, b), np.maximum(a, b)
    # a pair listed twice (either direction) is one tie: keep the first row
    _, first = np.unique(src * max(n_alters, 1) + tgt, return_index=True)
    keep = np.sort(first)
    src, tgt, weights = src[keep], tgt[keep], weights[keep]
    tie_weight = weights if weight is not None and np.any(~np.isnan(weights)) else None

    if progress:
        progress(3, 3)
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
            w.writerow([eid, *(_cell(tables.ego_attrs[n].value(e)) for n in ego_names)])

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
            w.writerow(cells)

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
            w.writerow(cells)
