"""Matching: a shortlist of assets for a person, each with a one-sentence reason."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kith.assets.index import NEEDS
from kith.assets.models import InterestStatement, ServiceTerm, TaxonomyTerm
from kith.assets.search import Hit, Query, search

SHORTLIST = 10
MATCH_RADIUS_KM = 10.0


@dataclass
class Suggestion:
    hit: Hit
    statements: list[str]
    reason: str


def shortlist(
    statements: list[InterestStatement],
    *,
    needs: set[str],
    point: tuple[float, float] | None,
    free_only: bool = False,
    size: int = SHORTLIST,
) -> list[Suggestion]:
    """Services that fit the statements (most statements met first), the needs and the place."""
    wanted = {t for s in statements for t in s.term_refs}
    q = Query(term_refs=sorted(wanted), needs=set(needs), free_only=free_only)
    if point is not None:
        q.lat, q.lon, q.radius_km = point[0], point[1], MATCH_RADIUS_KM
    hits = search(q, page=1, per_page=200).hits
    terms_of: dict[int, set[str]] = defaultdict(set)
    for service_id, term in ServiceTerm.objects.filter(
        service_id__in=[h.service.pk for h in hits]
    ).values_list("service_id", "term_ref"):
        terms_of[service_id].add(term)
    names = dict(TaxonomyTerm.objects.filter(hsds_id__in=wanted).values_list("hsds_id", "name"))
    scored = []
    for rank, hit in enumerate(hits):
        met = [s for s in statements if set(s.term_refs) & terms_of[hit.service.pk]]
        scored.append((-len(met), rank, hit, met))
    scored.sort(key=lambda t: (t[0], t[1]))
    out = []
    for _, _, hit, met in scored[:size]:
        out.append(
            Suggestion(
                hit,
                [s.text for s in met],
                _reason(hit, met, terms_of[hit.service.pk], names, needs),
            )
        )
    return out


def _reason(
    hit: Hit,
    met: list[InterestStatement],
    terms: set[str],
    names: dict[str, str],
    needs: set[str],
) -> str:
    parts = []
    if met:
        labels = sorted({names[t] for s in met for t in s.term_refs if t in terms and t in names})
        said = " and ".join(f"“{s.text}”" for s in met[:2])
        parts.append(f"it fits {said}" + (f" ({', '.join(labels).lower()})" if labels else ""))
    if hit.covers:
        parts.append("it covers where the person lives")
    elif hit.distance_km is not None:
        parts.append(f"it is {hit.distance_km:.1f} km away")
    if needs:
        parts.append("it offers " + " and ".join(NEEDS[n].lower() for n in sorted(needs)))
    if not parts:
        return "Suggested as a service in the directory."
    return (
        "Suggested because "
        + ", ".join(parts[:-1])
        + (" and " if len(parts) > 1 else "")
        + parts[-1]
        + "."
    )
