"""Benchmark: a practitioner's asset search at 10,000 and at 100,000 services.

Run from the repository root::

    python benchmarks/bench_assets.py                # N = 10,000 and 100,000
    python benchmarks/bench_assets.py --quick        # N = 1,000 and 10,000 (a smoke run)
    python benchmarks/bench_assets.py --write-docs   # also update docs/benchmarks.md

Each N runs in a fresh subprocess with its own SQLite database in a temporary
``KITH_DATA_DIR`` (or the PostgreSQL database named by ``DATABASE_URL``, emptied first). The
directory is generated with a fixed seed at **constant density** — 10 services per km², as in
a town — so a tenfold directory covers a tenfold area (a region rather than a town), the way
directories grow. Each service has an organisation, a place (latitude/longitude), a schedule on
three days a week, two or three interest terms and a name and description from a small vocabulary. The
HSDS records are bulk-created and the search tables built by the real
:func:`kith.assets.index.reindex_services`.

The timed search is the first page (20) of: text "walking", taxonomy term "outdoors", within
3 km of the centre of the area, open on a Monday at 10:30 — the combination issue 4 names.
Timed ``--repeats`` times after one warm-up; the median is reported. The target: 10,000 →
100,000 services raises the median by at most 2×.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DENSITY_PER_KM2 = 10.0
CENTRE = (53.0, -1.5)
WORDS = ("walking", "garden", "pottery", "choir", "book", "cafe", "swim", "advice")
TERMS = (
    "outdoors",
    "creative",
    "physical",
    "social",
    "learning",
    "volunteering",
    "music",
    "food",
    "peer_support",
    "reading",
    "games",
    "advice",
)


def generate(n: int, seed: int = 4) -> None:
    """Fill the empty database with ``n`` services (see the module docstring)."""
    from kith.assets.index import reindex_services
    from kith.assets.models import (
        Attribute,
        Location,
        Organization,
        Schedule,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

    rng = random.Random(seed)
    side_km = (n / DENSITY_PER_KM2) ** 0.5
    dlat = side_km / 111.32 / 2
    dlon = dlat / 0.6018  # cos(53°)
    Taxonomy.objects.create(
        hsds_id="tax", data={"id": "tax", "name": "interests"}, name="interests"
    )
    TaxonomyTerm.objects.bulk_create(
        TaxonomyTerm(
            hsds_id=f"t-{t}",
            data={"id": f"t-{t}", "name": t, "code": t, "taxonomy_id": "tax"},
            taxonomy_ref="tax",
            code=t,
            name=t,
        )
        for t in TERMS
    )
    batch = 5000
    for start in range(0, n, batch):
        orgs, services, locations, sals, attrs, scheds = [], [], [], [], [], []
        for i in range(start, min(n, start + batch)):
            word = WORDS[rng.randrange(len(WORDS))]
            other = WORDS[rng.randrange(len(WORDS))]
            sid, lid, oid = f"s{i}", f"l{i}", f"o{i // 3}"
            if i % 3 == 0:
                orgs.append(
                    Organization(
                        hsds_id=oid, data={"id": oid, "name": f"Org {i // 3}"}, name=f"Org {i // 3}"
                    )
                )
            name = f"{word.title()} group {i}"
            services.append(
                Service(
                    hsds_id=sid,
                    name=name,
                    status="active",
                    organization_ref=oid,
                    data={
                        "id": sid,
                        "name": name,
                        "status": "active",
                        "organization_id": oid,
                        "description": f"A {word} and {other} group.",
                    },
                )
            )
            lat = CENTRE[0] + rng.uniform(-dlat, dlat)
            lon = CENTRE[1] + rng.uniform(-dlon, dlon)
            locations.append(
                Location(
                    hsds_id=lid,
                    latitude=lat,
                    longitude=lon,
                    data={"id": lid, "latitude": lat, "longitude": lon},
                )
            )
            sals.append(
                ServiceAtLocation(
                    hsds_id=f"a{i}",
                    service_ref=sid,
                    location_ref=lid,
                    data={"id": f"a{i}", "service_id": sid, "location_id": lid},
                )
            )
            for k, term in enumerate(rng.sample(TERMS, rng.randint(2, 3))):
                aid = f"at{i}-{k}"
                attrs.append(
                    Attribute(
                        hsds_id=aid,
                        link_ref=sid,
                        taxonomy_term_ref=f"t-{term}",
                        data={"id": aid, "link_id": sid, "taxonomy_term_id": f"t-{term}"},
                    )
                )
            days, opens = sorted(rng.sample(range(7), 3)), rng.choice([9, 10, 13, 18])
            scheds.append(
                Schedule(
                    hsds_id=f"sc{i}",
                    service_ref=sid,
                    data={
                        "id": f"sc{i}",
                        "service_id": sid,
                        "freq": "WEEKLY",
                        "byday": ",".join(
                            ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d] for d in days
                        ),
                        "opens_at": f"{opens:02d}:00",
                        "closes_at": f"{opens + 3:02d}:00",
                    },
                )
            )
        for model, rows in (
            (Organization, orgs),
            (Service, services),
            (Location, locations),
            (ServiceAtLocation, sals),
            (Attribute, attrs),
            (Schedule, scheds),
        ):
            model.objects.bulk_create(rows, batch_size=1000)
    reindex_services()


def measure(n: int, repeats: int) -> dict[str, Any]:
    """Run in a fresh process: set up the database, generate, time the search."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("migrate", "assets", "zero", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    generate(n)
    build = time.perf_counter() - t0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from kith.assets.search import Query, search

    q = Query(
        text="walking",
        term_refs=["t-outdoors"],
        lat=CENTRE[0],
        lon=CENTRE[1],
        radius_km=3.0,
        open_at=dt.datetime(2026, 6, 1, 10, 30),
    )
    first = search(q, page=1, per_page=20)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        search(q, page=1, per_page=20)
        times.append(time.perf_counter() - t)
    return {
        "n": n,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "build_s": build,
        "hits": first.total,
        "vendor": connection.vendor,
    }


def _child(n: int, repeats: int) -> dict[str, Any]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kith.settings", KITH_NO_PROGRESS="1")
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("KITH_DATA_DIR", tmp)
        if "DATABASE_URL" not in os.environ:
            env["KITH_DATA_DIR"] = tmp
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--repeats", str(repeats)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_docs(small: dict[str, Any], large: dict[str, Any], ratio: float, repeats: int) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    section = f"""## Asset search

Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPUs, Python {platform.python_version()}, {large["vendor"]} (shared machine: medians of {repeats} runs after a warm-up).

| measure | {small["n"]:,} services | {large["n"]:,} services |
| --- | --- | --- |
| search, first page: text + taxonomy + within 3 km + open Monday 10:30 (median) | {small["median_s"] * 1000:.1f} ms | {large["median_s"] * 1000:.1f} ms |
| matching services | {small["hits"]} | {large["hits"]} |
| generating the directory and building the search tables | {small["build_s"]:.0f} s | {large["build_s"]:.0f} s |

Scaling: {small["n"]:,} → {large["n"]:,} services (10×) = **{ratio:.2f}×** the median time (target ≤ 2×).

Generated at constant density (10 services per km²), so the larger directory covers a larger area, as directories grow. The search reads only the index entries of the grid cells around the point (a covering index on `ServiceIndex(cell, active, service, latitude, longitude, location_ref)`), checks taxonomy and weekly opening slots per candidate through `EXISTS` subqueries on covering indexes, scores the text among the candidates only (`search.candidate_relevance`: a full-text query restricted to a few rowids still walks each word's whole posting list, which grows with the directory), and decides "open at" exactly for the survivors (`kith.assets.schedules.is_open`). Found on the way: SQLite's planner rightly ignores an index on a mostly-empty column (`schedule.service_at_location_id`) once `ANALYZE` has run, so that look-up goes through `HsdsRef`'s selective index instead. See `benchmarks/bench_assets.py`.

Rerun: `python benchmarks/bench_assets.py --write-docs` (`--quick` for a smoke run; set `DATABASE_URL` to measure PostgreSQL; its database is emptied).
"""
    if "## Asset search" in text:
        text = re.sub(
            r"## Asset search\n.*?(?=\n## |\Z)", section.rstrip("\n") + "\n", text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(measure(args.child, args.repeats)))
        return 0
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    small, large = (_child(n, args.repeats) for n in sizes)
    ratio = large["median_s"] / small["median_s"]
    for r in (small, large):
        print(
            f"{r['n']:>7,} services: median {r['median_s'] * 1000:.1f} ms, "
            f"{r['hits']} matches, built in {r['build_s']:.0f} s ({r['vendor']})"
        )
    print(f"ratio {ratio:.2f}x (target <= 2x)")
    if args.write_docs:
        write_docs(small, large, ratio, args.repeats)
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
