"""Plain geometry for the directory: distances, grid cells for an indexed box prefilter, and
GeoJSON service areas (point in polygon). No GIS library: the areas are small and few."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any

EARTH_RADIUS_KM = 6371.0088
#: Grid cell size in degrees: 0.05° of latitude ≈ 5.6 km.
CELL_DEGREES = 0.05
#: An area touching more cells than this is stored as "covers everywhere it says" (cell -1).
MAX_AREA_CELLS = 4000
EVERYWHERE = -1


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _row_col(lat: float, lon: float) -> tuple[int, int]:
    return math.floor((lat + 90) / CELL_DEGREES), math.floor((lon + 180) / CELL_DEGREES)


def cell(lat: float, lon: float) -> int:
    """The grid cell holding a point (a whole number; neighbours differ by 1 or by 10,000)."""
    row, col = _row_col(lat, lon)
    return row * 10_000 + col


def cells_in_box(south: float, west: float, north: float, east: float) -> list[int]:
    r0, c0 = _row_col(south, west)
    r1, c1 = _row_col(north, east)
    return [r * 10_000 + c for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def box_around(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box holding every point within ``radius_km``."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def cells_near(lat: float, lon: float, radius_km: float) -> list[int]:
    return cells_in_box(*box_around(lat, lon, radius_km))


# -- GeoJSON areas -------------------------------------------------------------------------

Ring = list[tuple[float, float]]  # (lon, lat) pairs as GeoJSON writes them


def polygons(extent: Any) -> list[list[Ring]] | None:
    """The polygons (outer ring, holes…) of a GeoJSON extent, or None if it is not one."""
    value = extent
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    kind = value.get("type")
    try:
        if kind == "FeatureCollection":
            out: list[list[Ring]] = []
            for feature in value.get("features") or []:
                out += polygons(feature) or []
            return out
        if kind == "Feature":
            return polygons(value.get("geometry"))
        if kind == "Polygon":
            return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in value["coordinates"]]]
        if kind == "MultiPolygon":
            return [
                [[(float(x), float(y)) for x, y, *_ in ring] for ring in poly]
                for poly in value["coordinates"]
            ]
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def covers(shapes: Iterable[list[Ring]], lat: float, lon: float) -> bool:
    """Whether the point lies in one of the polygons (inside the outer ring, outside holes)."""
    for rings in shapes:
        if (
            rings
            and _in_ring(lon, lat, rings[0])
            and not any(_in_ring(lon, lat, h) for h in rings[1:])
        ):
            return True
    return False


def area_cells(shapes: list[list[Ring]]) -> Iterator[int]:
    """The grid cells the polygons' boxes touch ([EVERYWHERE] for a huge area)."""
    for rings in shapes:
        if not rings or not rings[0]:
            continue
        lons = [p[0] for p in rings[0]]
        lats = [p[1] for p in rings[0]]
        box = cells_in_box(min(lats), min(lons), max(lats), max(lons))
        if len(box) > MAX_AREA_CELLS:
            yield EVERYWHERE
            return
        yield from box
