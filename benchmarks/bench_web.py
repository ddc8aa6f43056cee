"""Benchmark: server time of the map page for a 40-member map against a bare page.

Run from the repository root::

    python benchmarks/bench_web.py                 # 300 rounds, table on the terminal
    python benchmarks/bench_web.py --quick         # small smoke run (a few seconds)
    python benchmarks/bench_web.py --write-docs    # also update docs/benchmarks.md
    python benchmarks/bench_web.py --check         # exit 1 when the ratio is above 3×

Everything runs in one process, in a fresh SQLite database in a temporary folder (or the
PostgreSQL database of ``DATABASE_URL`` when set; it must be empty). Requests go through
Django's test :class:`~django.test.Client`, so each one passes the full middleware stack
(security, whitenoise, sessions, CSRF, authentication, messages) and the URL resolver exactly
as under gunicorn, without the network. The pages are requested in turn in every round (map
pages, bare page, health check), so a slow moment of a shared machine hits all of them; the
figure is the median of the rounds after a warm-up.

The **map page** is ``/maps/<id>/`` of a draft review with 40 members of all kinds (people,
places, activities, groups, services) in three circles, 60 ties between them, and a previous
final map of the same person (finalised in the app: its kept angles are the angle memory of this
one). The review was last saved in the app, so it keeps its current drawing; the **map page,
drawn afresh** is the same map of another person whose rows were written directly, so it is laid
out and drawn on every request. The **bare page** is a minimal signed-in view
(``login_required``) that renders the site's ``base.html`` with no content, through the same
middleware: the floor of any page of the app. ``/healthz`` is shown for scale. Nothing is cached
in memory between requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _common import write_docs_section  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Web pages"
TARGET = 3.0
AFRESH_PAGE = "map page, drawn afresh"
MEMBERS = 40
TIES = 60
KINDS = ["person"] * 24 + ["place"] * 5 + ["activity"] * 4 + ["group"] * 4 + ["service"] * 3
RELATIONSHIPS = ["family", "friend", "friend", "neighbour", "peer", "professional", "colleague"]
CONTACTS = ["daily", "weekly", "weekly", "monthly", "less"]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    if "DATABASE_URL" not in os.environ:
        os.environ["KITH_DATA_DIR"] = tempfile.mkdtemp(prefix="kith-bench-web-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _members(n: int, first: int = 0) -> list[dict[str, Any]]:
    out = []
    for i in range(first, first + n):
        kind = KINDS[i % len(KINDS)]
        member: dict[str, Any] = {
            "key": f"m{i:02d}",
            "label": f"Member {i:02d}" if kind == "person" else f"{kind.capitalize()} {i:02d}",
            "kind": kind,
            "circle": 1 + i % 3,
            "contact": CONTACTS[i % len(CONTACTS)],
        }
        if kind in ("person", "group", "service"):
            member["relationship"] = (
                "professional" if kind == "service" else RELATIONSHIPS[i % len(RELATIONSHIPS)]
            )
        if i % 4 == 0:
            member["support_received"] = {"emotional", "practical"}
        if i % 6 == 0:
            member["support_given"] = {"companionship"}
        if i % 9 == 0:
            member["wish"] = "more"
        out.append(member)
    return out


def _ties(members: list[dict[str, Any]], n: int) -> list[tuple[str, str]]:
    import random

    rng = random.Random(20240601)
    keys = [m["key"] for m in members]
    ties: set[tuple[str, str]] = set()
    while len(ties) < n:
        a, b = sorted(rng.sample(keys, 2))
        ties.add((a, b))
    return sorted(ties)


def _person_with_maps(world: Any, name: str, *, through_the_app: bool) -> Any:
    """A person with a final map (36 members, 50 ties) and a draft review (40 members, 60 ties).

    The final map is finalised as the app does (it keeps its drawing's angles). The review is
    last saved through the app when ``through_the_app`` (so it keeps a current drawing, as every
    map changed in the app does); otherwise its rows are written directly and it has no kept
    drawing (as a map changed outside the app: the page draws it afresh).
    """
    from kith.accounts.testing import make_map, make_person
    from kith.maps.actions import do_finalise_map, do_update_map

    person = make_person(world.north, name, key_worker=world["ana"])
    earlier = _members(36)
    previous = make_map(person, earlier, _ties(earlier, 50), date=dt.date(2026, 1, 10))
    do_finalise_map(world["ana"], previous)
    members = _members(MEMBERS, first=2)
    the_map = make_map(person, members, _ties(members, TIES), date=dt.date(2026, 4, 10))
    if through_the_app:
        do_update_map(
            world["ana"], the_map, expected_version=None, date=the_map.date, notes="Review."
        )
    return the_map


def _data() -> tuple[Any, Any, Any]:
    """A world and two people's draft reviews: one last saved in the app, one not."""
    from kith.accounts.testing import make_person, make_world

    world = make_world()
    for i in range(30):  # a caseload around the people, as in real use
        make_person(world.north, f"Other {i}")
    kept = _person_with_maps(world, "Bench P.", through_the_app=True)
    afresh = _person_with_maps(world, "Bench Q.", through_the_app=False)
    return world, kept, afresh


def _with_authenticator_app(user: Any) -> None:
    """Give the worker an authenticator app, as every worker has when two-factor sign-in is
    required (the default): the MFA middleware then lets the pages through after its check."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "not used by the benchmark"}
    )


def _bare_urlconf() -> None:
    """``/bench/bare/``: a signed-in page with nothing on it, beside the project's URLs."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render
    from django.urls import path

    import kith.urls

    @login_required
    def bare(request: Any) -> Any:
        return render(request, "base.html", {})

    module = types.ModuleType("bench_web_urls")
    module.urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *kith.urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules["bench_web_urls"] = module


def _steps(the_map: Any, user: Any) -> dict[str, Callable[[], Any]]:
    """The map page's own steps, to time outside the request cycle (in the same rounds as
    the pages, so the table's figures and the pages' come from the same moments)."""
    from kith.maps import summary
    from kith.maps.access import get_map_for_user
    from kith.maps.drawing import angle_memory, drawing_inputs, kept_view, read_map
    from kith.maps.models import Map
    from kith.network.drawing import draw_svg
    from kith.network.layout import layout

    the_map = Map.objects.get(pk=the_map.pk)
    members, ties = read_map(the_map)
    net = the_map.to_network(members, ties)
    memory = angle_memory(the_map)
    return {
        "map read through the access getter (1 query)": lambda: get_map_for_user(user, the_map.pk),
        "read members and ties (2 queries)": lambda: read_map(the_map),
        KEPT_STEP: lambda: kept_view(the_map),
        "the map's core network (checked)": lambda: the_map.to_network(members, ties),
        "fingerprint of the drawing's inputs": lambda: drawing_inputs(net, memory, {}),
        "layout and SVG drawing": lambda: draw_svg(net, layout(net, previous=memory)),
        "measures panel and typology": lambda: summary.measures_panel(net),
    }


KEPT_STEP = "kept drawing and panel of this version? (angle memory: 1 query)"
#: Only the page without a kept drawing does these steps (not added to the map page's total).
_INCLUDED = (
    "the map's core network (checked)",
    "fingerprint of the drawing's inputs",
    "layout and SVG drawing",
    "measures panel and typology",
)


def _time(get: Callable[[], Any]) -> float:
    start = time.perf_counter()
    response = get()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"unexpected status {response.status_code}")
    return elapsed


def run(rounds: int, warmup: int) -> dict[str, Any]:
    _setup_django()
    _bare_urlconf()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ROOT_URLCONF="bench_web_urls"):
        world, the_map, afresh = _data()
        _with_authenticator_app(world["ana"])
        client = Client(SERVER_NAME="localhost")
        client.force_login(world["ana"])
        pages = {
            "map page": f"/maps/{the_map.pk}/",
            AFRESH_PAGE: f"/maps/{afresh.pk}/",
            "bare page": "/bench/bare/",
            "/healthz": "/healthz",
        }
        queries: dict[str, int] = {}
        size: dict[str, int] = {}
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            queries[name] = len(captured)
            size[name] = len(response.content)
        steps = _steps(the_map, world["ana"])
        times: dict[str, list[float]] = {name: [] for name in pages}
        step_times: dict[str, list[float]] = {name: [] for name in steps}
        rest: list[float] = []  # per round: map page − bare page − the page's own steps
        for i in range(warmup + rounds):
            for name, url in pages.items():
                t = _time(lambda url=url: client.get(url))
                if i >= warmup:
                    times[name].append(t)
            own = 0.0
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                t = time.perf_counter() - start
                if i >= warmup:
                    step_times[name].append(t)
                if name not in _INCLUDED:
                    own += t
            if i >= warmup:
                rest.append(times["map page"][-1] - times["bare page"][-1] - own)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "parts": {name: statistics.median(values) for name, values in step_times.items()},
        "rest": statistics.median(rest),
        "medians": medians,
        "p90": {name: statistics.quantiles(v, n=10)[-1] for name, v in times.items()},
        "queries": queries,
        "bytes": size,
        "rounds": rounds,
        "warmup": warmup,
        "ratio": medians["map page"] / medians["bare page"],
        "ratio_afresh": medians[AFRESH_PAGE] / medians["bare page"],
        "ratio_healthz": medians["map page"] / medians["/healthz"],
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django

    db = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    return (
        f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db}"
    )


def table(result: dict[str, Any]) -> str:
    rows = [
        "| page | median | 90th percentile | queries | bytes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, median in result["medians"].items():
        rows.append(
            f"| {name} | {median * 1000:.2f} ms | {result['p90'][name] * 1000:.2f} ms "
            f"| {result['queries'][name]} | {result['bytes'][name]:,} |"
        )
    rows += ["", "| step | median | done by |", "| --- | --- | --- |"]
    for name, value in result["parts"].items():
        who = "the page drawn afresh" if name in _INCLUDED else "both map pages"
        rows.append(f"| {name} | {value * 1000:.2f} ms | {who} |")
    return "\n".join(rows)


def section(result: dict[str, Any]) -> str:
    verdict = "meets" if result["ratio"] <= TARGET else "MISSES"
    parts = result["parts"]
    own = sum(v for k, v in parts.items() if k not in _INCLUDED)
    rest = result["rest"]
    afresh = result["medians"][AFRESH_PAGE]
    afresh_steps = sum(v for k, v in parts.items() if k in _INCLUDED)
    return f"""{SECTION}

Measured {dt.date.today().isoformat()} on {_machine()} (shared machine: medians of {result["rounds"]} rounds after {result["warmup"]} warm-up rounds; the pages are requested in turn in every round, so the ratio comes from the same moments).

{table(result)}

**Map page : bare page = {result["ratio"]:.2f}×** (target ≤ {TARGET:.0f}×; {verdict} it). Drawn afresh (no kept drawing): {result["ratio_afresh"]:.2f}×. Map page : `/healthz` = {result["ratio_healthz"]:.1f}×.

Where the map page's time goes: the steps marked "both map pages" take {own * 1000:.1f} ms together — the access getter (one query), reading members and ties (two queries; labels and attributes are decrypted) and the check that the map keeps the drawing and measures panel of its current version (the angle memory, one query, and a fingerprint of the map's id, version, memory and code). The rest of the difference from the bare page, a median of {rest * 1000:.1f} ms per round (the map page less the bare page less these steps, in the same round), is rendering the page around the drawing (the members table and the list of ties, built in one pass each by `kith/maps/templatetags/kith_maps.py`; the measures panel; the quick-add box; the links, each URL pattern reversed once per process by `kith/maps/links.py`) and writing the audit trail's "view" event at the end of the request (one INSERT in its own transaction). The page with no kept drawing also builds the core network, checks the kept drawing's fingerprint, lays the map out, draws it and computes the measures ({afresh_steps * 1000:.1f} ms): {afresh * 1000:.1f} ms in all.

The map page is `/maps/<id>/` of a draft review with {MEMBERS} members of all kinds in three circles and {TIES} ties, whose person has a previous final map (finalised in the app, so it keeps its drawing's angles: the angle memory of this one). The review was last saved in the app, so it keeps the drawing and measures panel of its current version (`Map.drawing_svg` and `Map.kept_panel`, written by every change to a map through the actions; see `docs/drawing.md`); the cost of drawing and measuring moves to the change that made it. The second map page is the same map of another person whose rows were written directly (as by a change outside the app): it is drawn afresh on every request and never written on a read. The bare page is a minimal signed-in view rendering the site's `base.html` with no content; `/healthz` answers without a template. All go through the same middleware (sessions, CSRF, CSP, authentication with the two-factor check — the worker has an authenticator app — audit context, session time-outs), in one process, with Django's test client (no network). Nothing is cached between requests in memory.

Rerun: `python benchmarks/bench_web.py --write-docs` (`--quick` for a smoke run; with `DATABASE_URL` set it runs on that empty PostgreSQL database).
"""


def write_docs(text: str) -> None:
    write_docs_section(SECTION.removeprefix("## "), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="30 rounds after 5 warm-up rounds")
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS.name}")
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 when the ratio is above {TARGET:.0f}×"
    )
    args = parser.parse_args(argv)
    rounds, warmup = (30, 5) if args.quick else (args.rounds, args.warmup)
    result = run(rounds, warmup)
    print(table(result))
    print(f"\nmap page : bare page = {result['ratio']:.2f}× (target ≤ {TARGET:.0f}×)")
    if args.write_docs:
        write_docs(section(result))
        print(f"updated {DOCS.relative_to(ROOT)}")
    return 1 if args.check and result["ratio"] > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
