"""Small server-side SVG charts: lines over time with shaded bands, and stacked bars.

Hand-written SVG (no JavaScript, no fonts to fetch) so the same markup works in the page and in
a PDF. Every chart has ``role="img"`` with a ``<title>`` and ``<desc>``; the page shows the same
numbers in a table beside it. Series differ by dash pattern and marker shape as well as colour.

>>> svg = line_chart("Loneliness", "Scores over time", [Series("Score", [(dt.date(2025, 1, 1), 5)])],
...                  y_range=(3, 9))
>>> svg.startswith("<svg") and "<title" in svg
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from itertools import count

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 40
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")
BAND_FILLS = ("#f3f2f1", "#ffffff")
_ids = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, float | None]] = field(default_factory=list)


@dataclass(frozen=True)
class BandArea:
    low: float
    high: float
    label: str


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
            f'L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _open(title: str, desc: str) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{tid} {did}" '
        f'class="kith-chart" font-family="system-ui, sans-serif" font-size="12">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _x_scale(dates: Sequence[dt.date]) -> tuple[dt.date, float]:
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    return first, (WIDTH - LEFT - RIGHT) / span


#: Date labels ("Nov 2026") closer than this (px) to the one before would overlap: skipped.
TICK_GAP = 64


def _date_ticks(dates: Sequence[dt.date], x_of: object) -> list[str]:
    out = []
    last: float | None = None
    for d in sorted(set(dates)):
        x = x_of(d)  # type: ignore[operator]
        if last is not None and x - last < TICK_GAP:
            continue
        last = x
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" fill="#0b0c0c">'
            f"{d:%b %Y}</text>"
        )
    return out


def line_chart(
    title: str,
    desc: str,
    series: Sequence[Series],
    *,
    y_range: tuple[float, float],
    bands: Sequence[BandArea] = (),
    y_label: str = "",
) -> str:
    """Lines over time on a fixed y range, with shaded, labelled bands behind them."""
    head, tail = _open(title, desc)
    dates = [d for s in series for d, v in s.points if v is not None]
    if not dates:
        return head + f'<text x="{LEFT}" y="{HEIGHT / 2}">No scores yet.</text>' + tail
    first, per_day = _x_scale(dates)
    low, high = y_range
    plot_h = HEIGHT - TOP - BOTTOM

    def x_of(d: dt.date) -> float:
        if len(set(dates)) == 1:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (d - first).days * per_day

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low or 1))

    parts = [head]
    for i, band in enumerate(bands):
        y1, y2 = y_of(min(band.high + 0.5, high)), y_of(max(band.low - 0.5, low))
        parts.append(
            f'<rect x="{LEFT}" y="{y1:.1f}" width="{WIDTH - LEFT - RIGHT}" height="{y2 - y1:.1f}" '
            f'fill="{BAND_FILLS[i % 2]}" stroke="#b1b4b6" stroke-width="0.5"/>'
            f'<text x="{WIDTH - RIGHT + 6}" y="{(y1 + y2) / 2 + 4:.1f}" fill="#505a5f" '
            f'font-size="11">{escape(band.label)}</text>'
        )
    # y axis ticks
    span = high - low
    step = 1 if span <= 10 else (5 if span <= 50 else 10)
    v = low
    while v <= high + 1e-9:
        y = y_of(v)
        parts.append(
            f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#0b0c0c"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{_fmt(v)}</text>'
        )
        v += step
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#0b0c0c"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="#0b0c0c"/>'
    )
    if y_label:
        parts.append(
            f'<text x="12" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" '
            f'text-anchor="middle" fill="#0b0c0c">{escape(y_label)}</text>'
        )
    parts += _date_ticks(dates, x_of)
    for i, s in enumerate(series):
        colour, dash, shape = COLOURS[i % 6], DASHES[i % 6], MARKERS[i % 6]
        pts = [(x_of(d), y_of(v)) for d, v in sorted(s.points) if v is not None]
        if not pts:
            continue
        path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f} {y:.1f}" for j, (x, y) in enumerate(pts))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g aria-hidden="true"><path d="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        parts += [_marker(shape, x, y, colour) for x, y in pts]
        parts.append("</g>")
    parts.append(_legend([s.label for s in series], top=TOP + plot_h + 30 if not bands else None))
    return "".join(parts) + tail


def _legend(labels: Sequence[str], top: float | None = None) -> str:
    if len(labels) <= 1:
        return ""
    out = ['<g class="legend" aria-hidden="true">']
    x = LEFT
    y = HEIGHT - 8
    for i, label in enumerate(labels):
        colour, dash, shape = COLOURS[i % 6], DASHES[i % 6], MARKERS[i % 6]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
            + _marker(shape, x + 11, y - 4, colour)
            + f'<text x="{x + 28}" y="{y}" fill="#0b0c0c">{escape(label)}</text>'
        )
        x += 34 + 7 * len(label)
    out.append("</g>")
    return "".join(out)


def stacked_bars(
    title: str,
    desc: str,
    columns: Sequence[tuple[str, dict[str, int]]],
    categories: Sequence[str],
) -> str:
    """One bar per column (a map date), stacked by category, with the counts written in."""
    head, tail = _open(title, desc)
    if not columns:
        return head + f'<text x="{LEFT}" y="{HEIGHT / 2}">No maps yet.</text>' + tail
    top_value = max(1, max(sum(c.values()) for _, c in columns))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(columns)
    bar_w = min(60.0, slot * 0.6)
    fills = ("#1d70b8", "#5694ca", "#a6c8e8", "#f47738", "#00703c", "#b1b4b6")
    parts = [head]
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="#0b0c0c"/>'
    )
    for i, (label, values) in enumerate(columns):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = float(HEIGHT - BOTTOM)
        parts.append('<g aria-hidden="true">')
        for j, cat in enumerate(categories):
            n = values.get(cat, 0)
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{fills[j % 6]}" stroke="#ffffff"/>'
            )
            if h >= 14:
                text_fill = "#ffffff" if j in (0, 3, 4) else "#0b0c0c"
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="middle" '
                    f'fill="{text_fill}">{n}</text>'
                )
        parts.append("</g>")
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    ly = TOP + 10
    parts.append('<g class="legend" aria-hidden="true">')
    for j, cat in enumerate(categories):
        parts.append(
            f'<rect x="{WIDTH - RIGHT + 10}" y="{ly + 18 * j - 10}" width="12" height="12" '
            f'fill="{fills[j % 6]}"/><text x="{WIDTH - RIGHT + 28}" y="{ly + 18 * j}" '
            f'fill="#0b0c0c">{escape(cat)}</text>'
        )
    parts.append("</g>")
    return "".join(parts) + tail
