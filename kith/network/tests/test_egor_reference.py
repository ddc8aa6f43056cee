"""Kith's per-map measures against egor's own output (shared_data/egor/*/egor_measures.csv).

Every expected number comes from egor_measures.csv, computed by egor 1.25.10 (measures.R in
the same folder). Where egor differs by design (its quirks are listed in the data README and
explained in docs/measures.md) the test asserts the documented difference exactly, per ego.
"""

# The tests pass text where the model takes enums ("family", {"emotional"}), as users do;
# Member normalises it on construction, so mypy's arg-type check is off for this file.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kith.formats.egor import read_egor_tables
from kith.network import measures as M
from kith.network.model import Network, Tie

# data set -> (alter attribute, ego attribute, numeric tie weight column), from measures.R
DATASETS: dict[str, tuple[str, str, str | None]] = {
    "egor32": ("country", "country", "weight"),
    "transnat": ("sex", "sex", None),
    "transnat_excl_notatall": ("sex", "sex", None),
    "gss2004": ("sex", "sex", None),
    "allbus_2010_simulated_freunde": ("GESCHLECHT", "GESCHLECHT_BEFRAGTE_R", None),
    "allbus_2010_simulated_kontakte": ("GESCHLECHT", "GESCHLECHT_BEFRAGTE_R", None),
}
MEASURES = [
    "netsize",
    "n_ties",
    "density",
    "ei",
    "ei_raw",
    "ei_grp",
    "comp_ei",
    "comp",
    "n",
    "comp_na",
    "diversity_count",
    "diversity_entropy",
    "blau_computed_in_R",
    "constraint",
    "dyads",
    "row_columns",
]
CASES = [(d, m) for d in DATASETS for m in MEASURES] + [("egor32", "density_weighted")]


@dataclass
class Ego:
    net: Network
    row: dict[str, Any]
    egor: dict[str, str]
    dup_pairs: list[tuple[str, str]]  # tie rows repeating an earlier pair (egor counts them)


@dataclass
class Data:
    attr: str
    categories: list[str]
    egos: list[Ego]


def num(text: str) -> float:
    return math.nan if text in ("NA", "NaN", "") else float(text)


def same(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return not math.isnan(actual) and abs(actual - expected) <= 1e-9


@cache
def load(folder: Path, name: str) -> Data:
    attr, ego_attr, weight = DATASETS[name]
    tables = read_egor_tables(folder, weight=weight)
    nets = tables.to_networks()
    categories = sorted({v for n in nets for m in n.members if (v := m.value(attr)) is not None})
    with (folder / "egor_measures.csv").open(encoding="utf-8") as fh:
        egor = list(csv.DictReader(fh))
    # the raw tie rows, to know which pairs egor counts twice
    rows: dict[str, list[tuple[str, str]]] = {}
    with (folder / "ties.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r[".egoID"], []).append(tuple(sorted((r[".srcID"], r[".tgtID"]))))
    egos = []
    assert [n.ego_id for n in nets] == [r[".egoID"] for r in egor]
    for net, ref in zip(nets, egor, strict=True):
        if ego_attr != attr:  # comp_ei compares GESCHLECHT with the ego's GESCHLECHT_BEFRAGTE_R
            net = replace(net, ego={**net.ego, attr: net.ego.get(ego_attr)})
        seen: set[tuple[str, str]] = set()
        dups = []
        for pair in rows.get(net.ego_id, []):
            if pair in seen:
                dups.append(pair)
            seen.add(pair)
        row = M.measure_row(net, by={attr: categories})
        egos.append(Ego(net, row, ref, dups))
    return Data(attr, categories, egos)


def dup_classes(ego: Ego, attr: str) -> tuple[int, int]:
    """(E, I) of the repeated pairs, classified like egor's EI."""
    e = i = 0
    for a, b in ego.dup_pairs:
        va, vb = ego.net.member(a).value(attr), ego.net.member(b).value(attr)
        if va is None or vb is None:
            continue
        if va == vb:
            i += 1
        else:
            e += 1
    return e, i


def check(data: Data, name: str) -> list[str]:
    """Differences from egor that are not the documented ones (empty = pass)."""
    attr = data.attr
    problems: list[str] = []

    def expect(ego: Ego, column: str, actual: Any, expected: float) -> None:
        if not same(float(actual), expected):
            problems.append(f"ego {ego.net.ego_id} {column}: kith {actual} egor {expected}")

    for ego in data.egos:
        ref, net, row = ego.egor, ego.net, ego.row
        n, t, dup = net.size, len(net.ties), len(ego.dup_pairs)
        if name == "netsize":
            expect(ego, name, row["size"], num(ref["netsize"]))
        elif name == "n_ties":
            # egor counts tie rows; Kith keeps the first of a repeated pair
            expect(ego, name, row["ties"] + dup, num(ref["n_ties"]))
        elif name == "density":
            # egor: rows / (n(n-1)/2), so a repeated pair adds 1 / (n(n-1)/2)
            kith = row["density"]
            expected = (t + dup) / (n * (n - 1) / 2) if n >= 2 else math.nan
            expect(ego, name, expected, num(ref["density"]))
            if not dup:
                expect(ego, name, kith, num(ref["density"]))
        elif name == "density_weighted":
            weighted = M.measure_row(net, weight=True)["density"]
            expect(ego, name, weighted, num(ref["density_weighted"]))
        elif name in ("ei", "ei_raw"):
            e, i = M.ei_counts(net, attr)
            de, di = dup_classes(ego, attr)
            if name == "ei_raw":
                # egor EI(rescale = FALSE) sums per-group counts: (2E - I) / (2E + I)
                ee, ii = e + de, i + di
                egor_raw = (2 * ee - ii) / (2 * ee + ii) if (t and 2 * ee + ii) else math.nan
                expect(ego, name, egor_raw, num(ref["ei_raw"]))
                kith_raw = (e - i) / (e + i) if e + i else math.nan
                expect(ego, "aa_ei", row[f"aa_ei_{attr}"], kith_raw)
            else:
                if dup:
                    # rescaled EI with the repeated pair counted again (egor counts rows)
                    groups = Counter(m.value(attr) for m in net.members)
                    pe = sum((n - k) * k for k in groups.values()) / 2
                    pi = sum(k * (k - 1) / 2 for k in groups.values())
                    ext, int_ = (e + de) / pe, (i + di) / pi
                    expect(ego, name, (ext - int_) / (ext + int_), num(ref["ei"]))
                else:
                    expect(ego, name, row[f"aa_ei_rescaled_{attr}"], num(ref["ei"]))
        elif name == "ei_grp":
            per_group = M.alter_alter_ei_groups(net, attr)
            for column, value in ref.items():
                if not column.startswith("ei_grp_"):
                    continue
                g = column[len("ei_grp_") :]
                if g == "<NA>":  # egor's NA group never has E or I ties: always NA
                    expect(ego, column, math.nan, num(value))
                elif not dup:
                    expect(ego, column, per_group.get(g, math.nan), num(value))
        elif name == "comp_ei":
            expect(ego, name, row[f"ei_{attr}"], num(ref["comp_ei"]))
        elif name in ("comp", "n"):
            comp = M.composition(net, attr, data.categories)
            for g in data.categories:
                count = comp.counts[g]
                kith = comp.shares[g] if name == "comp" else count
                # egor: a category absent from a map (or a map with no alters) is NA, not 0
                expected = num(ref[f"{name}_{g}"])
                expect(ego, f"{name}_{g}", kith if count else math.nan, expected)
                assert count or n == 0 or row[f"share_{attr}_{g}"] == 0.0
        elif name == "comp_na":
            comp = M.composition(net, attr, data.categories)
            if "n_<NA>" in ref:  # NA is egor's own category, in the denominator
                miss = comp.missing
                expect(ego, "n_<NA>", miss if miss else math.nan, num(ref["n_<NA>"]))
                expect(ego, "comp_<NA>", miss / n if miss else math.nan, num(ref["comp_<NA>"]))
            else:
                assert comp.missing == 0, "egor writes comp_<NA> whenever an NA occurs"
        elif name == "diversity_count":
            expect(ego, name, row[f"categories_{attr}"], num(ref["diversity_count"]))
        elif name == "diversity_entropy":
            # egor sums over an empty table and gives 0 where no alter has a value; Kith: nan
            kith = row[f"entropy_{attr}"]
            expected = num(ref["diversity_entropy"])
            if math.isnan(kith):
                assert not any(m.value(attr) for m in net.members)
                expect(ego, name, 0.0, expected)
            else:
                expect(ego, name, kith, expected)
        elif name == "blau_computed_in_R":
            expect(ego, name, row[f"blau_{attr}"], num(ref["blau_computed_in_R"]))
        elif name == "constraint":
            if dup:
                # egor (igraph) adds the weights of repeated rows: the pair weighs 2
                doubled = Network(
                    net.ego_id,
                    net.members,
                    tuple(
                        Tie(x.a, x.b, weight=1.0 + sum(p == x.pair for p in ego.dup_pairs))
                        for x in net.ties
                    ),
                )
                expect(ego, name, M.constraint(doubled, weight=True), num(ref["constraint"]))
            else:
                expect(ego, name, row["constraint"], num(ref["constraint"]))
        elif name == "dyads":
            dyads = Counter(M.count_dyads(net, attr))
            for a, b in ego.dup_pairs:
                va, vb = net.member(a).value(attr), net.member(b).value(attr)
                dyads["_".join(sorted(v for v in (va, vb) if v is not None))] += 1
            for column, value in ref.items():
                if column.startswith("dy_"):
                    key = column.split("_", 2)[2]
                    # egor leaves out egos without ties (NA); otherwise absent pairs are 0
                    expected = num(value)
                    expect(ego, column, dyads.get(key, 0) if t else math.nan, expected)
        elif name == "row_columns":
            # the measure row carries egor's numbers under Kith's names
            expect(ego, "ties", row["ties"], t)
            expect(ego, "match", row[f"match_{attr}"], M.share_matching_ego(net, attr))
            assert list(row)[: len(M.BASE_COLUMNS)] == list(M.BASE_COLUMNS)
        else:  # pragma: no cover
            raise AssertionError(name)
    return problems


@pytest.mark.parametrize(("dataset", "measure"), CASES)
def test_against_egor(shared_data: Path, dataset: str, measure: str) -> None:
    data = load(shared_data / "egor" / dataset, dataset)
    assert len(data.egos) > 0
    problems = check(data, measure)
    assert not problems, "\n".join(problems[:20])


def test_only_transnat_ego_30_has_a_repeated_pair(shared_data: Path) -> None:
    # data README: "ego 30 has the pair 3001/3008 twice (3001->3008 good, 3008->3001 not at all)"
    repeated = {
        (name, ego.net.ego_id): ego.dup_pairs
        for name in DATASETS
        for ego in load(shared_data / "egor" / name, name).egos
        if ego.dup_pairs
    }
    assert repeated == {("transnat", "30"): [("3001", "3008")]}


def test_transnat_ego_30_numbers(shared_data: Path) -> None:
    ego = next(
        e for e in load(shared_data / "egor" / "transnat", "transnat").egos if e.net.ego_id == "30"
    )
    # egor_measures.csv: n_ties 22, density 0.333333333333333 (22 rows / C(12,2) = 66)
    assert ego.net.size == 12 and num(ego.egor["n_ties"]) == 22
    assert ego.row["ties"] == 21
    assert ego.row["density"] == pytest.approx(21 / 66, abs=1e-12)
    assert num(ego.egor["density"]) == pytest.approx(22 / 66, abs=1e-12)
