"""Exports of a map the person can take home: a one-page A4 PDF and a PNG of the drawing.

The SVG drawing itself is ``maps:svg`` (:func:`kith.maps.views.map_svg`).

- **PDF** (``maps:pdf``): the drawing, what the map says in plain words (the measures panel's
  sentences and the typology sentence), who is on the map circle by circle, the date and a
  short footer, rendered from ``maps/map_print.html`` by WeasyPrint. Everything is local: the
  drawing is inline SVG, fonts are the system's (DejaVu Sans), nothing is fetched.
- **PNG** (``maps:png``): the drawing alone, rendered without a browser: WeasyPrint lays the
  SVG out on a page of exactly its size and ``pdftoppm`` (Debian's ``poppler-utils``) turns
  that page into a PNG at twice the drawing's pixel size. Both tools are needed for the PDF
  test anyway, so the PNG adds no dependency.

WeasyPrint needs the Pango libraries at import time. The app starts without them: the export
links then say what to install (:func:`pdf_problem`, :func:`png_problem`), and the export URLs
answer 503 with the same explanation instead of failing.

Every read goes through :func:`kith.maps.access.get_map_for_user` (404 for other teams).
Responses are ``Cache-Control: no-store``; file names carry the map's id and date, never a
name. Nothing about the person is logged.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kith.audit.log import record_export
from kith.maps import summary
from kith.maps.access import get_map_for_user
from kith.maps.drawing import read_map, stable_layout
from kith.maps.models import Map, MapMember
from kith.network import Kind, Network, NetworkError
from kith.network.drawing import draw_svg
from kith.network.layout import RING_NAMES

log = logging.getLogger(__name__)

#: Debian/Ubuntu packages WeasyPrint needs (the same names as in the Makefile's APT_PACKAGES).
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
PNG_PACKAGES = "poppler-utils"
#: The PNG is rendered at this many times the drawing's pixel size (sharp on high-DPI screens).
PNG_SCALE = 2
#: Seconds allowed for pdftoppm.
PDFTOPPM_TIMEOUT = 30

#: How circles are named in the printout (the names printed on the drawing's rings).
CIRCLE_HEADINGS: dict[int | None, str] = {
    1: f"{RING_NAMES[1]} (inner circle)",
    2: f"{RING_NAMES[2]} (middle circle)",
    3: f"{RING_NAMES[3]} (outer circle)",
    None: RING_NAMES[4],
}


class ExportUnavailable(Exception):
    """A system library or tool the export needs is missing (the message says what to install)."""


@functools.cache
def pdf_problem() -> str | None:
    """None when PDFs can be made here, else a plain explanation of what to install.

    The answer is about this server, not about anyone's data, so it is kept for the process.
    """
    try:
        import weasyprint  # noqa: F401  (imports Pango through cffi)
    except ImportError:
        return "PDF export needs the WeasyPrint package. Run: pip install 'kith[web]'."
    except OSError:
        return (
            "PDF export needs the Pango text libraries, which are not installed on this "
            f"server. An administrator can install them with: sudo apt-get install {PDF_PACKAGES}"
        )
    return None


@functools.cache
def png_problem() -> str | None:
    """None when PNGs can be made here, else a plain explanation of what to install."""
    if problem := pdf_problem():
        return problem.replace("PDF export", "Picture (PNG) export")
    if shutil.which("pdftoppm") is None:
        return (
            "Picture (PNG) export needs the pdftoppm tool, which is not installed on this "
            f"server. An administrator can install it with: sudo apt-get install {PNG_PACKAGES}"
        )
    return None


def export_links(the_map: Map) -> dict[str, Any]:
    """What ``maps/_export_links.html`` needs: the map and what is missing, if anything."""
    return {"map": the_map, "pdf_problem": pdf_problem(), "png_problem": png_problem()}


# -- rendering ------------------------------------------------------------------------------


def _load(the_map: Map) -> tuple[list[MapMember], Network]:
    members, ties = read_map(the_map)
    return members, the_map.to_network(members, ties)


def _member_line(member: MapMember) -> str:
    label = member.label or member.key
    if member.kind == Kind.PERSON.value:
        return label
    return f"{label} ({summary.KIND_WORDS.get(member.kind, (member.kind,))[0]})"


def _natural(text: str) -> list[Any]:
    """Sort key: "Friend 2" before "Friend 10"."""
    return [int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text)]


def circles_of(members: list[MapMember]) -> list[dict[str, Any]]:
    """Members by circle, closest first, each list in alphabetical order (empty circles kept)."""
    out = []
    for circle in (1, 2, 3, None):
        names = sorted((_member_line(m) for m in members if m.circle == circle), key=_natural)
        if circle is None and not names:
            continue
        out.append({"circle": circle, "heading": CIRCLE_HEADINGS[circle], "members": names})
    return out


#: Print settings from roomiest to densest: a smaller drawing and smaller list type each step.
DENSITIES = ("roomy", "full", "crowded", "tiny")


def _first_density(n: int) -> int:
    return 0 if n <= 20 else (1 if n <= 32 else 2)


def print_context(the_map: Map) -> dict[str, Any]:
    """Everything the one-page printout shows."""
    members, net = _load(the_map)
    lay = stable_layout(the_map, net)
    return {
        "map": the_map,
        "person": the_map.person,
        "drawing": draw_svg(net, lay, title=f"Network map of {the_map.date:%d %B %Y}"),
        "panel": summary.measures_panel(net),
        "circles": circles_of(members),
        "printed": timezone.localdate(),
        "density": DENSITIES[_first_density(len(members))],
    }


def render_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document (WeasyPrint; nothing is fetched: no base URL)."""
    if problem := pdf_problem():
        raise ExportUnavailable(problem)
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def map_pdf_bytes(the_map: Map) -> bytes:
    """The one-page printout of a map, as PDF.

    Laid out with the density its number of members suggests; if that still runs onto a
    second page (long labels), the next denser setting is tried.
    """
    if problem := pdf_problem():
        raise ExportUnavailable(problem)
    from weasyprint import HTML

    context = print_context(the_map)
    start = DENSITIES.index(context["density"])
    for density in DENSITIES[start:]:
        context["density"] = density
        document = HTML(
            string=render_to_string("maps/map_print.html", context), base_url=None
        ).render()
        if len(document.pages) == 1:
            break
    pdf: bytes = document.write_pdf()
    return pdf


_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def svg_to_png(svg: str, scale: int = PNG_SCALE) -> bytes:
    """A PNG of an SVG document: WeasyPrint puts it on a page of its size, pdftoppm rasterises."""
    if problem := png_problem():
        raise ExportUnavailable(problem)
    found = _SIZE.search(svg)
    width, height = (float(found[1]), float(found[2])) if found else (800.0, 800.0)
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {width}px {height}px; margin: 0 }}"
        "html, body { margin: 0; padding: 0 } svg { display: block }"
        f"</style></head><body>{svg}</body></html>"
    )
    pdf = render_pdf(html)
    with tempfile.TemporaryDirectory(prefix="kith-png-") as folder:
        source = Path(folder) / "drawing.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                "-r",
                str(96 * scale),
                str(source),
                str(Path(folder) / "drawing"),
            ],
            check=True,
            capture_output=True,
            timeout=PDFTOPPM_TIMEOUT,
        )
        return (Path(folder) / "drawing.png").read_bytes()


def map_png_bytes(the_map: Map) -> bytes:
    """A PNG of the map's drawing (members at the angles of the person's earlier maps)."""
    _, net = _load(the_map)
    return svg_to_png(draw_svg(net, stable_layout(the_map, net)))


# -- views ----------------------------------------------------------------------------------


def filename(the_map: Map, extension: str) -> str:
    """``map-<id>-<date>.<extension>``: no names of people in file names."""
    return f"map-{the_map.pk}-{the_map.date:%Y-%m-%d}.{extension}"


def _file(content: bytes, content_type: str, name: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


#: The same file response for other exports of a person's records (kith.plans' "My
#: connections" PDF): no caching, no content sniffing.
file_response = _file


def _unavailable(request: HttpRequest, the_map: Map, problem: str, what: str) -> HttpResponse:
    response = render(
        request,
        "maps/export_unavailable.html",
        {"map": the_map, "person": the_map.person, "problem": problem, "what": what},
        status=503,
    )
    response["Cache-Control"] = "no-store"
    return response


def _broken(request: HttpRequest, the_map: Map, error: Exception, what: str) -> HttpResponse:
    # The map's id and the error's type only: no labels, no names.
    log.warning("%s export of map %s failed: %s", what, the_map.pk, type(error).__name__)
    return _unavailable(
        request,
        the_map,
        "Something went wrong while making the file. The map itself is safe; try again, "
        "or download the drawing as SVG.",
        what,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def map_pdf(request: HttpRequest, map_id: int) -> HttpResponse:
    """The one-page A4 printout of a map (PDF)."""
    the_map = get_map_for_user(request.user, map_id)
    if problem := pdf_problem():
        return _unavailable(request, the_map, problem, "PDF")
    try:
        pdf = map_pdf_bytes(the_map)
    except (NetworkError, ExportUnavailable) as error:
        return _broken(request, the_map, error, "PDF")
    inline = request.GET.get("download") != "1"
    record_export(the_map, "pdf")
    return _file(pdf, "application/pdf", filename(the_map, "pdf"), inline=inline)


@login_required
@require_http_methods(["GET", "HEAD"])
def map_png(request: HttpRequest, map_id: int) -> HttpResponse:
    """The map's drawing as a PNG picture."""
    the_map = get_map_for_user(request.user, map_id)
    if problem := png_problem():
        return _unavailable(request, the_map, problem, "PNG")
    try:
        png = map_png_bytes(the_map)
    except (
        NetworkError,
        ExportUnavailable,
        subprocess.SubprocessError,
        OSError,
    ) as error:
        return _broken(request, the_map, error, "PNG")
    record_export(the_map, "png")
    return _file(png, "image/png", filename(the_map, "png"), inline=True)
