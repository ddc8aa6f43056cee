"""The Connecting People fidelity self-assessment, as data (``fidelity.json``), and its scoring.

Each item is rated 0 (not yet) to 3 (always or almost always). A level's score is the mean of
its answered items as a percentage of the maximum (0–100); the overall score is the mean of
the level scores that could be computed. A level with no answered item has no score.

>>> s = score_fidelity({"agency_time": 3, "agency_links": 0})
>>> s["levels"]["agency"], s["overall"]
(50.0, 50.0)
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("fidelity.json")


@lru_cache(maxsize=1)
def definition() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
    return data


def item_ids() -> list[str]:
    return [item["id"] for level in definition()["levels"] for item in level["items"]]


def scale_max() -> int:
    return max(option["value"] for option in definition()["scale"])


def score_fidelity(answers: dict[str, int | None]) -> dict[str, Any]:
    """Level scores (0–100, ``None`` when no item of the level was answered) and overall."""
    top = scale_max()
    allowed = {option["value"] for option in definition()["scale"]}
    levels: dict[str, float | None] = {}
    for level in definition()["levels"]:
        values = []
        for item in level["items"]:
            value = answers.get(item["id"])
            if value is None:
                continue
            if value not in allowed:
                raise ValueError(f"fidelity item {item['id']}: {value!r} is not 0 to {top}")
            values.append(value)
        levels[level["id"]] = round(100 * sum(values) / (top * len(values)), 1) if values else None
    known = [v for v in levels.values() if v is not None]
    overall = round(sum(known) / len(known), 1) if known else None
    return {"levels": levels, "overall": overall, "version": definition()["version"]}
