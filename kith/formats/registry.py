"""One entry point for every map format: detect it, read it, write it.

>>> sorted(FORMATS)
['egor', 'graphml', 'json', 'netcanvas', 'netcanvas-graphml']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kith.formats.errors import FormatError
from kith.network.model import Network

__all__ = ["FORMATS", "FormatInfo", "detect_format", "read_networks", "write_networks"]


@dataclass(frozen=True)
class FormatInfo:
    """What a format is and what Kith can do with it."""

    name: str
    title: str
    readable: bool
    writable: bool
    target: str  # "folder" or "file"
    suffixes: tuple[str, ...] = ()


FORMATS: dict[str, FormatInfo] = {
    "egor": FormatInfo(
        "egor", "egor three tables (egos.csv, alters.csv, ties.csv)", True, True, "folder"
    ),
    "netcanvas": FormatInfo(
        "netcanvas", "Network Canvas CSV export (one or more sessions)", True, False, "folder"
    ),
    "netcanvas-graphml": FormatInfo(
        "netcanvas-graphml", "Network Canvas GraphML export", True, False, "file", (".graphml",)
    ),
    "graphml": FormatInfo(
        "graphml", "GraphML, one map per <graph>", True, True, "file", (".graphml", ".xml")
    ),
    "json": FormatInfo("json", "Kith JSON (one or many maps)", True, True, "file", (".json",)),
}

_EGOR_FILES = ("egos.csv", "alters.csv", "ties.csv")
_NC_MARKER = b"http://schema.networkcanvas.com/xmlns"


def _is_netcanvas_csv(name: str) -> bool:
    from kith.formats.netcanvas import nc_prefix

    return nc_prefix(name) is not None


def detect_format(path: str | Path) -> str:
    """The format of a file or folder, from its name and a look at its start.

    - a folder with ``egos.csv`` and ``alters.csv`` (egor's tables) → ``"egor"``;
    - a folder (or one file of a set) with ``*_ego.csv`` / ``*_attributeList_*.csv`` /
      ``*_edgeList_*.csv`` → ``"netcanvas"``;
    - a ``.graphml`` (or ``.xml``) file declaring the Network Canvas namespace →
      ``"netcanvas-graphml"``, else ``"graphml"``;
    - a ``.json`` file → ``"json"``.

    Raises :class:`FormatError` naming the path when none fits.
    """
    path = Path(path)
    if path.is_dir():
        names = {p.name for p in path.iterdir() if p.is_file()}
        if "egos.csv" in names and "alters.csv" in names:
            return "egor"
        if any(_is_netcanvas_csv(n) for n in names):
            return "netcanvas"
        raise FormatError(
            "cannot tell the format of this folder; expected egor tables (egos.csv, alters.csv, "
            "ties.csv) or a Network Canvas CSV export (*_ego.csv, *_attributeList_*.csv)",
            file=path,
        )
    if not path.exists():
        raise FormatError("no such file or folder", file=path)
    suffix = path.suffix.lower()
    if path.name in _EGOR_FILES:
        return "egor"
    if suffix == ".csv" and _is_netcanvas_csv(path.name):
        return "netcanvas"
    if suffix in (".graphml", ".xml"):
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
        return "netcanvas-graphml" if _NC_MARKER in head else "graphml"
    if suffix == ".json":
        return "json"
    raise FormatError(
        f"cannot tell the format from the name; give one of {', '.join(FORMATS)}", file=path
    )


def _check_name(format: str, path: Path) -> FormatInfo:
    info = FORMATS.get(format)
    if info is None:
        raise FormatError(
            f"unknown format '{format}'; expected one of {', '.join(FORMATS)}", file=path
        )
    return info


def read_networks(
    path: str | Path, format: str | None = None, *, max_bytes: int | None = None, **options: Any
) -> list[Network]:
    """Read maps from ``path`` in ``format`` (detected when not given).

    ``options`` go to the format's reader (e.g. ``codebook=`` for Network Canvas, ``ego_id=``
    for egor). ``max_bytes``: the largest file read (default: the reader's own, see
    :mod:`kith.formats.limits`). Raises :class:`FormatError` for bad input, naming file,
    line/record and field.
    """
    path = Path(path)
    name = format or detect_format(path)
    _check_name(name, path)
    limit: dict[str, Any] = {} if max_bytes is None else {"max_bytes": max_bytes}
    if name == "egor":
        from kith.formats.egor import read_egor

        folder = path.parent if path.is_file() else path
        return read_egor(folder, **limit, **options)
    if name == "netcanvas":
        from kith.formats.netcanvas import read_netcanvas

        return read_netcanvas(path, **limit, **options)
    if name == "netcanvas-graphml":
        from kith.formats.netcanvas import read_netcanvas_graphml

        return read_netcanvas_graphml(path, **limit, **options)
    if options:
        raise TypeError(f"the {name} reader takes no options; got {', '.join(options)}")
    if name == "graphml":
        from kith.formats.graphml import read_graphml

        return read_graphml(path, **limit)
    from kith.formats.kith_json import read_kith_json

    return read_kith_json(path, **limit)


def write_networks(
    networks: Iterable[Network], path: str | Path, format: str | None = None
) -> None:
    """Write maps to ``path`` in ``format``.

    Without ``format``: ``.graphml`` → GraphML, ``.json`` → Kith JSON, a folder or a name
    without a suffix → egor tables. Network Canvas formats are read-only.
    """
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower()
        if suffix in (".graphml", ".xml"):
            format = "graphml"
        elif suffix == ".json":
            format = "json"
        elif suffix == "" or path.is_dir():
            format = "egor"
        else:
            raise FormatError(
                f"cannot tell the format from the suffix '{suffix}'; give format= one of "
                + ", ".join(n for n, f in FORMATS.items() if f.writable),
                file=path,
            )
    info = _check_name(format, path)
    if not info.writable:
        raise FormatError(f"Kith reads {info.title} but does not write it", file=path)
    networks = list(networks)
    if format == "egor":
        from kith.formats.egor import write_egor

        write_egor(networks, path)
    elif format == "graphml":
        from kith.formats.graphml import write_graphml

        write_graphml(networks, path)
    else:
        from kith.formats.kith_json import write_kith_json

        write_kith_json(networks, path)
