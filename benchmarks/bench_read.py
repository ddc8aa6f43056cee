"""Benchmark: reading egor's three CSV tables, the csv module against pyarrow.

Run from the repository root::

    python benchmarks/bench_read.py                 # 10,000 and 100,000 maps, 3 repeats
    python benchmarks/bench_read.py --quick         # small smoke run (a few seconds)
    python benchmarks/bench_read.py --write-docs    # also update docs/benchmarks.md

The folders are the synthetic maps of ``bench_measures.py`` (fixed seed) written with
:func:`kith.formats.egor.write_egor` into ``<temp dir>/kith-bench-read/egor-<N>`` (made once,
reused; ``--data DIR`` to put them elsewhere). Each read runs in a fresh subprocess (so no
cache, import or allocator state carries over and ``ru_maxrss`` is the read's own), engines
alternating; figures are medians. The subprocess imports pyarrow before the clock starts, so the
pyarrow figure is the reading only. Both engines' results are compared (all fields) on the
smaller folder.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _common import cpu_model, run_worker, write_docs_section  # noqa: E402

from kith.formats.egor import Engine  # noqa: E402

ENGINES: tuple[Engine, ...] = ("python", "pyarrow")
TARGET_S = 8.0  # 100,000 maps with pyarrow on the 2-CPU development machine
SECTION = "Reading egor tables"


def data_folder(n: int, root: Path) -> Path:
    """The folder of ``n`` synthetic maps as egor CSV, written if it is not there yet."""
    folder = root / f"egor-{n}"
    if (folder / "ties.csv").is_file():
        return folder
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_measures import synthetic_tables

    from kith.formats.egor import write_egor

    print(f"writing {n:,} synthetic maps to {folder} (once) ...", file=sys.stderr, flush=True)
    part = root / f".egor-{n}.part"
    shutil.rmtree(part, ignore_errors=True)
    write_egor(synthetic_tables(n), part)
    part.rename(folder)
    return folder


# -- worker (a fresh process per read) --------------------------------------------------------


def worker(folder: str, engine: Engine) -> dict[str, Any]:
    from kith.formats.egor import read_egor_tables

    if engine == "pyarrow":
        import pyarrow.compute
        import pyarrow.csv  # noqa: F401  (imported before the clock: the read alone is timed)
    wall, cpu = time.perf_counter(), time.process_time()
    tables = read_egor_tables(folder, weight="weight", engine=engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "egos": tables.n_egos,
        "alters": tables.n_alters,
        "ties": tables.n_ties,
    }


def worker_compare(folder: str) -> dict[str, Any]:
    """Read with both engines and compare every field (codes, categories, order, dtypes)."""
    import numpy as np

    from kith.formats.egor import read_egor_tables

    a, b = (read_egor_tables(folder, weight="weight", engine=e) for e in ENGINES)
    same = a.ego_ids == b.ego_ids and a.alter_keys == b.alter_keys
    same = same and a.alter_labels == b.alter_labels
    for name in ("alter_ego", "tie_src", "tie_tgt", "tie_weight", "support_received"):
        x, y = getattr(a, name), getattr(b, name)
        same = same and (x is None) == (y is None)
        same = same and (x is None or (x.dtype == y.dtype and np.array_equal(x, y, True)))
    for attrs in ("ego_attrs", "alter_attrs"):
        x, y = getattr(a, attrs), getattr(b, attrs)
        same = same and list(x) == list(y)
        for k in x:
            same = same and x[k].categories == y[k].categories
            same = same and np.array_equal(x[k].codes, y[k].codes)
    return {"equal": bool(same)}


# -- run and report ---------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    import numpy as np

    versions = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import pyarrow as pa

        versions["pyarrow"] = pa.__version__
    except ImportError:
        versions["pyarrow"] = "not installed"
    return versions


def run(sizes: list[int], repeats: int, root: Path) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    rows = []
    for n in sizes:
        folder = data_folder(n, root)
        mb = sum((folder / f).stat().st_size for f in ("egos.csv", "alters.csv", "ties.csv"))
        runs: dict[str, list[dict[str, Any]]] = {e: [] for e in ENGINES}
        for _ in range(repeats):
            for engine in ENGINES:
                runs[engine].append(run_worker(__file__, ["--worker", str(folder), engine]))
        row: dict[str, Any] = {
            "n": n,
            "mb": mb / 1e6,
            **{k: runs["python"][0][k] for k in ("alters", "ties")},
        }
        for engine in ENGINES:
            row[engine] = {
                key: statistics.median(r[key] for r in runs[engine])
                for key in ("wall_s", "cpu_s", "maxrss_mb")
            }
        row["speedup"] = row["python"]["wall_s"] / row["pyarrow"]["wall_s"]
        rows.append(row)
    equal = run_worker(__file__, ["--worker-compare", str(data_folder(min(sizes), root))])["equal"]
    return {
        "date": _dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}",
        **_versions(),
        "repeats": repeats,
        "load": (load_before, os.getloadavg()[0]),
        "rows": rows,
        "equal": equal,
        "equal_n": min(sizes),
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "| maps | members | ties | CSV size | csv module | pyarrow | speed-up "
        "| CPU time csv / pyarrow | peak memory csv / pyarrow |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in r["rows"]:
        py, pa = row["python"], row["pyarrow"]
        lines.append(
            f"| {row['n']:,} | {row['alters']:,} | {row['ties']:,} | {row['mb']:,.0f} MB "
            f"| {py['wall_s']:.2f} s | {pa['wall_s']:.2f} s | {row['speedup']:.1f}× "
            f"| {py['cpu_s']:.1f} s / {pa['cpu_s']:.1f} s "
            f"| {py['maxrss_mb']:,.0f} MB / {pa['maxrss_mb']:,.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def docs_section(r: dict[str, Any], table: str) -> str:
    big = max(r["rows"], key=lambda row: row["n"])
    wall, cpu = big["pyarrow"]["wall_s"], big["pyarrow"]["cpu_s"]
    if wall < TARGET_S:
        verdict = "met"
    elif cpu < TARGET_S:
        verdict = (
            f"not met in wall-clock time at this load average, but the read's CPU time "
            f"(all threads) is {cpu:.1f} s: rerun on a quiet machine"
        )
    else:
        verdict = "NOT met"
    equal = "equal" if r["equal"] else "NOT EQUAL (a bug: see the tests)"
    return (
        f"## {SECTION}\n\n"
        f"Measured {r['date']} on {r['machine']}, Python {r['python']}, numpy {r['numpy']}, "
        f"pyarrow {r['pyarrow']}; wall-clock medians of {r['repeats']}, each read in a fresh "
        f"process (load average {r['load'][0]:.1f} before, {r['load'][1]:.1f} after: the machine "
        "is shared).\n\n"
        + table
        + f'\n`kith.formats.egor.read_egor_tables(folder, weight="weight", engine=...)` on the '
        "synthetic maps of `bench_measures.py` written by `write_egor` (three files: egos, "
        "alters with all core fields, supports and `gender`, ties with an `NA` weight column). "
        '`engine="python"` parses with the csv module; `engine="pyarrow"` with '
        "`pyarrow.csv` (all columns as text), factorising and looking IDs up with "
        '`pyarrow.compute` in threads. `engine="auto"`, the default (also for `kith measures`), '
        "takes pyarrow when it is installed and the folder holds 2 MB or more. CPU time counts "
        "all threads; peak memory is the process's `ru_maxrss`. Target: "
        f"{big['n']:,} maps in under {TARGET_S:.0f} s with pyarrow — {verdict}. The two "
        f"engines' Tables on {r['equal_n']:,} maps: {equal}.\n\n"
        "Rerun: `make bench`, or `python benchmarks/bench_read.py --repeats 3 --write-docs` "
        "(`--quick` for a smoke run); the folders are written once to "
        "`$TMPDIR/kith-bench-read/` (`--data DIR` elsewhere).\n"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000, help="maps in the large folder")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kith-bench-read")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    p.add_argument("--json", action="store_true", help="also print the raw figures as JSON")
    p.add_argument("--worker", nargs=2, metavar=("FOLDER", "ENGINE"), help=argparse.SUPPRESS)
    p.add_argument("--worker-compare", metavar="FOLDER", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        folder, engine = args.worker
        if engine not in ENGINES:
            p.error(f"engine must be one of {', '.join(ENGINES)}")
        print(json.dumps(worker(folder, engine)))
        return 0
    if args.worker_compare:
        print(json.dumps(worker_compare(args.worker_compare)))
        return 0
    if _versions()["pyarrow"] == "not installed":
        print("bench_read needs pyarrow: pip install -e '.[parquet]'", file=sys.stderr)
        return 1
    args.data.mkdir(parents=True, exist_ok=True)
    sizes, repeats = ([200, 2_000], 1) if args.quick else ([args.n // 10, args.n], args.repeats)
    result = run(sizes, repeats, args.data)
    table = markdown(result)
    print(table, end="")
    print(f"engines equal on {result['equal_n']:,} maps: {result['equal']}")
    if args.json:
        print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs_section(SECTION, docs_section(result, table))
        print(f"updated {ROOT / 'docs' / 'benchmarks.md'}")
    return 0 if result["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
