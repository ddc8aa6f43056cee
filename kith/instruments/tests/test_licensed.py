"""Licensed instruments: scoring rules only, no item text; worked examples from their sources.

* [SW-2009] Stewart-Brown et al. (2009), Health and Quality of Life Outcomes 7:15, and Warwick
  Medical School scoring guidance: seven items scored 1-5, summed (7-35), raw sum converted to
  the metric score with the published table.
* [SW-2018] Shah et al. (2018), Health and Quality of Life Outcomes 16:239: statistically
  important individual change 2.77 x SEM = 2.87 points.
* [LSNS] Lubben et al. (2006), The Gerontologist 46(4):503-513: six items 0-5, total 0-30,
  family (items 1-3) and friends (items 4-6) subscales, below 12 = at risk of isolation.
* [DJG] De Jong Gierveld and Van Tilburg (2006), Research on Aging 28(5):582-598, and the
  Manual of the Loneliness Scale, section 8 (SPSS syntax): codes 1 no, 2 more or less, 3 yes;
  emotional items count 2-3, social items count 1-2; the total is missing when more than one
  item is missing, a subscale when any of its items is; 0-1 not lonely, 2-4 moderately
  lonely, 5-6 severely lonely.
* [QPR] Law et al. (2014), Schizophrenia Research 156:184-189: 15 items 0-4, total 0-60.
* [RG-UK] Webber and Huxley (2007), Social Science & Medicine 65(3):481-492: 27 resources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kith.instruments import (
    Instrument,
    InstrumentError,
    builtin_ids,
    load_builtin,
    load_definition,
    reliable_change,
    score,
)

LICENSED = ("djg6", "lsns6", "qpr15", "rg-uk", "swemwbs")
DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


def test_which_instruments_are_licensed() -> None:
    assert {i for i in builtin_ids() if load_builtin(i).licensed} == set(LICENSED)
    assert {i for i in builtin_ids() if not load_builtin(i).licensed} == {"ons4", "ons-loneliness"}


@pytest.mark.parametrize("instrument_id", LICENSED)
def test_licensed_instruments_ship_no_text(instrument_id: str) -> None:
    inst = load_builtin(instrument_id)
    assert not inst.licence.text_included
    assert not inst.has_text
    assert all(it.text is None for it in inst.items)
    assert all(o.label is None for opts in inst.response_sets.values() for o in opts)
    assert inst.instructions is None
    assert inst.citations


# Distinctive words of the real items (from the published papers), which must never appear in
# a shipped definition file. A guard against pasting licensed text by mistake.
FORBIDDEN = [
    "optimistic",
    "feeling useful",
    "dealing with problems",
    "make up my own mind",
    "sense of emptiness",
    "feel rejected",
    "trust completely",
    "relatives do you see",
    "talk about private matters",
]


@pytest.mark.parametrize("instrument_id", LICENSED)
def test_definition_files_contain_no_real_item_text(instrument_id: str) -> None:
    text = (DEFINITIONS / f"{instrument_id}.json").read_text(encoding="utf-8").lower()
    for phrase in FORBIDDEN:
        assert phrase not in text


# --- SWEMWBS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def swemwbs() -> Instrument:
    return load_builtin("swemwbs")


def answers_summing_to(inst: Instrument, raw: int, low: int = 1, high: int = 5) -> dict[str, int]:
    """Answers whose item scores add up to ``raw`` (filling items from the first)."""
    ids = inst.item_ids
    values = [low] * len(ids)
    rest = raw - low * len(ids)
    for i in range(len(ids)):
        step = min(high - low, rest)
        values[i] += step
        rest -= step
    assert rest == 0
    return dict(zip(ids, values, strict=True))


@pytest.mark.parametrize(
    ("raw", "metric"),
    # [SW-2009] conversion table, first, middle and last rows.
    [(7, 7.00), (8, 9.51), (14, 15.32), (21, 19.25), (28, 25.03), (34, 32.55), (35, 35.00)],
)
def test_swemwbs_raw_to_metric(swemwbs: Instrument, raw: int, metric: float) -> None:
    s = score(swemwbs, answers_summing_to(swemwbs, raw))
    assert s.total is not None
    assert s.total.raw == raw
    assert s.total.converted == pytest.approx(metric)
    assert s.total.value == pytest.approx(metric)
    assert s.total.conversion == "metric"


def test_swemwbs_conversion_table_is_monotonic_and_complete(swemwbs: Instrument) -> None:
    assert swemwbs.total is not None and swemwbs.total.conversion is not None
    table = swemwbs.total.conversion.table
    assert list(table) == list(range(7, 36))
    assert all(table[r] < table[r + 1] for r in range(7, 35))


def test_swemwbs_needs_every_item(swemwbs: Instrument) -> None:
    answers: dict[str, int | None] = dict(answers_summing_to(swemwbs, 21))
    answers["swemwbs_4"] = None
    s = score(swemwbs, answers)
    assert s.total is not None
    assert s.total.raw is None and s.total.converted is None
    assert s.total.missing == ("swemwbs_4",)


def test_swemwbs_out_of_range(swemwbs: Instrument) -> None:
    with pytest.raises(InstrumentError, match="item 'swemwbs_2', field 'value': 6 is not"):
        score(swemwbs, {"swemwbs_2": 6})
    with pytest.raises(InstrumentError, match="item 'swemwbs_2', field 'value': 0 is not"):
        score(swemwbs, {"swemwbs_2": 0})


@pytest.mark.parametrize(
    ("before", "after", "difference", "direction"),
    [
        # [SW-2018] threshold 2.87 metric points.
        (21, 24, 21.54 - 19.25, "no reliable change"),  # 2.29 points
        (21, 25, 22.35 - 19.25, "improved"),  # 3.10 points
        (25, 21, 19.25 - 22.35, "worsened"),
        (7, 8, 9.51 - 7.00, "no reliable change"),  # 2.51 points at the floor
        (7, 9, 11.25 - 7.00, "improved"),
    ],
)
def test_swemwbs_reliable_change(
    swemwbs: Instrument, before: int, after: int, difference: float, direction: str
) -> None:
    a = score(swemwbs, answers_summing_to(swemwbs, before))
    b = score(swemwbs, answers_summing_to(swemwbs, after))
    change = reliable_change(swemwbs, a, b)
    assert change.threshold == 2.87
    assert change.difference == pytest.approx(difference)
    assert change.direction == direction
    assert change.reliable == (direction != "no reliable change")
    assert "Shah" in (change.source or "")


def test_reliable_change_needs_complete_scores(swemwbs: Instrument) -> None:
    full = score(swemwbs, answers_summing_to(swemwbs, 21))
    part = score(swemwbs, {"swemwbs_1": 3})
    with pytest.raises(InstrumentError, match="'after' score has too many missing items"):
        reliable_change(swemwbs, full, part)
    other = score(load_builtin("qpr15"), {})
    with pytest.raises(InstrumentError, match="'before' score is for instrument 'qpr15'"):
        reliable_change(swemwbs, other, full)


# --- LSNS-6 ----------------------------------------------------------------------------------


def test_lsns6_cut_off_and_subscales() -> None:
    lsns = load_builtin("lsns6")
    # [LSNS]: no family contact at all, but at least five friends (code 4, "five through
    # eight") for each of the three friendship questions gives 12: just not at risk.
    s = score(
        lsns, {"lsns6_1": 0, "lsns6_2": 0, "lsns6_3": 0, "lsns6_4": 4, "lsns6_5": 4, "lsns6_6": 4}
    )
    assert s.total is not None and s.total.raw == 12
    assert s.total.band is not None and s.total.band.id == "not_at_risk"
    assert s.subscales["family"].raw == 0 and s.subscales["friends"].raw == 12
    eleven = score(
        lsns, {"lsns6_1": 0, "lsns6_2": 0, "lsns6_3": 0, "lsns6_4": 4, "lsns6_5": 4, "lsns6_6": 3}
    )
    assert eleven.total is not None and eleven.total.band is not None
    assert eleven.total.band.id == "at_risk"
    assert lsns.total is not None and lsns.total.bounds == (0, 30)
    assert lsns.sum_rule("family").bounds == (0, 15)
    top = score(lsns, dict.fromkeys(lsns.item_ids, 5))
    assert top.total is not None and top.total.raw == 30


def test_lsns6_missing_family_item_blocks_total_and_family_only() -> None:
    lsns = load_builtin("lsns6")
    s = score(lsns, {"lsns6_1": 2, "lsns6_2": 2, "lsns6_4": 1, "lsns6_5": 1, "lsns6_6": 1})
    assert s.total is not None and s.total.raw is None
    assert s.subscales["family"].raw is None
    assert s.subscales["friends"].raw == 3


# --- De Jong Gierveld 6-item -------------------------------------------------------------------

NO, MORE_OR_LESS, YES = 1, 2, 3
EMOTIONAL = ("djg6_1", "djg6_4", "djg6_6")
SOCIAL = ("djg6_2", "djg6_3", "djg6_5")


@pytest.fixture(scope="module")
def djg() -> Instrument:
    return load_builtin("djg6")


def test_djg6_more_or_less_counts_as_lonely_on_every_item(djg: Instrument) -> None:
    # [DJG] syntax: emotional items count codes 2-3, social items 1-2; "more or less" (2) is
    # therefore lonely on all six, giving the maximum of 6.
    s = score(djg, dict.fromkeys(djg.item_ids, MORE_OR_LESS))
    assert s.total is not None and s.total.raw == 6
    assert s.total.band is not None and s.total.band.id == "severely_lonely"
    assert s.subscales["emotional"].raw == 3 and s.subscales["social"].raw == 3


def test_djg6_social_items_are_reverse_scored(djg: Instrument) -> None:
    # Answering "no" to everything: not emotionally lonely (0) but socially lonely (3),
    # because the social items are positively worded. Total 3 = moderately lonely.
    s = score(djg, dict.fromkeys(djg.item_ids, NO))
    assert s.subscales["emotional"].raw == 0
    assert s.subscales["social"].raw == 3
    assert s.total is not None and s.total.raw == 3
    assert s.total.band is not None and s.total.band.id == "moderately_lonely"
    for item_id in SOCIAL:
        assert s.items[item_id].score == 1 and s.items[item_id].value == NO
    not_lonely = score(djg, {**dict.fromkeys(EMOTIONAL, NO), **dict.fromkeys(SOCIAL, YES)})
    assert not_lonely.total is not None and not_lonely.total.raw == 0
    assert not_lonely.total.band is not None and not_lonely.total.band.id == "not_lonely"
    assert not_lonely.subscales["social"].band.id == "not_lonely"  # type: ignore[union-attr]


def test_djg6_missing_items_follow_the_manual(djg: Instrument) -> None:
    # [DJG]: total missing when more than one item is missing; subscales when any is.
    one_missing = score(djg, {**dict.fromkeys(EMOTIONAL, YES), "djg6_2": NO, "djg6_3": NO})
    assert one_missing.total is not None
    assert one_missing.total.raw == 5 and not one_missing.total.complete
    assert one_missing.total.missing == ("djg6_5",)
    assert one_missing.subscales["emotional"].raw == 3
    assert one_missing.subscales["social"].raw is None
    two_missing = score(djg, {**dict.fromkeys(EMOTIONAL, YES), "djg6_2": NO})
    assert two_missing.total is not None and two_missing.total.raw is None


def test_djg6_rejects_the_five_option_codes(djg: Instrument) -> None:
    with pytest.raises(InstrumentError, match="item 'djg6_1', field 'value': 4 is not"):
        score(djg, {"djg6_1": 4})


# --- QPR-15 and RG-UK ----------------------------------------------------------------------------


def test_qpr15_range() -> None:
    qpr = load_builtin("qpr15")
    assert qpr.total is not None and qpr.total.bounds == (0, 60)
    s = score(qpr, dict.fromkeys(qpr.item_ids, 4))
    assert s.total is not None and s.total.raw == 60
    with pytest.raises(InstrumentError, match="item 'qpr15_15', field 'value': 5 is not"):
        score(qpr, {"qpr15_15": 5})


def test_rg_uk_counts_resources_with_access() -> None:
    rg = load_builtin("rg-uk")
    assert len(rg.items) == 27
    answers = dict.fromkeys(rg.item_ids, 0)
    answers.update(dict.fromkeys(rg.item_ids[:10], 1))
    s = score(rg, answers)
    assert s.total is not None and s.total.raw == 10 and s.total.bounds == (0, 27)


# --- reverse items (a made-up instrument; none of the built-ins has a classic reverse item) ----


def test_reverse_items(tmp_path: Path) -> None:
    definition = {
        "kith": "instrument",
        "format_version": 1,
        "id": "made-up",
        "version": "1",
        "name": "Made-up scale",
        "construct": "testing",
        "licensed": False,
        "licence": {"name": "CC0", "text_included": True},
        "citations": [{"text": "Invented for this test."}],
        "response_sets": {
            "agree": [{"value": v, "label": f"Example option {v}"} for v in range(1, 6)]
        },
        "items": [
            {"id": "a", "text": "Example item one", "response_set": "agree"},
            {"id": "b", "text": "Example item two", "response_set": "agree", "reverse": True},
        ],
        "total": {"id": "total", "label": "Total", "max_missing": 1},
    }
    path = tmp_path / "made-up.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    inst = load_definition(path)
    s = score(inst, {"a": 5, "b": 1})
    assert s.items["b"].score == 5 and s.items["b"].value == 1
    assert s.total is not None and s.total.raw == 10
    s = score(inst, {"a": 2, "b": 4})
    assert s.items["b"].score == 2
    assert s.total is not None and s.total.raw == 4
    # max_missing 1: the answered item alone is summed, never imputed.
    s = score(inst, {"b": 5})
    assert s.total is not None and s.total.raw == 1 and s.total.missing == ("a",)
