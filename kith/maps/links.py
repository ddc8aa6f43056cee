"""URLs of the map pages, reversed once per URL pattern instead of once per link.

A map page links to a dozen pages of its map and to three or four per member and tie. Django's
``reverse`` walks the URL resolver each time; here each pattern is reversed once (per URL
configuration and script prefix) with placeholder ids, and a link is the pattern's text with
the ids put in.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

#: Ids no real row has, to mark where the ids go in a reversed URL.
_PLACEHOLDERS = (2147483641, 2147483642, 2147483643)

_PARTS: dict[tuple[str, str, str, int], tuple[str, ...]] = {}  # (*where, name, ids) → parts


def _where() -> tuple[str, str]:
    """What reversing depends on besides the name: the script prefix and URL configuration."""
    return get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)


def _parts(name: str, n_ids: int, where: tuple[str, str] | None = None) -> tuple[str, ...]:
    """The text of URL ``name`` around its ``n_ids`` ids."""
    key = (*(where or _where()), name, n_ids)
    found = _PARTS.get(key)
    if found is None:
        rest = reverse(name, args=_PLACEHOLDERS[:n_ids])
        parts = []
        for placeholder in _PLACEHOLDERS[:n_ids]:
            head, _, rest = rest.partition(str(placeholder))
            parts.append(head)
        found = _PARTS[key] = (*parts, rest)
    return found


def url(name: str, *ids: int, where: tuple[str, str] | None = None) -> str:
    """``reverse(name, args=ids)`` for URL patterns whose arguments are integer ids."""
    parts = _parts(name, len(ids), where)
    out = [parts[0]]
    for value, part in zip(ids, parts[1:], strict=True):
        out.append(str(int(value)))
        out.append(part)
    return "".join(out)


def url_pattern(name: str, *ids: int) -> tuple[str, str]:
    """URL ``name`` for ``ids`` and one more id, cut where that id goes (``head``, ``tail``)."""
    head, _, tail = url(name, *ids, _PLACEHOLDERS[len(ids)]).rpartition(
        str(_PLACEHOLDERS[len(ids)])
    )
    return head, tail


#: The map page's links: the map's own pages (by URL name in ``maps``).
MAP_PAGES = (
    "detail",
    "svg",
    "pdf",
    "png",
    "edit",
    "finalise",
    "member_add",
    "tie_add",
    "tie_toggle",
    "member_move",
    "quick_add",
)


def map_urls(map_id: int, person_id: int) -> dict[str, str]:
    """URLs of the pages a map page links to, by URL name (``person`` and ``start_map``: the
    person's page and the start of a review)."""
    where = _where()
    urls = {name: url(f"maps:{name}", map_id, where=where) for name in MAP_PAGES}
    urls["person"] = url("people:detail", person_id, where=where)
    urls["start_map"] = url("people:start_map", person_id, where=where)
    return urls
