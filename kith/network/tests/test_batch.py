"""Batch measures equal the per-map measures, map by map.

Expected numbers come from three places, named at each test: the per-map reference path
(:func:`kith.network.measures.measure_row`, looped by :func:`per_map_measures`), hand
calculation from the formulas in the spec (worked out in comments), and networkx's own
``constraint`` / ``effective_size`` on the ego graph as an independent implementation.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.network.batch import (
    batch_measures,
    batch_rows,
    measure_columns,
    per_map_measures,
)
from kith.network.measures import measure_row
from kith.network.model import RELATIONSHIP_KINDS, Kind, Member, Network, Support, Tie
from kith.network.tables import Tables

REPO = Path(__file__).resolve().parents[3]


def _member(key: str, **fields: Any) -> Member:
    """A member from loosely typed fields (text is normalised by the model)."""
    return Member(key, **fields)


def _net(
    ego_id: str, members: Sequence[Member] = (), ties: Sequence[Tie] = (), **kw: Any
) -> Network:
    return Network(ego_id, tuple(members), tuple(ties), **kw)


# -- comparison --------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return False
        fa, fb = float(a), float(b)
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return math.isclose(fa, fb, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def assert_columns_equal(
    got: Mapping[str, np.ndarray[Any, Any]], want: Mapping[str, np.ndarray[Any, Any]]
) -> None:
    assert list(got) == list(want)
    for name in want:
        g, w = got[name], want[name]
        assert len(g) == len(w), name
        if w.dtype.kind == "i" and len(w):
            assert g.dtype == np.int64, name
        for i, (x, y) in enumerate(zip(g.tolist(), w.tolist(), strict=True)):
            assert _same(x, y), f"column {name}, map {i}: batch {x!r} != per map {y!r}"


# -- random maps -------------------------------------------------------------------------------

GENDERS = [None, "a", "b", "c"]
SUPPORTS = st.sets(st.sampled_from(list(Support)), max_size=4)


@st.composite
def members(draw: st.DrawFn, key: str) -> Member:
    kind = draw(st.sampled_from(list(Kind)))
    relationship = None
    if kind in RELATIONSHIP_KINDS:
        relationship = draw(
            st.sampled_from([None, "family", "partner", "friend", "professional", "other"])
        )
    attributes: dict[str, Any] = {}
    if draw(st.booleans()):
        attributes["g"] = draw(st.sampled_from(GENDERS))
    if draw(st.booleans()):
        attributes["age"] = draw(st.sampled_from([None, 1, 2.0, 3.5, True]))
    return _member(
        key,
        kind=kind,
        relationship=relationship,
        circle=draw(st.sampled_from([None, 1, 2, 3])),
        contact=draw(st.sampled_from([None, "daily", "weekly", "monthly", "less", "never"])),
        feeling=draw(st.sampled_from([None, "positive", "mixed", "negative"])),
        wish=draw(st.sampled_from([None, "none", "more", "less", "reconnect"])),
        support_received=frozenset(draw(SUPPORTS)),
        support_given=frozenset(draw(SUPPORTS)),
        attributes=attributes,
    )


@st.composite
def networks(draw: st.DrawFn, ego_id: str) -> Network:
    n = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 7]))
    ms = [draw(members(f"m{i}")) for i in range(n)]
    shape = draw(st.sampled_from(["random", "complete", "empty"]))
    weights = draw(st.sampled_from(["none", "some", "all"]))
    ties = []
    for i in range(n):
        for j in range(i + 1, n):
            if shape == "empty" or (shape == "random" and not draw(st.booleans())):
                continue
            w = None
            if weights == "all" or (weights == "some" and draw(st.booleans())):
                w = draw(st.sampled_from([-1.0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0]))
            ties.append(Tie(f"m{i}", f"m{j}", weight=w))
    ego: dict[str, Any] = {"g": draw(st.sampled_from([*GENDERS, "z"]))}  # "z": no member has it
    if draw(st.booleans()):
        ego["circle"] = draw(st.sampled_from([None, 1, 2]))
    return _net(ego_id, ms, ties, ego=ego)


BY_CHOICES: list[Sequence[str] | Mapping[str, Sequence[str] | None]] = [
    (),
    ["g"],
    {"g": None, "kind": None, "circle": None},
    {"g": ["b", "a"], "relationship": None},  # a given list leaving "c" out
    {"age": None, "contact": None, "feeling": None, "wish": None},
    {"missing_attr": None, "g": ["a"]},  # an attribute nobody has; K = 1
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    count=st.integers(0, 8),
    by=st.sampled_from(BY_CHOICES),
    weight=st.booleans(),
    chunk=st.sampled_from([1, 3, 1000]),
)
def test_batch_equals_per_map(
    data: st.DataObject,
    count: int,
    by: Sequence[str] | Mapping[str, Sequence[str] | None],
    weight: bool,
    chunk: int,
) -> None:
    # expected: the per-map reference (measure_row looped over maps)
    nets = [data.draw(networks(f"e{i}")) for i in range(count)]
    want = per_map_measures(nets, by=by, weight=weight)
    tables = Tables.from_networks(nets)
    got = batch_measures(tables, by=by, weight=weight, chunk=chunk)
    assert_columns_equal(got, want)
    assert measure_columns(tables, by) == list(got)


def test_ties_out_of_ego_order_and_tables_without_optional_columns() -> None:
    # expected: the per-map reference on the same maps (to_networks of the same tables)
    nets = [
        _net("x", [_member("a"), _member("b"), _member("c")], [Tie("a", "b"), Tie("b", "c")]),
        _net("y", [_member("a"), _member("b")], [Tie("a", "b")]),
        _net("z", [_member("a"), _member("b"), _member("c")], [Tie("a", "c")]),
    ]
    packed = Tables.from_networks(nets)
    order = np.array([3, 0, 2, 1])
    tables = Tables(
        ego_ids=packed.ego_ids,
        alter_ego=packed.alter_ego,
        alter_keys=packed.alter_keys,
        tie_src=packed.tie_src[order],
        tie_tgt=packed.tie_tgt[order],
    )
    want = per_map_measures(tables.to_networks(), by=["kind"])
    assert_columns_equal(batch_measures(tables, by=["kind"], chunk=2), want)


def test_batch_rows_equal_measure_row() -> None:
    # expected: measure_row itself, including Python value types
    nets = [
        _net("p", [_member("a", relationship="family", contact="weekly"), _member("b")]),
        _net("q"),
    ]
    by = {"kind": None}
    rows = list(batch_rows(Tables.from_networks(nets), by=by))
    for row, net in zip(rows, nets, strict=True):
        want = measure_row(net, by=by)
        assert list(row) == list(want)
        for k in want:
            assert type(row[k]) is type(want[k]), k
            assert _same(row[k], want[k]), k


def test_no_maps() -> None:
    # expected: zero-length columns, the same names as the per-map path
    cols = batch_measures(Tables.from_networks([]), by=["g"])
    assert all(len(v) == 0 for v in cols.values())
    assert list(cols) == list(per_map_measures([], by=["g"]))


def test_progress_is_called_per_chunk() -> None:
    nets = [_net(f"e{i}", [_member("a")]) for i in range(5)]
    calls: list[tuple[int, int]] = []
    batch_measures(Tables.from_networks(nets), progress=lambda d, t: calls.append((d, t)), chunk=2)
    assert calls == [(2, 5), (4, 5), (5, 5)]


# -- hand-checked maps -------------------------------------------------------------------------


def _ego_graph(net: Network) -> nx.Graph[Any]:
    g: nx.Graph[Any] = nx.Graph()
    g.add_nodes_from(["EGO", *net.keys()])
    g.add_edges_from(t.pair for t in net.ties)
    g.add_edges_from(("EGO", k) for k in net.keys())  # noqa: SIM118
    return g


def _one(net: Network, by: Any = ()) -> dict[str, Any]:
    cols = batch_measures(Tables.from_networks([net]), by=by)
    return {k: v[0].item() if hasattr(v[0], "item") else v[0] for k, v in cols.items()}


def test_star() -> None:
    # centre a tied to b, c, d; n = 4, t = 3.
    g = {"a": "f", "b": "f", "c": "m", "d": None}
    net = _net(
        "star",
        [_member(k, attributes={"g": v}) for k, v in g.items()],
        [Tie("a", "b"), Tie("a", "c"), Tie("a", "d")],
        ego={"g": "f"},
    )
    r = _one(net, by=["g"])
    assert (r["size"], r["ties"], r["isolates"], r["components"]) == (4, 3, 0, 1)
    assert r["density"] == pytest.approx(0.5)  # 3 / (4·3/2)
    assert r["mean_degree"] == pytest.approx(1.5)  # 2·3/4
    assert r["largest_component_share"] == 1.0
    assert r["effective_size"] == pytest.approx(2.5)  # 4 − 1.5
    assert r["efficiency"] == pytest.approx(0.625)  # 2.5 / 4
    # deg a = 3, b = c = d = 1. Σ_{q~j} 1/(deg_q+1): a → 3·½ = 1.5; b, c, d → ¼.
    # c = (1/16)·((1 + 1.5)² + 3·(1 + ¼)²) = (6.25 + 4.6875)/16 = 0.68359375
    assert r["constraint"] == pytest.approx(0.68359375, abs=1e-12)
    assert r["constraint"] == pytest.approx(nx.constraint(_ego_graph(net))["EGO"], abs=1e-12)
    assert r["effective_size"] == pytest.approx(nx.effective_size(_ego_graph(net))["EGO"])
    # non-adjacent pairs bc, bd, cd: each has one common neighbour (a) → 3 · ½
    assert r["ego_betweenness"] == pytest.approx(1.5)
    # g over members with a value: f, f, m (d missing); K = (f, m)
    assert r["categories_g"] == 2
    assert r["blau_g"] == pytest.approx(4 / 9)  # 1 − (2/3)² − (1/3)²
    assert r["iqv_g"] == pytest.approx(8 / 9)  # (4/9) / (1 − 1/2)
    assert r["entropy_g"] == pytest.approx(-(2 / 3) * math.log2(2 / 3) - (1 / 3) * math.log2(1 / 3))
    assert r["ei_g"] == pytest.approx(-1 / 3)  # ego f: E = 1 (c), I = 2 (a, b)
    assert r["match_g"] == pytest.approx(2 / 3)
    assert r["aa_ei_g"] == pytest.approx(0.0)  # a–b internal, a–c external, a–d left out
    # rescaled: groups f 2, m 1, missing 1; internal pairs 1, external pairs 5;
    # (1/5 − 1/1) / (1/5 + 1/1) = −2/3
    assert r["aa_ei_rescaled_g"] == pytest.approx(-2 / 3)
    assert (r["share_g_f"], r["share_g_m"]) == (0.5, 0.25)


def test_triangle_plus_isolate() -> None:
    # a, b, c a triangle; d alone. n = 4, t = 3.
    net = _net("tri", [_member(k) for k in "abcd"], [Tie("a", "b"), Tie("b", "c"), Tie("a", "c")])
    r = _one(net)
    assert (r["ties"], r["isolates"], r["components"]) == (3, 1, 2)
    assert r["density"] == pytest.approx(0.5)
    assert r["largest_component_share"] == pytest.approx(0.75)  # 3 of 4
    assert r["effective_size"] == pytest.approx(2.5)  # 4 − 6/4
    # a, b, c: 2 · 1/(2+1) = 2/3 each; d: 0. c = (3·(5/3)² + 1²)/16 = (28/3)/16 = 7/12
    assert r["constraint"] == pytest.approx(7 / 12, abs=1e-12)
    assert r["constraint"] == pytest.approx(nx.constraint(_ego_graph(net))["EGO"], abs=1e-12)
    # ad, bd, cd not adjacent, no common neighbour: 1 each
    assert r["ego_betweenness"] == pytest.approx(3.0)


def test_four_cycle() -> None:
    # a–b–c–d–a. n = 4, t = 4, every degree 2.
    net = _net(
        "c4",
        [_member(k) for k in "abcd"],
        [Tie("a", "b"), Tie("b", "c"), Tie("c", "d"), Tie("a", "d")],
    )
    r = _one(net)
    assert (r["ties"], r["isolates"], r["components"]) == (4, 0, 1)
    assert r["density"] == pytest.approx(2 / 3)  # 4/6
    assert r["mean_degree"] == pytest.approx(2.0)
    assert r["effective_size"] == pytest.approx(2.0)  # 4 − 2
    assert r["efficiency"] == pytest.approx(0.5)
    # each member: 2 · 1/3 = 2/3; c = 4 · (5/3)² / 16 = 25/36
    assert r["constraint"] == pytest.approx(25 / 36, abs=1e-12)
    assert r["constraint"] == pytest.approx(nx.constraint(_ego_graph(net))["EGO"], abs=1e-12)
    # ac and bd are not adjacent, each with 2 common neighbours: 1/3 + 1/3
    assert r["ego_betweenness"] == pytest.approx(2 / 3)


def test_weighted_density_and_constraint() -> None:
    # a–b weight 2, b–c no weight (counts 1): Σw = 3 over 3 pairs → density 1.0.
    # W_a = 2, W_b = 3, W_c = 1. s_a = 2/(1+3) = 0.5; s_b = 2/(1+2) + 1/(1+1) = 7/6;
    # s_c = 1/(1+3) = 0.25. c = ((1.5)² + (13/6)² + (1.25)²)/9
    net = _net("w", [_member(k) for k in "abc"], [Tie("a", "b", weight=2.0), Tie("b", "c")])
    cols = batch_measures(Tables.from_networks([net]), weight=True)
    assert cols["density"][0] == pytest.approx(1.0)
    assert cols["constraint"][0] == pytest.approx((1.5**2 + (13 / 6) ** 2 + 1.25**2) / 9)
    unweighted = batch_measures(Tables.from_networks([net]))
    assert unweighted["density"][0] == pytest.approx(2 / 3)


def test_benchmark_quick_mode_runs() -> None:
    # the benchmark's smoke run: prints the markdown table
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_measures.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "speed ratio" in proc.stdout
