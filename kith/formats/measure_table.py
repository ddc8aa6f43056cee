"""Write a measure table (one row per map, one column per measure) as CSV or Parquet.

The input is the column dict of :func:`kith.network.batch.batch_measures`: name → numpy array,
``int64`` for counts, ``float64`` with ``nan`` for undefined values, ``object`` for text.

- CSV: a header row, ``,`` separated, ``\\n`` line ends, fields quoted only when needed (as
  Python's :mod:`csv` does); ``nan`` and ``None`` are empty cells; floats are written with the
  shortest text that reads back to the same number (Python's ``repr``); integers as integers.
  Text cells a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) get an
  apostrophe in front (:mod:`kith.formats.csv_safe`); numbers, negative ones included, never do.
- Parquet (needs ``pyarrow``: ``pip install kith[parquet]``): ``int64``, ``double`` and
  ``string`` columns, ``nan`` and ``None`` as nulls.

Columns are converted to text a column at a time, formatting each distinct number once and
spreading the texts back with numpy: 100,000 rows of 90 columns take about a second.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from os import PathLike, fspath
from pathlib import Path
from typing import IO, Any, Literal, cast

import numpy as np

from kith.formats.csv_safe import safe_cell
from kith.formats.errors import FormatError

TableFormat = Literal["csv", "parquet"]

_SUFFIXES: dict[str, TableFormat] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_NEEDS_QUOTES = (",", '"', "\n", "\r")


def _quote(text: str) -> str:
    if any(c in text for c in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text_cells(values: np.ndarray[Any, Any]) -> list[str]:
    """One column as CSV cells.

    Numbers are formatted once per distinct value (measure columns repeat a few thousand
    values over 100,000 rows: ratios of small counts), then spread back with numpy.
    """
    if values.dtype.kind in "iubf":
        numbers = values.astype(np.int64 if values.dtype.kind in "iub" else np.float64)
        distinct, inverse = np.unique(numbers, return_inverse=True)
        texts = [repr(v) for v in distinct.tolist()]  # int → "3", float → shortest round trip
        if numbers.dtype.kind == "f" and texts and texts[-1] == "nan":  # nan sorts last
            texts[-1] = ""
        cells: list[str] = np.asarray(texts, dtype=object)[inverse.ravel()].tolist()
        return cells
    out: list[str] = []
    for v in values.tolist():
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
        elif isinstance(v, float):
            out.append(repr(v))
        else:
            out.append(_quote(safe_cell(str(v))))
    return out


def _check(columns: Mapping[str, np.ndarray[Any, Any]]) -> int:
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError("measure table: columns differ in length")
    return lengths.pop() if lengths else 0


def measure_table_csv(columns: Mapping[str, np.ndarray[Any, Any]]) -> str:
    """The CSV text of a measure table (header row first, ``\\n`` after every row).

    >>> import numpy as np
    >>> cols = {"ego_id": np.array(["a", "b,c"], dtype=object), "size": np.array([2, 0]),
    ...         "density": np.array([1 / 3, np.nan])}
    >>> print(measure_table_csv(cols), end="")
    ego_id,size,density
    a,2,0.3333333333333333
    "b,c",0,
    """
    n_rows = _check(columns)
    header = ",".join(_quote(safe_cell(str(name))) for name in columns)
    if not columns:
        return "\n"
    cells = [_text_cells(np.asarray(values)) for values in columns.values()]
    body = "\n".join(map(",".join, zip(*cells, strict=True)))
    return header + "\n" + body + ("\n" if n_rows else "")


def _arrow_table(columns: Mapping[str, np.ndarray[Any, Any]]) -> Any:
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "writing Parquet needs pyarrow: pip install kith[parquet] (or pip install pyarrow)"
        ) from None
    arrays = []
    for values in columns.values():
        values = np.asarray(values)
        if values.dtype.kind in "iub":
            arrays.append(pa.array(values.astype(np.int64), type=pa.int64()))
        elif values.dtype.kind == "f":
            floats = values.astype(np.float64)
            arrays.append(pa.array(floats, type=pa.float64(), mask=np.isnan(floats)))
        else:
            items = [
                None if v is None or (isinstance(v, float) and v != v) else str(v)
                for v in values.tolist()
            ]
            arrays.append(pa.array(items, type=pa.string()))
    return pa.Table.from_arrays(arrays, names=[str(k) for k in columns])


def _format_of(out: Any, format: TableFormat | None) -> TableFormat:
    if format is not None:
        if format not in ("csv", "parquet"):
            raise FormatError(f"unknown table format {format!r}; expected csv or parquet")
        return format
    if isinstance(out, str | PathLike):
        suffix = Path(fspath(out)).suffix.lower()
        if suffix not in _SUFFIXES:
            raise FormatError(
                f"cannot tell the table format from the suffix {suffix!r}; "
                "use .csv or .parquet, or give the format",
                file=fspath(out),
            )
        return _SUFFIXES[suffix]
    return "csv"


def write_measure_table(
    columns: Mapping[str, np.ndarray[Any, Any]],
    out: str | PathLike[str] | IO[str] | IO[bytes],
    format: TableFormat | None = None,
) -> None:
    """Write a measure table to a file or stream.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        Column name → values (all the same length), as from
        :func:`kith.network.batch.batch_measures`.
    out : path or stream
        A file path, a text stream (CSV) or a binary stream (CSV in UTF-8, or Parquet).
    format : {"csv", "parquet"}, optional
        Default: from the suffix of ``out`` (``.csv``, ``.parquet``, ``.pq``); CSV for streams.

    Raises
    ------
    FormatError
        The format is unknown or cannot be told from the file name.
    ImportError
        Parquet was asked for and ``pyarrow`` is not installed.
    """
    fmt = _format_of(out, format)
    if fmt == "parquet":
        table = _arrow_table(columns)
        import pyarrow.parquet as pq

        if isinstance(out, io.TextIOBase):
            raise FormatError("Parquet needs a file path or a binary stream, not a text stream")
        pq.write_table(table, fspath(out) if isinstance(out, str | PathLike) else out)
        return
    text = measure_table_csv(columns)
    if isinstance(out, str | PathLike):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    elif isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
        cast("IO[str]", out).write(text)
    else:
        cast("IO[bytes]", out).write(text.encode("utf-8"))
