"""The built-in open instruments: ONS loneliness measures and ONS4 personal well-being.

Sources for every expected value:

* [ONS-L] Office for National Statistics (2018), "Measuring loneliness: guidance for use of
  the national indicators on surveys" -
  https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/measuringlonelinessguidanceforuseofthenationalindicatorsonsurveys
* [GSS-L] Government Statistical Service, loneliness harmonised standard (questions, response
  options, introduction) - https://gss.civilservice.gov.uk/policy-store/loneliness-indicators/
* [GSS-W] Government Statistical Service, personal well-being harmonised standard (the four
  questions as asked on the Annual Population Survey) -
  https://gss.civilservice.gov.uk/policy-store/personal-well-being/
* [ONS-W] ONS personal well-being user guidance (threshold bands) -
  https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/personalwellbeingsurveyuserguide
"""

from __future__ import annotations

import pytest

from kith.instruments import Instrument, InstrumentError, load_builtin, reliable_change, score

UCLA = ("lack_companionship", "left_out", "isolated")


@pytest.fixture(scope="module")
def lonely() -> Instrument:
    return load_builtin("ons-loneliness")


@pytest.fixture(scope="module")
def ons4() -> Instrument:
    return load_builtin("ons4")


# --- ONS loneliness ---------------------------------------------------------------------------


def test_wording_and_options_match_the_harmonised_standard(lonely: Instrument) -> None:
    # [GSS-L]: the three UCLA-based questions, the direct question, their response scales
    # and the suggested introduction, verbatim.
    assert [it.text for it in lonely.items] == [
        "How often do you feel that you lack companionship?",
        "How often do you feel left out?",
        "How often do you feel isolated from others?",
        "How often do you feel lonely?",
    ]
    for item_id in UCLA:
        assert [(o.value, o.label) for o in lonely.item(item_id).options] == [
            (1, "Hardly ever or never"),
            (2, "Some of the time"),
            (3, "Often"),
        ]
    assert [o.label for o in lonely.item("lonely").options] == [
        "Often or always",
        "Some of the time",
        "Occasionally",
        "Hardly ever",
        "Never",
    ]
    assert lonely.instructions == (
        "The next four questions are about relationships with others. For each one, please "
        "say how often (if at all) you feel that way."
    )
    assert lonely.licence.name == "Open Government Licence v3.0" and lonely.licence.text_included


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # [ONS-L] scoring: hardly ever or never = 1, some of the time = 2, often = 3; the three
        # scores are added, giving 3 to 9.
        ((1, 1, 1), 3),
        ((3, 3, 3), 9),
        ((2, 1, 3), 6),
        ((2, 2, 1), 5),
    ],
)
def test_ucla_three_item_score(
    lonely: Instrument, answers: tuple[int, int, int], expected: int
) -> None:
    s = score(lonely, dict(zip(UCLA, answers, strict=True)))
    assert s.total is not None
    assert s.total.raw == expected
    assert s.total.bounds == (3, 9)
    assert s.total.complete


def test_ucla_bands_are_the_campaign_to_end_loneliness_grouping(lonely: Instrument) -> None:
    # Campaign to End Loneliness (2015): earlier research grouped 3-5 as not lonely and 6-9 as
    # lonely. Kith labels the source on the band: it is not an ONS threshold.
    five = score(lonely, dict(zip(UCLA, (2, 2, 1), strict=True))).total
    six = score(lonely, dict(zip(UCLA, (2, 2, 2), strict=True))).total
    assert five is not None and five.band is not None and five.band.id == "not_lonely"
    assert six is not None and six.band is not None and six.band.id == "lonely"
    assert "not an ONS threshold" in (six.band.source or "")


def test_direct_question_is_never_added_to_the_ucla_score(lonely: Instrument) -> None:
    # [ONS-L]: the direct question is reported on its own, as its answer category.
    base = dict(zip(UCLA, (2, 2, 2), strict=True))
    often = score(lonely, {**base, "lonely": 5})
    never = score(lonely, {**base, "lonely": 1})
    assert often.total is not None and never.total is not None
    assert often.total.raw == never.total.raw == 6
    assert lonely.total is not None and "lonely" not in lonely.total.items
    assert often.items["lonely"].label == "Often or always"
    assert never.items["lonely"].label == "Never"


def test_a_missing_ucla_item_leaves_the_score_empty(lonely: Instrument) -> None:
    s = score(lonely, {"lack_companionship": 3, "left_out": None, "lonely": 2})
    assert s.total is not None
    assert s.total.raw is None and s.total.band is None
    assert s.total.missing == ("left_out", "isolated")
    assert s.total.answered == 1
    assert s.missing == ("left_out", "isolated")
    assert s.items["lonely"].label == "Hardly ever"


@pytest.mark.parametrize("bad", [0, 4, -1])
def test_out_of_range_answers_are_rejected(lonely: Instrument, bad: int) -> None:
    with pytest.raises(InstrumentError) as err:
        score(lonely, {"left_out": bad})
    message = str(err.value)
    assert "instrument 'ons-loneliness'" in message
    assert "item 'left_out'" in message
    assert "field 'value'" in message
    assert "expected one of 1, 2, 3" in message


@pytest.mark.parametrize("bad", ["2", 2.0, True, [2]])
def test_answers_that_are_not_whole_numbers_are_rejected(lonely: Instrument, bad: object) -> None:
    with pytest.raises(
        InstrumentError, match=r"item 'isolated', field 'value'.*not a whole number"
    ):
        score(lonely, {"isolated": bad})


def test_unknown_items_are_rejected(lonely: Instrument) -> None:
    with pytest.raises(InstrumentError, match=r"item 'lonliness'.*not an item"):
        score(lonely, {"lonliness": 2})


def test_no_reliable_change_threshold_is_invented(lonely: Instrument) -> None:
    a = score(lonely, dict.fromkeys(UCLA, 3))
    b = score(lonely, dict.fromkeys(UCLA, 1))
    with pytest.raises(InstrumentError, match="no published reliable-change threshold"):
        reliable_change(lonely, a, b)


# --- ONS4 personal well-being ------------------------------------------------------------------


def test_ons4_wording_matches_the_harmonised_standard(ons4: Instrument) -> None:
    # [GSS-W] items 68-71 and the introduction, verbatim.
    assert {it.id: it.text for it in ons4.items} == {
        "life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
        "worthwhile": "Overall, to what extent do you feel that the things you do in your life "
        "are worthwhile?",
        "happiness": "Overall, how happy did you feel yesterday?",
        "anxiety": "On a scale where nought is 'not at all anxious' and 10 is 'completely "
        "anxious', overall, how anxious did you feel yesterday?",
    }
    for item in ons4.items:
        assert item.values == tuple(range(11))
    assert ons4.item("life_satisfaction").options[0].label == "Not at all satisfied"
    assert ons4.item("anxiety").options[-1].label == "Completely anxious"
    assert ons4.instructions is not None and "nought is 'not at all'" in ons4.instructions


def test_ons4_is_never_summed(ons4: Instrument) -> None:
    # [GSS-W], ONS FAQ: four separate measures, no composite indicator.
    s = score(ons4, {"life_satisfaction": 9, "worthwhile": 9, "happiness": 9, "anxiety": 9})
    assert ons4.total is None and ons4.subscales == ()
    assert s.total is None and dict(s.subscales) == {}
    assert s.as_dict()["total"] is None
    with pytest.raises(InstrumentError, match="no total"):
        reliable_change(ons4, s, s)
    with pytest.raises(InstrumentError, match="no score called"):
        s.get("total")


SCALE_BANDS = ["low"] * 5 + ["medium"] * 2 + ["high"] * 2 + ["very_high"] * 2
ANXIETY_BANDS = ["very_low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5


@pytest.mark.parametrize("value", range(11))
def test_ons4_threshold_bands(ons4: Instrument, value: int) -> None:
    # [ONS-W]: life satisfaction, worthwhile and happiness 0-4 low, 5-6 medium, 7-8 high,
    # 9-10 very high; anxiety 0-1 very low, 2-3 low, 4-5 medium, 6-10 high.
    s = score(ons4, dict.fromkeys(ons4.item_ids, value))
    for item_id in ("life_satisfaction", "worthwhile", "happiness"):
        band = s.items[item_id].band
        assert band is not None and band.id == SCALE_BANDS[value]
    anxiety = s.items["anxiety"].band
    assert anxiety is not None and anxiety.id == ANXIETY_BANDS[value]


def test_ons4_band_labels(ons4: Instrument) -> None:
    s = score(ons4, {"life_satisfaction": 4, "worthwhile": 6, "happiness": 10, "anxiety": 6})
    labels = {k: v.band.label for k, v in s.items.items() if v.band is not None}
    assert labels == {
        "life_satisfaction": "Low",
        "worthwhile": "Medium",
        "happiness": "Very high",
        "anxiety": "High",
    }
    assert ons4.item("anxiety").higher_is == "worse"
    assert ons4.item("happiness").higher_is == "better"


def test_ons4_missing_question_does_not_stop_the_others(ons4: Instrument) -> None:
    s = score(ons4, {"life_satisfaction": 7, "worthwhile": None, "anxiety": 0})
    assert set(s.items) == {"life_satisfaction", "anxiety"}
    assert s.missing == ("worthwhile", "happiness")


@pytest.mark.parametrize("bad", [-1, 11, 100])
def test_ons4_out_of_range(ons4: Instrument, bad: int) -> None:
    with pytest.raises(InstrumentError, match="instrument 'ons4', item 'happiness', field 'value'"):
        score(ons4, {"happiness": bad})
