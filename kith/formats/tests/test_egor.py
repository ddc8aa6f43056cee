"""egor three-table reader and writer: reference data sets, round trips and every error.

The reader has two engines (``engine="python"``: the csv module; ``"pyarrow"``: pyarrow.csv and
pyarrow.compute). Tests that take the ``engine`` fixture run with both; the rest of the file
checks that both give equal Tables (fields compared exactly, category order included) and equal
errors on the reference data, the bundled example and folders made by hypothesis.
"""

# The tests pass text where the model takes enums ("family", {"emotional"}), as users do;
# Member normalises it on construction, so mypy's arg-type check is off for this file.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import csv
import io
import tempfile
import time
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kith.formats import egor
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
HAVE_PYARROW = find_spec("pyarrow") is not None


@pytest.fixture(params=["python", "pyarrow"])
def engine(request: pytest.FixtureRequest) -> str:
    """Both reading engines (pyarrow's is skipped where pyarrow is not installed)."""
    if request.param == "pyarrow" and not HAVE_PYARROW:
        pytest.skip("pyarrow is not installed (pip install kith[parquet])")
    return str(request.param)


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
def test_reference_data_sets_load(shared_data: Path, name: str, engine: str) -> None:
    weight = "weight" if name == "egor32" else None
    tables = read_egor_tables(shared_data / "egor" / name, weight=weight, engine=engine)
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


def test_unsorted_alters_are_grouped_stably(tmp_path: Path, engine: str) -> None:
    alters = ".egoID,.altID,sex\n2,x,m\n1,a,f\n2,y,\n1,b,m\n"
    ties = ".egoID,.srcID,.tgtID\n2,y,x\n1,a,b\n2,x,y\n"
    t = read_egor_tables(write(tmp_path, EGOS, alters, ties), engine=engine)
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
    tmp_path: Path, egos: str, alters: str, ties: str, where: str, field: str | None, engine: str
) -> None:
    folder = write(tmp_path, egos, alters, ties)
    with pytest.raises(FormatError) as info:
        read_egor_tables(folder, weight="w" if ",w\n" in ties else None, engine=engine)
    message = str(info.value)
    assert message.startswith(where), message
    assert info.value.field == field


def test_missing_file_and_non_utf8(tmp_path: Path, engine: str) -> None:
    folder = write(tmp_path, EGOS, ALTERS, TIES)
    (folder / "ties.csv").unlink()
    with pytest.raises(FormatError, match="file not found") as info:
        read_egor_tables(folder, engine=engine)
    assert info.value.file is not None and info.value.file.endswith("ties.csv")
    (folder / "ties.csv").write_text(TIES)
    (folder / "alters.csv").write_bytes(b".egoID,.altID,sex\n1,a,f\n1,b,\xe9\n")
    with pytest.raises(FormatError, match="not UTF-8") as info:
        read_egor_tables(folder, engine=engine)
    assert info.value.line == 3 and info.value.file == "alters.csv"


def test_quoted_multiline_field_line_numbers(tmp_path: Path, engine: str) -> None:
    # record 2 spans lines 3-4; the bad circle on record 3 ends on line 5
    alters = '.egoID,.altID,label,circle\n1,a,x,1\n1,b,"two\nlines",2\n1,c,y,9\n'
    with pytest.raises(FormatError) as info:
        read_egor_tables(write(tmp_path, EGOS, alters, TIES), engine=engine)
    assert info.value.line == 5


def test_reader_is_fast(tmp_path: Path, engine: str) -> None:
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
    t = read_egor_tables(folder, engine=engine)
    elapsed = time.process_time() - start
    assert (t.n_egos, t.n_alters, t.n_ties) == (20_000, 200_000, 200_000)
    assert elapsed < 5.0, f"{elapsed:.1f} s CPU for 200,000 alters"


# -- the two engines agree ---------------------------------------------------------------------


def assert_same(a: Tables, b: Tables) -> None:
    """Every field of two Tables equal, exactly: values, dtypes, category order and codes."""
    assert a.ego_ids == b.ego_ids
    assert a.alter_keys == b.alter_keys
    assert a.alter_labels == b.alter_labels
    for name in ("alter_ego", "tie_src", "tie_tgt", "tie_weight", "support_received"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert x.dtype == y.dtype, name
            np.testing.assert_array_equal(x, y, err_msg=name)
    if a.support_given is not None or b.support_given is not None:
        assert a.support_given is not None and b.support_given is not None
        np.testing.assert_array_equal(a.support_given, b.support_given)
    for name in ("ego_attrs", "alter_attrs"):
        x, y = getattr(a, name), getattr(b, name)
        assert list(x) == list(y), name
        for key in x:
            assert x[key].categories == y[key].categories, (name, key)
            assert x[key].codes.dtype == y[key].codes.dtype, (name, key)
            np.testing.assert_array_equal(x[key].codes, y[key].codes, err_msg=f"{name} {key}")


def fast(folder: Path, weight: str | None = None) -> Tables:
    """The folder read by the pyarrow engine alone (no handing over to the csv module)."""
    pytest.importorskip("pyarrow")
    tables = egor._read_arrow(egor._Options(folder, weight=weight))
    assert tables is not None, "the pyarrow reader handed over to the csv module"
    return tables


def outcome(folder: Path, engine: str, weight: str | None) -> Tables | tuple[object, ...]:
    """The Tables read, or the error raised as (message, file, line, field)."""
    try:
        return read_egor_tables(folder, weight=weight, engine=engine)
    except FormatError as err:
        return (str(err), err.file, err.line, err.field)


def assert_engines_agree(folder: Path, weight: str | None = None) -> Tables | None:
    """Both engines give equal Tables or the same error; the Tables if any."""
    pytest.importorskip("pyarrow")
    pure, arrow = outcome(folder, "python", weight), outcome(folder, "pyarrow", weight)
    if isinstance(pure, Tables):
        assert isinstance(arrow, Tables), arrow
        assert_same(pure, arrow)
        return pure
    assert arrow == pure
    return None


@pytest.mark.parametrize("name", list(COUNTS))
def test_engines_agree_on_reference_data(shared_data: Path, name: str) -> None:
    folder = shared_data / "egor" / name
    weight = "weight" if name == "egor32" else None
    assert_same(fast(folder, weight), read_egor_tables(folder, weight=weight, engine="python"))


def test_engines_agree_on_example() -> None:
    assert_same(
        fast(EXAMPLE, "weight"), read_egor_tables(EXAMPLE, weight="weight", engine="python")
    )


def test_engine_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write(tmp_path, EGOS, ALTERS, TIES)
    with pytest.raises(ValueError, match="engine must be one of"):
        read_egor_tables(folder, engine="pandas")
    expected = read_egor_tables(folder, engine="python")
    monkeypatch.setattr(egor, "_pyarrow_available", lambda: False)  # as without kith[parquet]
    with pytest.raises(ImportError, match="kith\\[parquet\\]"):
        read_egor_tables(folder, engine="pyarrow")
    monkeypatch.setattr(egor, "AUTO_PYARROW_BYTES", 0)
    assert_same(read_egor_tables(folder), expected)  # auto: the csv module


def test_auto_uses_pyarrow_for_large_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyarrow")
    folder = write(tmp_path, EGOS, ALTERS, TIES)
    used: list[str] = []
    real = egor._read_arrow

    def spy(options: egor._Options) -> Tables | None:
        used.append("pyarrow")
        return real(options)

    monkeypatch.setattr(egor, "_read_arrow", spy)
    read_egor_tables(folder)
    assert used == []  # a small folder: the csv module is quicker than importing pyarrow
    monkeypatch.setattr(egor, "AUTO_PYARROW_BYTES", 0)
    read_egor_tables(folder)
    assert used == ["pyarrow"]


def test_progress_counts_the_three_tables(tmp_path: Path, engine: str) -> None:
    calls: list[tuple[int, int]] = []
    folder = write(tmp_path, EGOS, ALTERS, TIES)
    read_egor_tables(
        folder, engine=engine, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


# Text that pyarrow and the csv module read the same way (pyarrow reads it) and text where
# they may differ (the csv module reads it; pyarrow hands over): either way, same result.
@pytest.mark.parametrize(
    ("alters", "pyarrow_reads"),
    [
        ('".egoID",".altID","sex"\n"1","a","f"\n"1","b",NA\n"2","a",""\n', True),  # R's quoting
        (".egoID,.altID,sex\r\n1,a,f\r\n\r\n1,b,m\r\n2,a,m", True),  # CRLF, blank line, no EOL
        (".egoID,.altID,sex\r1,a,f\r1,b,m\r2,a,m\r", True),  # old Mac line ends
        ('.egoID,.altID,label\n1,a,"Sister, ""Jo""\nand more"\n1,b, x \n2,a,NA\n', True),
        ("\ufeff.egoID,.altID,sex\n1,a,f\n1,b,m\n2,a,é\n", True),  # byte-order mark, UTF-8
        ('.egoID,.altID,label\n1,a,say "hi"\n1,b,x\n2,a,y\n', False),  # quote in unquoted field
        ('.egoID,.altID,label\n1,a,"x"y\n1,b,x\n2,a,y\n', False),  # text after closing quote
        ('.egoID,.altID,label\n1,a, "x"\n1,b,x\n2,a,y\n', False),  # blank before opening quote
        ("\n.egoID,.altID,sex\n1,a,f\n1,b,m\n2,a,m\n", False),  # blank line before the header
    ],
)
def test_engines_agree_on_odd_text(tmp_path: Path, alters: str, pyarrow_reads: bool) -> None:
    pytest.importorskip("pyarrow")
    folder = write(tmp_path, EGOS, "", TIES)
    (folder / "alters.csv").write_bytes(alters.encode())
    assert assert_engines_agree(folder) is not None
    assert (egor._read_arrow(egor._Options(folder)) is not None) == pyarrow_reads


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_nul_byte_is_refused_by_both_engines(tmp_path: Path, engine: str) -> None:
    # A NUL byte means a binary file or UTF-16 without a byte-order mark (tests/hostile).
    pytest.importorskip("pyarrow")
    folder = write(tmp_path, EGOS, ".egoID,.altID,label\n1,a,x\0y\n1,b,x\n2,a,y\n", TIES)
    with pytest.raises(FormatError, match=r"alters.csv, line 2: NUL byte"):
        read_egor_tables(folder, engine=engine)


def test_field_size_limit_is_the_csv_modules(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    label = "x" * 3000
    folder = write(tmp_path, EGOS, f".egoID,.altID,label\n1,a,{label}\n1,b,y\n", TIES)
    old = csv.field_size_limit(1000)
    try:
        assert egor._read_arrow(egor._Options(folder)) is None
        with pytest.raises(FormatError, match="not valid CSV: field larger than field limit"):
            read_egor_tables(folder, engine="pyarrow")
    finally:
        csv.field_size_limit(old)
    assert fast(folder).alter_labels == (label, "y")


# -- hypothesis: folders as researchers' tools write them ---------------------------------------

TOKENS = [*"abcXYZ019 ,;\"'\n\r\t-é\xa0", "NA", "na", " NA "]
TEXT = st.lists(st.sampled_from(TOKENS), max_size=4).map("".join)
IDS = st.sampled_from(["1", "2", "10", " 3", "4 ", "a", "b", "B", "x y", "é"])
CORE = {
    "kind": st.sampled_from(["person", "PERSON", " group", "place", "NA", ""]),
    "relationship": st.sampled_from(["family", "friend", "NA", "", " Friend "]),
    "circle": st.sampled_from(["1", "2", "3", "1.0", " 2", "NA", ""]),
    "support_received": st.sampled_from(
        ["emotional", "emotional;practical", "NA", "", "practical, information"]
    ),
    "wish": st.sampled_from(["more", "less", "none", "NA"]),
}
WEIGHTS = st.sampled_from(["1", "0.5", " 2", "NA", "", "1e-3", "-1", "3.0"])


@st.composite
def folders(draw: st.DrawFn) -> tuple[dict[str, list[list[str]]], str | None]:
    """Three tables (header + rows of text) that the csv module may or may not accept."""
    egos = draw(st.lists(IDS, min_size=0, max_size=5, unique_by=str.strip))
    ego_cols = draw(st.lists(st.sampled_from(["sex", "age", "group"]), unique=True, max_size=2))
    ego_rows = [[e, *(draw(TEXT) for _ in ego_cols)] for e in egos]
    core = draw(st.lists(st.sampled_from(sorted(CORE)), unique=True, max_size=3))
    free = draw(st.lists(st.sampled_from(["gender", "age", "country"]), unique=True, max_size=2))
    label = draw(st.booleans())
    alter_rows: list[list[str]] = []
    members: list[tuple[str, str]] = []
    for e in egos:
        for a in draw(st.lists(IDS, max_size=4, unique_by=str.strip)):
            members.append((e, a))
            row = [draw(st.sampled_from([e, e.strip(), f" {e.strip()} "])), a]
            row += [draw(TEXT)] if label else []
            row += [draw(CORE[c]) for c in core] + [draw(TEXT) for _ in free]
            alter_rows.append(row)
    alter_rows = draw(st.permutations(alter_rows))  # unsorted alters
    tie_rows: list[list[str]] = []
    if members:
        for _ in range(draw(st.integers(0, 8))):
            e, s = draw(st.sampled_from(members))
            others = [a for f, a in members if f == e and a.strip() != s.strip()]
            if not others:
                continue
            t = draw(st.sampled_from(others))
            if draw(st.booleans()):
                s, t = t, s  # the same pair in the other direction
            tie_rows.append([e, s, t, draw(WEIGHTS)])
    if draw(st.integers(0, 9)) == 0 and alter_rows:  # now and then an error
        alter_rows[draw(st.integers(0, len(alter_rows) - 1))][0] = "nobody"
    tables = {
        "egos.csv": [[".egoID", *ego_cols], *ego_rows],
        "alters.csv": [
            [".egoID", ".altID", *(["label"] if label else []), *core, *free],
            *alter_rows,
        ],
        "ties.csv": [[".egoID", ".srcID", ".tgtID", "weight"], *tie_rows],
    }
    return tables, draw(st.sampled_from(["weight", None]))


def write_tables(folder: Path, tables: dict[str, list[list[str]]], quoting: int, eol: str) -> None:
    for name, rows in tables.items():
        out = io.StringIO()
        csv.writer(out, quoting=quoting, lineterminator=eol).writerows(rows)
        (folder / name).write_text(out.getvalue(), encoding="utf-8", newline="")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=folders(),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_engines_agree_on_generated_folders(
    data: tuple[dict[str, list[list[str]]], str | None], quoting: int, eol: str
) -> None:
    pytest.importorskip("pyarrow")
    tables, weight = data
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        write_tables(folder, tables, quoting, eol)
        read = assert_engines_agree(folder, weight)
        event("read" if read is not None else "error")
        if read is not None:  # what csv.writer writes, pyarrow reads itself
            assert_same(fast(folder, weight), read)
            event(f"{read.n_alters} alters, {read.n_ties} ties")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.sampled_from([*'1ab ,"\r\n', "NA", "\ufeff", '""', "\n1,", "\r\na,", "\n1,b"]),
        max_size=30,
    ).map("".join)
)
def test_engines_agree_on_any_alters_text(text: str) -> None:
    # any text at all as alters.csv: same Tables or same located error
    pytest.importorskip("pyarrow")
    with tempfile.TemporaryDirectory() as d:
        folder = write(Path(d), ".egoID\n1\na\n", "", ".egoID,.srcID,.tgtID\n")
        (folder / "alters.csv").write_bytes((".egoID,.altID," + text).encode())
        read = assert_engines_agree(folder)
        event("error" if read is None else f"read {read.n_alters} alters")
        if read is not None:
            by_pyarrow = egor._read_arrow(egor._Options(folder)) is not None
            event("pyarrow read it" if by_pyarrow else "pyarrow handed over")


FIELD = st.lists(
    st.sampled_from(["1", "a", "b", " ", '"', '""', "x,y", "\n", "NA", "é"]), max_size=3
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["1", "a", '"1"', " a", '"a" ', 'a"']),
            st.sampled_from(["{}", '"{}"', " {}", '"{}" ', '{}"', '"{}""x"']),
            FIELD,
        ),
        max_size=6,
    ),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_engines_agree_on_any_quoting(rows: list[tuple[str, str, list[str]]], eol: str) -> None:
    # fields that may or may not be quoted properly, as hand-edited files have them
    pytest.importorskip("pyarrow")
    lines = [".egoID,.altID,label"]
    lines += [f"{e},{a.format(f'k{i}')},{''.join(label)}" for i, (e, a, label) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as d:
        folder = write(Path(d), ".egoID\n1\na\n", "", ".egoID,.srcID,.tgtID\n")
        (folder / "alters.csv").write_bytes(eol.join(lines).encode())
        read = assert_engines_agree(folder)
        event("error" if read is None else f"read {min(read.n_alters, 2)}+ alters")
        if read is not None and read.n_alters:
            by_pyarrow = egor._read_arrow(egor._Options(folder)) is not None
            event("pyarrow read it" if by_pyarrow else "pyarrow handed over")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=12),
    queries=st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 6)), max_size=12),
)
def test_alter_row_layouts_agree(
    pairs: list[tuple[int, int]], queries: list[tuple[int, int]]
) -> None:
    # the reader finds a tie's alters by (ego, alter id code) in one of three layouts
    ego = np.array([e for e, _ in pairs], dtype=np.int64)
    ids = [i for _, i in pairs]
    first = {i: c for c, i in enumerate(dict.fromkeys(ids))}  # codes by first appearance
    codes = np.array([first[i] for i in ids], dtype=np.int64)
    n_ids = max(len(first), 1)
    q_ego = np.array([e for e, _ in queries], dtype=np.int64)
    q_code = np.array([c if c < n_ids else -1 for _, c in queries], dtype=np.int64)
    layouts = ["dense", "sorted"] + (["code"] if len(first) == len(ids) and ids else [])
    found = {}
    for layout in layouts:
        rows = egor._AlterRows(ego, codes, 4, n_ids, layout=layout)
        found[layout] = (rows.duplicated, rows.rows(q_ego, q_code).tolist())
    expected_dup = len(set(zip(ego.tolist(), codes.tolist(), strict=True))) < len(pairs)
    where = {(e, c): r for r, (e, c) in enumerate(zip(ego.tolist(), codes.tolist(), strict=True))}
    expected = [
        where.get((e, c), -1) if c >= 0 else -1
        for e, c in zip(q_ego.tolist(), q_code.tolist(), strict=True)
    ]
    for layout, (dup, rows_found) in found.items():
        assert dup == expected_dup, layout
        if not dup:
            assert rows_found == expected, layout


@pytest.mark.parametrize(
    "egos", ['.egoID\n1\n""\n2\n', ".egoID\n1\n \n2\n", ".egoID\r\n1\r\n\r\n2"]
)
def test_engines_agree_on_one_column_egos(tmp_path: Path, egos: str) -> None:
    # a line holding only "" (an empty id) is a record, a truly empty line is not
    assert_engines_agree(write(tmp_path, egos, ALTERS, TIES))
