"""Which instruments an organisation can use, with their text.

Open instruments (ONS loneliness, ONS4) always have their text. A licensed instrument has text
only once the organisation has loaded its own licensed copy (``kith manage load_instrument``);
until then it can be scheduled but not filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.http import Http404

from kith.instruments import Instrument, builtin_ids, load_builtin, merge_licensed_text
from kith.outcomes.models import LicensedText


@cache
def builtin(instrument_id: str) -> Instrument:
    return load_builtin(instrument_id)


@dataclass(frozen=True)
class Available:
    id: str
    name: str
    licensed: bool
    usable: bool


def available(organisation_id: int | None) -> list[Available]:
    """Every built-in instrument and whether this organisation can fill it in (one query)."""
    loaded = set(
        LicensedText.objects.filter(organisation_id=organisation_id).values_list(
            "instrument_id", flat=True
        )
    )
    out = []
    for iid in builtin_ids():
        inst = builtin(iid)
        out.append(Available(iid, inst.name, inst.licensed, not inst.licensed or iid in loaded))
    return out


def instrument_for(organisation_id: int | None, instrument_id: str) -> Instrument:
    """The instrument with its text for this organisation; 404 when unknown or text not loaded."""
    if instrument_id not in builtin_ids():
        raise Http404("No such instrument")
    inst = builtin(instrument_id)
    if not inst.licensed:
        return inst
    text = LicensedText.objects.filter(
        organisation_id=organisation_id, instrument_id=instrument_id
    ).first()
    if text is None:
        raise Http404("The licensed text of this instrument has not been loaded")
    return merge_licensed_text(inst, text.data, file=text.source_name or None)


def rules(instrument_id: str) -> Instrument:
    """The scoring rules only (enough to score and chart; no licensed text needed)."""
    if instrument_id not in builtin_ids():
        raise Http404("No such instrument")
    return builtin(instrument_id)


def name(instrument_id: str) -> str:
    try:
        return builtin(instrument_id).name
    except Exception:
        return instrument_id
