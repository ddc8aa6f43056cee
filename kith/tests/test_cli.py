"""The `kith` command end to end, as a researcher runs it (in a subprocess, output piped)."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "kith" / "examples" / "egor"


def kith(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kith.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=120,
    )


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_measures_on_egor32_matches_egor(shared_data: Path) -> None:
    # Expected densities and constraints: egor 1.25.10's own output (egor_measures.csv).
    folder = shared_data / "egor" / "egor32"
    result = kith("measures", str(folder), "--by", "country")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "piped output must be quiet (no progress bar)"
    ours = {row["ego_id"]: row for row in read_csv(result.stdout)}
    theirs = read_csv((folder / "egor_measures.csv").read_text())
    assert len(ours) == len(theirs) == 32
    for row in theirs:
        mine = ours[row[".egoID"]]
        assert int(mine["size"]) == int(row["netsize"])
        assert int(mine["ties"]) == int(row["n_ties"])
        assert math.isclose(float(mine["density"]), float(row["density"]), abs_tol=1e-9)
        assert math.isclose(float(mine["constraint"]), float(row["constraint"]), abs_tol=1e-9)
        assert math.isclose(float(mine["ei_country"]), float(row["comp_ei"]), abs_tol=1e-9)
    header = next(csv.reader(io.StringIO(result.stdout)))
    for column in (
        "ego_id",
        "size",
        "ties",
        "density",
        "mean_degree",
        "isolates",
        "components",
        "effective_size",
        "efficiency",
        "constraint",
        "blau_country",
        "iqv_country",
        "entropy_country",
        "ei_country",
        "share_country_Germany",
    ):
        assert column in header


def test_measures_weighted_density_matches_egor(shared_data: Path) -> None:
    # egor32's `density_weighted` column is egor's ego_density(weight = "weight").
    folder = shared_data / "egor" / "egor32"
    result = kith("measures", str(folder), "--weight", "weight")
    assert result.returncode == 0, result.stderr
    ours = {row["ego_id"]: float(row["density"]) for row in read_csv(result.stdout)}
    for row in read_csv((folder / "egor_measures.csv").read_text()):
        assert math.isclose(ours[row[".egoID"]], float(row["density_weighted"]), abs_tol=1e-9)


def test_undefined_values_are_empty_cells(shared_data: Path) -> None:
    # gss2004 has 84 egos without alters: density is undefined (egor: NA), size is 0.
    result = kith("measures", str(shared_data / "egor" / "gss2004"))
    assert result.returncode == 0, result.stderr
    rows = read_csv(result.stdout)
    empty = [r for r in rows if r["size"] == "0"]
    assert len(empty) == 84
    assert all(r["density"] == "" and r["constraint"] == "" for r in empty)


def test_measures_parquet_output(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "m.parquet"
    result = kith("measures", str(EXAMPLE), "--by", "relationship", "-o", str(out))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert "share_relationship_family" in table.column_names
    assert table.num_rows == len((EXAMPLE / "egos.csv").read_text().splitlines()) - 1


def test_convert_round_trip_keeps_measures(tmp_path: Path) -> None:
    as_json = tmp_path / "maps.json"
    back = tmp_path / "back"
    assert kith("convert", str(EXAMPLE), str(as_json)).returncode == 0
    result = kith("convert", str(as_json), str(back), "--to", "egor")
    assert result.returncode == 0, result.stderr
    before = kith("measures", str(EXAMPLE), "--by", "relationship").stdout
    after = kith("measures", str(back), "--by", "relationship").stdout
    assert before == after


def test_draw_writes_accessible_svg(tmp_path: Path) -> None:
    ego = read_csv((EXAMPLE / "egos.csv").read_text())[0][".egoID"]
    out = tmp_path / "map.svg"
    result = kith("draw", str(EXAMPLE), "--ego", ego, "-o", str(out))
    assert result.returncode == 0, result.stderr
    svg = out.read_text()
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert "<title" in svg and "<desc" in svg


def test_draw_unknown_ego_is_a_clear_error() -> None:
    result = kith("draw", str(EXAMPLE), "--ego", "no-such-person")
    assert result.returncode == 2
    assert "no map for ego 'no-such-person'" in result.stderr


def test_bad_input_names_file_line_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "egos.csv").write_text('".egoID"\n1\n2\n')
    (folder / "alters.csv").write_text('".egoID",".altID","circle"\n1,1,2\n1,2,7\n')
    (folder / "ties.csv").write_text('".egoID",".srcID",".tgtID"\n1,1,2\n')
    result = kith("measures", str(folder))
    assert result.returncode == 2
    assert result.stdout == ""
    message = result.stderr
    assert "alters.csv" in message and "line 3" in message and "circle" in message
