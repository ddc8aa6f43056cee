"""Benchmark: the measure table for many maps, batch (numpy/scipy) vs a per-map networkx loop.

Run from the repository root::

    python benchmarks/bench_measures.py                 # N = 100,000 and 10,000, 3 repeats
    python benchmarks/bench_measures.py --quick         # small smoke run (a few seconds)
    python benchmarks/bench_measures.py --write-docs    # also update docs/benchmarks.md

Each measurement runs in a fresh subprocess, so its peak resident memory (``ru_maxrss``) is its
own. Synthetic maps are generated directly as :class:`~kith.network.tables.Tables` with a fixed
seed: sizes Poisson(15) clipped to 0..60, each member pair tied with probability 0.3, the core
fields ``kind``, ``relationship``, ``circle``, ``contact``, ``feeling``, ``wish``, a free
``gender`` attribute for egos and members, and support masks.

The networkx loop is timed on a sample of maps (``--sample``, default 2,000) and extrapolated
per map: building an ``nx.Graph`` with the ego for each map, then density, mean degree,
isolates, components, effective size, efficiency and constraint (networkx's own functions on
the ego graph), ego betweenness (``nx.betweenness_centrality`` of the ego) and gender
composition, Blau and ego–alter EI in plain Python. The per-map Python lists it starts from
are made before the clock starts. The batch side computes the full measure table
(``kith.network.batch.batch_measures`` with ``by=["gender", "relationship"]``, 80+ columns).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _common import cpu_model, run_worker, write_docs_section  # noqa: E402

from kith.network.model import CATEGORICAL_FIELDS  # noqa: E402
from kith.network.tables import Column, Tables  # noqa: E402

SEED = 20240601
MEAN_SIZE = 15
MAX_SIZE = 60
DENSITY = 0.3
BY = ["gender", "relationship"]


# -- synthetic data ---------------------------------------------------------------------------


def _categorical(
    rng: np.random.Generator, n: int, categories: tuple[str, ...], p: list[float], missing: float
) -> Column:
    codes = rng.choice(len(categories), size=n, p=np.asarray(p) / np.sum(p)).astype(np.int32)
    codes[rng.random(n) < missing] = -1
    return Column(codes, categories)


def synthetic_tables(n_egos: int, seed: int = SEED) -> Tables:
    """``n_egos`` random maps as tables, generated with numpy (no per-map Python loop)."""
    rng = np.random.default_rng(seed)
    sizes = np.clip(rng.poisson(MEAN_SIZE, n_egos), 0, MAX_SIZE).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_alters = int(offsets[-1])
    alter_ego = np.repeat(np.arange(n_egos, dtype=np.int64), sizes)

    # ties: for each size, every pair of every map of that size, kept with probability DENSITY
    src_parts, tgt_parts = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        egos = np.flatnonzero(sizes == size)
        iu, ju = np.triu_indices(int(size), 1)
        keep = rng.random((len(egos), len(iu))) < DENSITY
        base = np.broadcast_to(offsets[egos][:, None], keep.shape)
        src_parts.append((base + iu)[keep])
        tgt_parts.append((base + ju)[keep])
    src = np.concatenate(src_parts) if src_parts else np.zeros(0, dtype=np.int64)
    tgt = np.concatenate(tgt_parts) if tgt_parts else np.zeros(0, dtype=np.int64)
    order = np.argsort(src, kind="stable")
    src, tgt = src[order].astype(np.int64), tgt[order].astype(np.int64)

    kinds = CATEGORICAL_FIELDS["kind"]
    kind = _categorical(rng, n_alters, kinds, [60, 10, 8, 8, 3, 6, 3, 2], 0.0)
    relationship = _categorical(
        rng, n_alters, CATEGORICAL_FIELDS["relationship"], [25, 5, 25, 8, 5, 8, 15, 9], 0.1
    )
    # relationship applies to person, group, service and online members only
    applies = np.isin(
        kind.codes, [kinds.index(k) for k in ("person", "group", "service", "online")]
    )
    relationship.codes[~applies] = -1
    genders = ("f", "m", "x")
    alter_attrs = {
        "kind": kind,
        "relationship": relationship,
        "circle": _categorical(rng, n_alters, CATEGORICAL_FIELDS["circle"], [3, 4, 5], 0.05),
        "contact": _categorical(rng, n_alters, CATEGORICAL_FIELDS["contact"], [3, 4, 3, 2, 1], 0.1),
        "feeling": _categorical(rng, n_alters, CATEGORICAL_FIELDS["feeling"], [6, 3, 1], 0.2),
        "wish": _categorical(rng, n_alters, CATEGORICAL_FIELDS["wish"], [7, 2, 1, 1], 0.2),
        "gender": _categorical(rng, n_alters, genders, [48, 48, 4], 0.05),
    }
    return Tables(
        ego_ids=tuple(f"e{i}" for i in range(n_egos)),
        alter_ego=alter_ego,
        alter_keys=tuple(f"a{i}" for i in range(n_alters)),
        tie_src=src,
        tie_tgt=tgt,
        ego_attrs={"gender": _categorical(rng, n_egos, genders, [48, 48, 4], 0.02)},
        alter_attrs=alter_attrs,
        support_received=rng.integers(0, 16, n_alters, dtype=np.uint8),
        support_given=rng.integers(0, 16, n_alters, dtype=np.uint8),
    )


# -- the two implementations ------------------------------------------------------------------


def _per_map_lists(
    tables: Tables, n_maps: int
) -> list[tuple[int, list[tuple[int, int]], list[Any], Any]]:
    """Plain Python input for the networkx loop: (size, edges, member genders, ego gender)."""
    offsets = tables.alter_offsets()
    tie_ego = tables.alter_ego[tables.tie_src]
    gender = tables.alter_attrs["gender"]
    ego_gender = tables.ego_attrs["gender"]
    maps = []
    for e in range(n_maps):
        lo, hi = int(offsets[e]), int(offsets[e + 1])
        t_lo, t_hi = np.searchsorted(tie_ego, [e, e + 1])  # ties are sorted by ego
        rows = np.arange(t_lo, t_hi)
        edges = list(
            zip(
                (tables.tie_src[rows] - lo).tolist(),
                (tables.tie_tgt[rows] - lo).tolist(),
                strict=True,
            )
        )
        genders = [gender.value(i) for i in range(lo, hi)]
        maps.append((hi - lo, edges, genders, ego_gender.value(e)))
    return maps


def networkx_loop(
    maps: list[tuple[int, list[tuple[int, int]], list[Any], Any]],
) -> list[dict[str, Any]]:
    """The straightforward per-map computation a researcher would write with networkx."""
    import networkx as nx

    rows = []
    for n, edges, genders, ego_gender in maps:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges)
        row: dict[str, Any] = {"size": n, "ties": g.number_of_edges()}
        row["density"] = nx.density(g) if n > 1 else float("nan")
        row["mean_degree"] = 2 * g.number_of_edges() / n if n else float("nan")
        row["isolates"] = nx.number_of_isolates(g)
        comps = list(nx.connected_components(g))
        row["components"] = len(comps)
        row["largest_component_share"] = max(map(len, comps)) / n if n else float("nan")
        ego_graph = g.copy()
        ego_graph.add_edges_from(("ego", j) for j in range(n))
        ego_graph.add_node("ego")
        if n:
            eff = nx.effective_size(ego_graph, nodes=["ego"])["ego"]
            row["effective_size"] = eff
            row["efficiency"] = eff / n
            row["constraint"] = nx.constraint(ego_graph, nodes=["ego"])["ego"]
        row["ego_betweenness"] = nx.betweenness_centrality(ego_graph, normalized=False)["ego"]
        known = [x for x in genders if x is not None]
        counts = Counter(known)
        row["blau_gender"] = (
            1 - sum((c / len(known)) ** 2 for c in counts.values()) if known else float("nan")
        )
        for cat in ("f", "m", "x"):
            row[f"share_gender_{cat}"] = counts[cat] / n if n else float("nan")
        if known and ego_gender is not None:
            same = sum(1 for x in known if x == ego_gender)
            row["ei_gender"] = (len(known) - 2 * same) / len(known)
        rows.append(row)
    return rows


# -- workers (one fresh process each) ----------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def worker_batch(n: int, repeats: int) -> dict[str, Any]:
    from kith.formats.measure_table import measure_table_csv
    from kith.network.batch import batch_measures

    start = time.perf_counter()
    tables = synthetic_tables(n)
    gen_s = time.perf_counter() - start
    batch_measures(synthetic_tables(200), by=BY)  # warm up imports and caches
    times = []
    columns: dict[str, Any] = {}
    for _ in range(repeats):
        start = time.perf_counter()
        columns = batch_measures(tables, by=BY)
        times.append(time.perf_counter() - start)
    rss_compute = _maxrss_mb()
    csv_times = []
    for _ in range(repeats):
        start = time.perf_counter()
        text = measure_table_csv(columns)
        csv_times.append(time.perf_counter() - start)
    del text
    tracemalloc.start()
    tracemalloc.reset_peak()
    batch_measures(tables, by=BY)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "n": n,
        "alters": tables.n_alters,
        "ties": tables.n_ties,
        "columns": len(columns),
        "generate_s": gen_s,
        "times": times,
        "median_s": statistics.median(times),
        "csv_median_s": statistics.median(csv_times),
        "maxrss_mb": rss_compute,
        "traced_peak_mb": traced_peak / 2**20,
    }


def worker_networkx(n: int, sample: int, repeats: int) -> dict[str, Any]:
    tables = synthetic_tables(n)
    maps = _per_map_lists(tables, min(sample, n))
    networkx_loop(maps[:20])  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        networkx_loop(maps)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {
        "sample": len(maps),
        "times": times,
        "median_s": median,
        "per_map_s": median / len(maps),
    }


# -- report -----------------------------------------------------------------------------------


def run(n: int, small: int, repeats: int, sample: int) -> dict[str, Any]:
    big = run_worker(__file__, ["--worker-batch", str(n), "--repeats", str(repeats)])
    little = run_worker(__file__, ["--worker-batch", str(small), "--repeats", str(repeats)])
    nx_result = run_worker(
        __file__, ["--worker-networkx", str(n), "--sample", str(sample), "--repeats", str(repeats)]
    )
    nx_total = nx_result["per_map_s"] * n
    return {
        "date": _dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "repeats": repeats,
        "batch": big,
        "batch_small": little,
        "networkx": nx_result,
        "networkx_extrapolated_s": nx_total,
        "speedup": nx_total / big["median_s"],
        "scaling": big["median_s"] / little["median_s"],
    }


def markdown(r: dict[str, Any]) -> str:
    b, s, x = r["batch"], r["batch_small"], r["networkx"]
    ratio = b["n"] / s["n"]
    lines = [
        "| measure | value |",
        "| --- | --- |",
        f"| maps (N) | {b['n']:,} ({b['alters']:,} members, {b['ties']:,} ties) |",
        f"| batch measure table, median of {r['repeats']} | {b['median_s']:.2f} s "
        f"({b['n'] / b['median_s']:,.0f} maps/s, {b['columns']} columns) |",
        f"| writing it as CSV, median | {b['csv_median_s']:.2f} s |",
        f"| networkx loop, median of {r['repeats']} on {x['sample']:,} maps | "
        f"{x['median_s']:.2f} s = {x['per_map_s'] * 1e3:.2f} ms/map "
        f"({1 / x['per_map_s']:,.0f} maps/s); extrapolated to N: {r['networkx_extrapolated_s']:,.0f} s |",
        f"| speed ratio batch : networkx | {r['speedup']:,.0f}× (target ≥ 50×) |",
        f"| peak memory, batch process (ru_maxrss) | {b['maxrss_mb']:,.0f} MB (target < 2 GB) |",
        f"| peak numpy/Python allocations in batch_measures (tracemalloc) | "
        f"{b['traced_peak_mb']:,.0f} MB |",
        f"| scaling: {s['n']:,} maps → {b['n']:,} maps ({ratio:.0f}× maps) | "
        f"{s['median_s']:.3f} s → {b['median_s']:.3f} s = {r['scaling']:.1f}× time "
        f"(target ≤ {ratio * 1.1:.0f}×) |",
    ]
    return "\n".join(lines) + "\n"


def docs_section(r: dict[str, Any], table: str) -> str:
    return (
        "## Measures at scale\n\n"
        f"Measured {r['date']} on {r['machine']}, Python {r['python']}, numpy {r['numpy']} "
        "(shared machine: figures are medians, ratios come from the same run).\n\n"
        + table
        + "\nSynthetic maps (fixed seed): sizes Poisson(15) clipped to 0–60, member pairs tied "
        "with probability 0.3, all core fields, a free `gender` attribute, supports. The batch "
        "side computes the whole measure table (`kith.network.batch.batch_measures`, "
        '`by=["gender", "relationship"]`); the networkx side computes a subset (structure, '
        "effective size, constraint, ego betweenness, gender composition/Blau/EI) map by map "
        "on a sample and is extrapolated per map. Each N runs in a fresh process; `ru_maxrss` "
        "includes the interpreter, the libraries and the generated tables.\n\n"
        "Rerun: `make bench`, or `python benchmarks/bench_measures.py --n 100000 --repeats 3 "
        "--write-docs` (`--quick` for a smoke run).\n"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="maps in the large run")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sample", type=int, default=2_000, help="maps for the networkx loop")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    p.add_argument("--json", action="store_true", help="also print the raw figures as JSON")
    p.add_argument("--worker-batch", type=int, help=argparse.SUPPRESS)
    p.add_argument("--worker-networkx", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker_batch is not None:
        print(json.dumps(worker_batch(args.worker_batch, args.repeats)))
        return 0
    if args.worker_networkx is not None:
        print(json.dumps(worker_networkx(args.worker_networkx, args.sample, args.repeats)))
        return 0
    if args.quick:
        n, small, repeats, sample = 1_000, 100, 1, 20
    else:
        n, small, repeats, sample = args.n, max(args.n // 10, 1), args.repeats, args.sample
    result = run(n, small, repeats, sample)
    table = markdown(result)
    print(table, end="")
    if args.json:
        print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs_section("Measures at scale", docs_section(result, table))
        print(f"updated {ROOT / 'docs' / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
