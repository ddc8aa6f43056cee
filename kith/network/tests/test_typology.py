"""Network types: one hand-built map per type, and row vs column evaluation agreeing."""

# The tests pass text where the model takes enums ("family", {"emotional"}), as users do;
# Member normalises it on construction, so mypy's arg-type check is off for this file.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from kith.network import typology as T
from kith.network.measures import measure_row
from kith.network.model import Member, Network


def person(key: str, rel: str | None = None, contact: str | None = None, **kw: Any) -> Member:
    return Member(key, relationship=rel, contact=contact, **kw)


# Each map is built to meet its type's conditions (typology.json) and miss every earlier type.
MAPS: dict[str, Network] = {
    # size 0
    "empty": Network("e"),
    # people 3 <= 4, professionals 2/3 >= 0.5
    "formal_sparse": Network(
        "f",
        [
            person("cc", "professional", "weekly"),
            person("psy", "professional", "monthly"),
            person("sis", "family", "monthly"),
        ],
    ),
    # people 2 <= 3, weekly contact 1 <= 1; professionals 0/2 < 0.5
    "limited_contact": Network(
        "l",
        [
            person("bro", "family", "less"),
            person("old friend", "friend", "less"),
            Member("dog", kind="pet", contact="daily"),
        ],
    ),
    # people 5 >= 4, places+activities 2, family 1/5 < 0.6, weekly 5/7 >= 0.5
    "diverse_active": Network(
        "d",
        [
            person("mum", "family", "weekly"),
            person("f1", "friend", "weekly"),
            person("f2", "friend", "monthly"),
            person("n", "neighbour", "weekly"),
            person("w", "professional", "weekly"),
            Member("library", kind="place", contact="weekly"),
            Member("allotment", kind="activity", contact="less"),
        ],
    ),
    # people 4, family 3/4 >= 0.5, weekly 3/4 >= 0.5; places 0 so not diverse
    "family_stable": Network(
        "s",
        [
            person("mum", "family", "weekly"),
            person("dad", "family", "daily"),
            person("partner", "partner", "daily"),
            person("friend", "friend", "monthly"),
        ],
    ),
    # people 6, family 2/6 < 0.5 (not family_stable), professionals 0, places 1 <= 1
    "family_friends": Network(
        "ff",
        [
            person("mum", "family", "monthly"),
            person("aunt", "family", "monthly"),
            person("f1", "friend", "weekly"),
            person("f2", "friend", "monthly"),
            person("f3", "friend", "less"),
            person("c", "colleague", "weekly"),
            Member("cafe", kind="place", contact="monthly"),
        ],
    ),
    # people 5, places 3, but weekly 1/8 < 0.5 (not diverse_active), family 0
    "mixed": Network(
        "m",
        [
            person("a", "friend", "monthly"),
            person("b", "friend", "monthly"),
            person("c", "neighbour", "less"),
            person("d", "colleague", "weekly"),
            person("e", "peer", "less"),
            Member("p1", kind="place"),
            Member("p2", kind="place"),
            Member("a1", kind="activity"),
        ],
    ),
}


def test_every_type_has_a_map() -> None:
    assert sorted(MAPS) == sorted(r.key for r in T.rules())


@pytest.mark.parametrize("key", list(MAPS))
def test_type_of_hand_built_map(key: str) -> None:
    result = T.classify(MAPS[key])
    assert result.key == key
    assert result.name == T.rule(key).name
    assert result.sentence.startswith("Your map has")
    assert "{" not in result.sentence


def test_columns_agree_with_rows() -> None:
    rows = [measure_row(net) for net in MAPS.values()]
    columns = {c: np.array([r[c] for r in rows], dtype=float) for c in T.columns_used()}
    assert T.classify_columns(columns).tolist() == [T.classify_row(r) for r in rows]
    assert T.classify_columns(columns).tolist() == list(MAPS)


def test_nan_never_satisfies() -> None:
    # formal_sparse needs professionals_share >= 0.5; nan must fall through to the next rules
    row = {c: math.nan for c in T.columns_used()}
    row.update(size=3, people=3, weekly_contact=3, places_activities=0, family=0)
    assert T.classify_row(row) == "mixed"
    cols = {c: np.array([v], dtype=float) for c, v in row.items()}
    assert T.classify_columns(cols).tolist() == ["mixed"]


def test_ratio_condition_with_zero_divisor_is_nan() -> None:
    # "family/people" with people = 0 is nan (so it satisfies nothing), 2/4 = 0.5 otherwise
    assert math.isnan(T._scalar("family/people", {"family": 0, "people": 0}))
    assert T._scalar("family/people", {"family": 2, "people": 4}) == 0.5
    arrays = {"family": np.array([0.0, 2.0]), "people": np.array([0.0, 4.0])}
    out = T._vector("family/people", arrays)
    assert math.isnan(out[0]) and out[1] == 0.5


def test_describe_plural_and_singular() -> None:
    # the example sentence of the issue
    assert T.describe("family_stable", {"size": 8, "people": 8}) == (
        "Your map has 8 people, mostly family, and you see most of them every week: "
        "a family-centred, stable network."
    )
    assert "1 person" in T.describe("limited_contact", {"size": 3, "people": 1})


def test_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="fallback"):
        T.parse_rules({"types": [{"key": "a", "conditions": {"size": {"gt": 1}}}]})
    with pytest.raises(ValueError, match="unknown operator"):
        T.parse_rules({"types": [{"key": "a", "conditions": {"size": {"about": 1}}}, {"key": "b"}]})
    with pytest.raises(ValueError, match="repeated key"):
        T.parse_rules({"types": [{"key": "a"}, {"key": "a"}]})
    with pytest.raises(KeyError, match="family"):
        T.classify_columns({"size": np.array([1.0])})
