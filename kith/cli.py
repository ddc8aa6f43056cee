"""The ``kith`` command.

Research commands (``measures``, ``convert``, ``draw``) use only the pure core and work with
``pip install kith``; the web commands (``serve``, ``demo``, ``manage``) need the ``web`` extra.
Errors in the input are printed as one located line (file, line, field) with exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from kith.formats.errors import FormatError
from kith.network.model import NetworkError

ProgressCallback = Callable[[int, int], None]


@contextmanager
def progress_bar(
    description: str, stream: TextIO | None = None, unit: str = "map"
) -> Iterator[ProgressCallback]:
    """A ``progress(done, total)`` callback drawing a bar on a terminal, silent when piped."""
    stream = stream or sys.stderr
    if not stream.isatty() or os.environ.get("KITH_NO_PROGRESS"):

        def quiet(done: int, total: int) -> None:
            return None

        yield quiet
        return
    from tqdm import tqdm

    bar = tqdm(desc=description, total=0, file=stream, unit=unit, leave=False)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


# -- research commands ---------------------------------------------------------------------


def _read_options(args: argparse.Namespace) -> dict[str, Any]:
    """Options that only the egor reader understands (column names)."""
    options = {
        "ego_id": args.ego_col,
        "alter_id": args.alter_col,
        "source": args.source_col,
        "target": args.target_col,
    }
    return {k: v for k, v in options.items() if v is not None}


def cmd_measures(args: argparse.Namespace) -> int:
    from kith.formats.measure_table import write_measure_table
    from kith.formats.registry import detect_format, read_networks
    from kith.network.batch import batch_measures
    from kith.network.tables import Tables

    path = Path(args.path)
    fmt = args.format or detect_format(path)
    if fmt == "egor":
        from kith.formats.egor import read_egor_tables

        with progress_bar("reading tables", unit="table") as progress:
            tables = read_egor_tables(
                path,
                weight=args.weight,
                progress=progress,
                max_bytes=_max_bytes(args, "table"),
                **_read_options(args),
            )
    else:
        if args.weight is not None and args.weight != "weight":
            raise FormatError(
                f"--weight {args.weight}: only the egor format has named weight columns; "
                "other formats carry the tie weight in 'weight'",
                file=path,
            )
        tables = Tables.from_networks(read_networks(path, fmt, max_bytes=args.max_bytes))
    with progress_bar("measures") as progress:
        columns = batch_measures(
            tables, by=args.by or (), weight=args.weight is not None, progress=progress
        )
    if args.output:
        write_measure_table(columns, Path(args.output))
        print(f"{tables.n_egos} maps measured → {args.output}", file=sys.stderr)
    else:
        write_measure_table(columns, sys.stdout, format="csv")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from kith.formats.registry import read_networks, write_networks

    networks = read_networks(
        Path(args.input), args.source_format, max_bytes=args.max_bytes, **_read_options(args)
    )
    write_networks(networks, Path(args.output), args.target_format)
    print(f"{len(networks)} maps written → {args.output}", file=sys.stderr)
    return 0


def cmd_draw(args: argparse.Namespace) -> int:
    from kith.formats.registry import read_networks
    from kith.network.drawing import draw_svg

    path = Path(args.input)
    networks = read_networks(path, args.format, max_bytes=args.max_bytes, **_read_options(args))
    chosen = [n for n in networks if n.ego_id == args.ego]
    if not chosen:
        known = ", ".join(n.ego_id for n in networks[:10])
        more = " …" if len(networks) > 10 else ""
        raise FormatError(f"no map for ego '{args.ego}'; the file has {known}{more}", file=path)
    if args.map is not None:
        chosen = [n for n in chosen if n.map_id == args.map]
        if not chosen:
            raise FormatError(f"ego '{args.ego}' has no map '{args.map}'", file=path)
    svg = draw_svg(chosen[-1])
    if args.output in (None, "-"):
        sys.stdout.write(svg)
    else:
        Path(args.output).write_text(svg, encoding="utf-8")
        print(f"map of {args.ego} → {args.output}", file=sys.stderr)
    return 0


# -- web commands ----------------------------------------------------------------------------


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    try:
        import django
    except ImportError:
        raise SystemExit(
            "kith: the web commands need the web extra: pip install 'kith[web]'"
        ) from None
    django.setup()


def cmd_serve(args: argparse.Namespace) -> int:
    _django_setup()
    from kith.server import serve

    serve(host=args.host, port=args.port)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from kith.demo import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    load_demo(sys.stdout)
    return 0


def cmd_import_assets(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("migrate", interactive=False, verbosity=0)
    options = {
        k: v
        for k, v in (("profile", args.profile), ("kind", args.kind), ("max_bytes", args.max_bytes))
        if v
    }
    try:
        call_command("import_assets", args.source, **options)
    except CommandError as error:
        print(f"kith: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_export_assets(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    options = {"format": args.format, "kind": args.kind}
    if args.output:
        options["output"] = args.output
    try:
        call_command("export_assets", **options)
    except CommandError as error:
        print(f"kith: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kith manage", *args.rest])
    return 0


# -- parser ---------------------------------------------------------------------------------

FORMAT_CHOICES = ["egor", "netcanvas", "netcanvas-graphml", "graphml", "json"]


def byte_size(text: str) -> int:
    """``--max-bytes`` values: a number of bytes, or with a K, M or G suffix (powers of 1024).

    >>> byte_size("2G"), byte_size("500M"), byte_size("1000")
    (2147483648, 524288000, 1000)
    """
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    number, unit = (text[:-1], units[text[-1].upper()]) if text[-1:].upper() in units else (text, 1)
    try:
        value = int(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 500M or 2G") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


def _max_bytes(args: argparse.Namespace, kind: str) -> int:
    from kith.formats.limits import DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_TABLE_BYTES

    if args.max_bytes is not None:
        return int(args.max_bytes)
    return DEFAULT_MAX_TABLE_BYTES if kind == "table" else DEFAULT_MAX_DOCUMENT_BYTES


def _add_limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-bytes",
        type=byte_size,
        metavar="SIZE",
        help="largest input file read (e.g. 2G; default 1G for CSV tables, 256M for JSON/XML)",
    )


def _add_column_options(parser: argparse.ArgumentParser) -> None:
    _add_limit_option(parser)
    group = parser.add_argument_group("egor column names (defaults: egor's own)")
    group.add_argument("--ego-col", help="ego id column (default .egoID)")
    group.add_argument("--alter-col", help="alter id column (default .altID)")
    group.add_argument("--source-col", help="tie source column (default .srcID)")
    group.add_argument("--target-col", help="tie target column (default .tgtID)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kith",
        description="Kith: ego-network maps, measures and change, and the practitioner web app.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "measures",
        help="one row of measures per map (CSV on stdout, or -o out.csv|out.parquet)",
        description="Compute the measure table (docs/measures.md) for every map in PATH.",
    )
    p.add_argument("path", help="egor folder (egos.csv, alters.csv, ties.csv) or a file")
    p.add_argument("--format", choices=FORMAT_CHOICES, help="input format (default: detected)")
    p.add_argument(
        "--by",
        action="append",
        metavar="ATTR",
        help="composition and homophily by this attribute (repeatable)",
    )
    p.add_argument(
        "--weight",
        metavar="COL",
        help="use this tie column as weight for density and constraint (default: unweighted)",
    )
    p.add_argument("-o", "--output", help="write to this .csv or .parquet file")
    _add_column_options(p)
    p.set_defaults(func=cmd_measures)

    p = sub.add_parser("convert", help="convert maps between formats")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--from", dest="source_format", choices=FORMAT_CHOICES)
    p.add_argument("--to", dest="target_format", choices=["egor", "graphml", "json"])
    _add_column_options(p)
    p.set_defaults(func=cmd_convert)

    p = sub.add_parser("draw", help="draw one map as accessible SVG")
    p.add_argument("input")
    p.add_argument("--ego", required=True, help="the ego id of the map to draw")
    p.add_argument("--map", help="the map id, when the ego has several maps (default: last)")
    p.add_argument("--format", choices=FORMAT_CHOICES)
    p.add_argument("-o", "--output", help="SVG file (default: stdout)")
    _add_column_options(p)
    p.set_defaults(func=cmd_draw)

    p = sub.add_parser("serve", help="apply migrations and serve the web app with gunicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="load the fictional demo service (idempotent)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "import-assets",
        help="import an Open Referral (HSDS 3 / ORUK) directory: JSON file, CSV folder or URL",
    )
    p.add_argument("source", metavar="PATH|URL")
    p.add_argument("--profile", choices=["hsds", "oruk"], help="schemas to check against")
    p.add_argument("--kind", help="HSDS entity of the top-level records (default: detected)")
    _add_limit_option(p)
    p.set_defaults(func=cmd_import_assets)

    p = sub.add_parser("export-assets", help="export the directory as HSDS 3 JSON or CSV")
    p.add_argument("-o", "--output", help="file (JSON) or folder (CSV); default: stdout")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--kind", default="service", help="HSDS entity to export as JSON")
    p.set_defaults(func=cmd_export_assets)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (FormatError, NetworkError) as error:
        print(f"kith {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `kith measures … | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0
    return result


if __name__ == "__main__":
    raise SystemExit(main())
