"""egor three-table reader and writer: reference data sets, round trips and every error."""

# The tests pass text where the model takes enums ("family", {"emotional"}), as users do;
# Member normalises it on construction, so mypy's arg-type check is off for this file.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from kith.formats.egor import read_egor, read_egor_tables, write_egor
from kith.formats.errors import FormatError
from kith.network.model import Kind, Member, Network, Relationship, Support, Tie
from kith.network.tables import Tables

# (egos, alters, ties) from the table in shared_data/egor/README.md; ties are tie *rows*
# there, minus the repeated pair of transnat ego 30 (3001/3008 listed twice) here.
COUNTS = {
    "egor32": (32, 384, 1056),
    "transnat": (50, 385, 698),
    "transnat_excl_notatall": (50, 385, 387),
    "gss2004": (298, 553, 522),
    "allbus_2010_simulated_freunde": (50, 78, 40),
    "allbus_2010_simulated_kontakte": (50, 135, 122),
}
EXAMPLE = Path(str(resources.files("kith.examples") / "egor"))


def decoded(t: Tables) -> dict[str, object]:
    """Tables as plain values (codes decoded), for equality regardless of category order."""
    offsets = t.alter_offsets()
    return {
        "egos": t.ego_ids,
        "sizes": np.diff(offsets).tolist(),
        "keys": t.alter_keys,
        "labels": t.alter_labels,
        "ego_attrs": {k: [c.value(i) for i in range(t.n_egos)] for k, c in t.ego_attrs.items()},
        "alter_attrs": {
            k: [c.value(i) for i in range(t.n_alters)] for k, c in t.alter_attrs.items()
        },
        "received": None if t.support_received is None else t.support_received.tolist(),
        "given": None if t.support_given is None else t.support_given.tolist(),
        "ties": list(zip(t.tie_src.tolist(), t.tie_tgt.tolist(), strict=True)),
        "weights": None if t.tie_weight is None else t.tie_weight.tolist(),
    }


@pytest.mark.parametrize("name", list(COUNTS))
def test_reference_data_sets_load(shared_data: Path, name: str) -> None:
    weight = "weight" if name == "egor32" else None
    tables = read_egor_tables(shared_data / "egor" / name, weight=weight)
    assert (tables.n_egos, tables.n_alters, tables.n_ties) == COUNTS[name]
    # netsize column of egor_measures.csv = our map sizes, ego by ego
    lines = (shared_data / "egor" / name / "egor_measures.csv").read_text().splitlines()[1:]
    assert tables.sizes().tolist() == [int(line.split(",")[1]) for line in lines]
    if name == "egor32":  # README: weights in {1/3, 2/3, 1}
        assert tables.tie_weight is not None
        assert sorted(set(np.round(tables.tie_weight, 6))) == [0.333333, 0.666667, 1.0]


@pytest.mark.parametrize("name", list(COUNTS))
def test_reference_round_trip(shared_data: Path, tmp_path: Path, name: str) -> None:
    weight = "weight" if name == "egor32" else None
    tables = read_egor_tables(shared_data / "egor" / name, weight=weight)
    write_egor(tables, tmp_path)
    again = read_egor_tables(tmp_path, weight="weight")
    assert decoded(again) == decoded(tables)
    nets = tables.to_networks()
    write_egor(nets, tmp_path / "nets")
    assert read_egor(tmp_path / "nets", weight="weight") == nets


def test_transnat_repeated_pair_keeps_first_row(shared_data: Path) -> None:
    # ties.csv rows for ego 30: "3001,3008,good" (line with the first) and "3008,3001,not at all"
    nets = read_egor(shared_data / "egor" / "transnat")
    ego30 = next(n for n in nets if n.ego_id == "30")
    pairs = [t.pair for t in ego30.ties]
    assert pairs.count(("3001", "3008")) == 1
    assert len(pairs) == 21  # 22 rows, one repeated


def test_example_maps() -> None:
    nets = read_egor(EXAMPLE, weight="weight")
    assert [n.size for n in nets] == [8, 12, 3, 0, 15, 5]
    e1 = nets[0]
    mum = e1.member("1")
    assert mum.label == "Mum" and mum.kind is Kind.PERSON
    assert mum.relationship is Relationship.FAMILY and mum.circle == 1
    assert mum.support_received == {Support.EMOTIONAL, Support.PRACTICAL}
    assert mum.attributes == {"gender": "woman"}
    assert e1.ego == {"gender": "woman", "age_band": "35-44"}
    assert e1.member("8").kind is Kind.PET
    weights = {t.pair: t.weight for t in e1.ties}
    assert weights[("1", "2")] == 1.0 and weights[("1", "4")] is None


def test_example_round_trip(tmp_path: Path) -> None:
    nets = read_egor(EXAMPLE, weight="weight")
    write_egor(nets, tmp_path)
    assert read_egor(tmp_path, weight="weight") == nets
    header = (tmp_path / "alters.csv").read_text().splitlines()[0]
    assert header.startswith(".egoID,.altID,label,kind,relationship,circle,contact")


def test_network_round_trip_with_every_field(tmp_path: Path) -> None:
    members = (
        Member(
            "a",
            label="Sister, older",  # a comma: must be quoted
            relationship="family",
            circle=1,
            contact="daily",
            support_received={"emotional", "practical"},
            support_given={"companionship"},
            feeling="mixed",
            wish="more",
            attributes={"gender": "woman"},
        ),
        Member("b", kind="group", relationship="peer", circle=2, label="Running club"),
        Member("c", kind="place", attributes={"gender": "NA-free text"}),
    )
    nets = [
        Network("p1", members, (Tie("a", "b", weight=0.5), Tie("b", "c")), ego={"sex": "f"}),
        Network("p2", (), (), ego={}),
        Network("p3", (Member("x"),), ()),
    ]
    write_egor(nets, tmp_path)
    assert read_egor(tmp_path, weight="weight") == nets
    assert "NA" in (tmp_path / "egos.csv").read_text()  # p2 has no sex: written as NA


def write(folder: Path, egos: str, alters: str, ties: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "egos.csv").write_text(egos)
    (folder / "alters.csv").write_text(alters)
    (folder / "ties.csv").write_text(ties)
    return folder


EGOS = ".egoID,sex\n1,f\n2,m\n3,NA\n"
ALTERS = ".egoID,.altID,sex\n1,a,f\n1,b,m\n2,a,m\n"
TIES = ".egoID,.srcID,.tgtID,w\n1,a,b,0.5\n"


def test_unsorted_alters_are_grouped_stably(tmp_path: Path) -> None:
    alters = ".egoID,.altID,sex\n2,x,m\n1,a,f\n2,y,\n1,b,m\n"
    ties = ".egoID,.srcID,.tgtID\n2,y,x\n1,a,b\n2,x,y\n"
    t = read_egor_tables(write(tmp_path, EGOS, alters, ties))
    assert t.alter_keys == ("a", "b", "x", "y")
    assert t.alter_ego.tolist() == [0, 0, 1, 1]
    assert [t.alter_attrs["sex"].value(i) for i in range(4)] == ["f", "m", "m", None]
    # ties point at the sorted rows; 2: y-x and x-y are one tie
    assert sorted(zip(t.tie_src.tolist(), t.tie_tgt.tolist(), strict=True)) == [(0, 1), (2, 3)]
    nets = t.to_networks()
    assert [n.size for n in nets] == [2, 2, 0]  # ego 3 has no alters: a map of size 0


@pytest.mark.parametrize(
    ("egos", "alters", "ties", "where", "field"),
    [
        (EGOS, ALTERS, ".egoID,.srcID\n", "ties.csv, line 1", ".tgtID"),
        (".egoID,sex\n1,f\n1,m\n", ALTERS, TIES, "egos.csv, line 3", ".egoID"),
        (EGOS, ".egoID,.altID\n1,a\n2,a\n1,a\n", TIES, "alters.csv, line 4", ".altID"),
        (EGOS, ".egoID,.altID\n1,a\n9,a\n", TIES, "alters.csv, line 3", ".egoID"),
        (EGOS, ALTERS, ".egoID,.srcID,.tgtID\n1,a,b\n1,a,z\n", "ties.csv, line 3", ".tgtID"),
        (EGOS, ALTERS, ".egoID,.srcID,.tgtID\n1,a,b\n2,a,b\n", "ties.csv, line 3", ".tgtID"),
        (EGOS, ALTERS, ".egoID,.srcID,.tgtID\n1,b,b\n", "ties.csv, line 2", ".tgtID"),
        (EGOS, ".egoID,.altID,circle\n1,a,1\n1,b,4\n", TIES, "alters.csv, line 3", "circle"),
        (EGOS, ".egoID,.altID,kind\n1,a,person\n1,b,robot\n", TIES, "alters.csv, line 3", "kind"),
        (
            EGOS,
            ".egoID,.altID,kind,relationship\n1,a,place,family\n",
            TIES,
            "alters.csv, line 2",
            "relationship",
        ),
        (
            EGOS,
            ".egoID,.altID,support_received\n1,a,emotional;money\n",
            TIES,
            "alters.csv, line 2",
            "support_received",
        ),
        (EGOS, ALTERS, ".egoID,.srcID,.tgtID,w\n1,a,b,lots\n", "ties.csv, line 2", "w"),
        (EGOS, ".egoID,.altID\n1,a\n1,b,extra\n", TIES, "alters.csv, line 3", None),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, egos: str, alters: str, ties: str, where: str, field: str | None
) -> None:
    folder = write(tmp_path, egos, alters, ties)
    with pytest.raises(FormatError) as info:
        read_egor_tables(folder, weight="w" if ",w\n" in ties else None)
    message = str(info.value)
    assert message.startswith(where), message
    assert info.value.field == field


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    folder = write(tmp_path, EGOS, ALTERS, TIES)
    (folder / "ties.csv").unlink()
    with pytest.raises(FormatError, match="file not found") as info:
        read_egor_tables(folder)
    assert info.value.file is not None and info.value.file.endswith("ties.csv")
    (folder / "ties.csv").write_text(TIES)
    (folder / "alters.csv").write_bytes(b".egoID,.altID,sex\n1,a,f\n1,b,\xe9\n")
    with pytest.raises(FormatError, match="not UTF-8") as info:
        read_egor_tables(folder)
    assert info.value.line == 3 and info.value.file == "alters.csv"


def test_quoted_multiline_field_line_numbers(tmp_path: Path) -> None:
    # record 2 spans lines 3-4; the bad circle on record 3 ends on line 5
    alters = '.egoID,.altID,label,circle\n1,a,x,1\n1,b,"two\nlines",2\n1,c,y,9\n'
    with pytest.raises(FormatError) as info:
        read_egor_tables(write(tmp_path, EGOS, alters, TIES))
    assert info.value.line == 5


def test_reader_is_fast(tmp_path: Path) -> None:
    # 20,000 egos x 10 alters and 10 ties each (200,000 rows per file)
    egos = ".egoID,sex\n" + "".join(f"{e},f\n" for e in range(20_000))
    alters = ".egoID,.altID,sex,circle\n" + "".join(
        f"{e},{a},{'fm'[a % 2]},{a % 3 + 1}\n" for e in range(20_000) for a in range(10)
    )
    ties = ".egoID,.srcID,.tgtID\n" + "".join(
        f"{e},{a},{(a + 1) % 10}\n" for e in range(20_000) for a in range(10)
    )
    folder = write(tmp_path, egos, alters, ties)
    start = time.process_time()
    t = read_egor_tables(folder)
    elapsed = time.process_time() - start
    assert (t.n_egos, t.n_alters, t.n_ties) == (20_000, 200_000, 200_000)
    assert elapsed < 5.0, f"{elapsed:.1f} s CPU for 200,000 alters"
