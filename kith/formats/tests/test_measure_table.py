"""Measure tables written as CSV and Parquet read back to the same values.

Expected values are the input columns themselves (a round trip through Python's ``csv``
module and through pyarrow).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kith.formats.errors import FormatError
from kith.formats.measure_table import measure_table_csv, write_measure_table


def _columns() -> dict[str, np.ndarray[Any, Any]]:
    return {
        "ego_id": np.array(["p1", "with, comma", 'with "quotes"', "multi\nline"], dtype=object),
        "size": np.array([3, 0, 12, -1], dtype=np.int64),
        "density": np.array([1 / 3, np.nan, 0.1 + 0.2, 1e-300]),
        "constraint": np.array([2.0, np.inf, -0.5, 123456789.123456789]),
        "typology": np.array(["mixed", None, "empty", "mixed"], dtype=object),
        "share_g_a,b": np.array([np.nan, np.nan, 0.25, 0.5]),
    }


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_round_trip_through_csv_module(tmp_path: Path) -> None:
    cols = _columns()
    path = tmp_path / "m.csv"
    write_measure_table(cols, path)
    rows = _read_csv(path.read_text(encoding="utf-8"))
    assert rows[0] == list(cols)
    assert len(rows) == 5
    body = rows[1:]
    for j, (name, values) in enumerate(cols.items()):
        for i, v in enumerate(values.tolist()):
            cell = body[i][j]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                assert cell == "", name
            elif values.dtype.kind == "f":
                assert float(cell) == v, name  # repr precision: exact round trip
            elif values.dtype.kind == "i":
                assert cell == str(v) and int(cell) == v, name
            else:
                assert cell == v, name


def test_csv_formats_as_documented() -> None:
    # ints as ints, floats as repr, nan/None empty, quoting only when needed
    text = measure_table_csv(
        {
            "a": np.array([1, 2]),
            "b": np.array([0.5, np.nan]),
            "c": np.array([None, "x"], dtype=object),
        }
    )
    assert text == "a,b,c\n1,0.5,\n2,,x\n"


def test_text_stream_binary_stream_and_format_argument(tmp_path: Path) -> None:
    cols = _columns()
    text = io.StringIO()
    write_measure_table(cols, text)
    binary = io.BytesIO()
    write_measure_table(cols, binary, format="csv")
    assert binary.getvalue().decode("utf-8") == text.getvalue() == measure_table_csv(cols)
    odd = tmp_path / "m.txt"
    write_measure_table(cols, odd, format="csv")
    assert odd.read_text(encoding="utf-8") == text.getvalue()
    with pytest.raises(FormatError, match=r"m\.txt"):
        write_measure_table(cols, odd)


def test_empty_table() -> None:
    cols = {"ego_id": np.array([], dtype=object), "size": np.array([], dtype=np.int64)}
    assert measure_table_csv(cols) == "ego_id,size\n"


def test_parquet_round_trip(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    cols = _columns()
    path = tmp_path / "m.parquet"
    write_measure_table(cols, path)
    table = pq.read_table(path)
    assert table.column_names == list(cols)
    assert table.schema.field("size").type == pa.int64()
    assert table.schema.field("density").type == pa.float64()
    assert table.schema.field("ego_id").type == pa.string()
    for name, values in cols.items():
        got = table.column(name).to_pylist()
        for g, v in zip(got, values.tolist(), strict=True):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                assert g is None, name  # nan and None become nulls
            else:
                assert g == v, name


def test_parquet_to_binary_stream() -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    write_measure_table(_columns(), buffer, format="parquet")
    buffer.seek(0)
    assert pq.read_table(buffer).num_rows == 4


def test_unequal_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        measure_table_csv({"a": np.array([1]), "b": np.array([1.0, 2.0])})
