"""Loading definitions and licensed text: the schema, and errors naming file, item and field."""

from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import kith.instruments
from kith.instruments import (
    InstrumentError,
    builtin_ids,
    load_builtin,
    load_definition,
    load_licensed_text,
    loader,
    model,
    schema,
    score,
    scoring,
)

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


def test_every_builtin_matches_the_published_schema() -> None:
    validator = Draft202012Validator(schema())
    Draft202012Validator.check_schema(schema())
    for instrument_id in builtin_ids():
        data = json.loads((DEFINITIONS / f"{instrument_id}.json").read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == []
        assert data["id"] == instrument_id
        assert data["citations"] and data["licence"]


def licensed_text(instrument_id: str = "swemwbs") -> dict[str, Any]:
    """A made-up licensed-text file: no real item text."""
    inst = load_builtin(instrument_id)
    return {
        "kith": "instrument-text",
        "format_version": 1,
        "instrument": instrument_id,
        "licence": {
            "holder": "Example Community Trust",
            "terms": "Made-up licence for tests",
            "reference": "EX-0001",
        },
        "instructions": "Example instructions.",
        "items": {i: f"Example item {n}" for n, i in enumerate(inst.item_ids, 1)},
        "response_sets": {
            set_id: {str(o.value): f"Example option {o.value}" for o in options}
            for set_id, options in inst.response_sets.items()
        },
    }


def write(tmp_path: Path, data: Any, name: str = "text.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_load_licensed_text_merges_text_and_keeps_scoring(tmp_path: Path) -> None:
    path = write(tmp_path, licensed_text())
    merged = load_licensed_text("swemwbs", path)
    assert merged.has_text
    assert merged.items[0].text == "Example item 1"
    assert [o.label for o in merged.items[0].options] == [
        f"Example option {v}" for v in range(1, 6)
    ]
    assert merged.instructions == "Example instructions."
    assert (
        merged.text_licence
        == "Example Community Trust: Made-up licence for tests (licence EX-0001)"
    )
    answers = dict.fromkeys(merged.item_ids, 3)
    s = score(merged, answers)
    assert s.total is not None and s.total.converted == 19.25
    assert s.items["swemwbs_1"].label == "Example option 3"
    # The built-in stays without text.
    assert not load_builtin("swemwbs").has_text


def test_licensed_text_for_every_licensed_instrument(tmp_path: Path) -> None:
    for instrument_id in ("djg6", "lsns6", "qpr15", "rg-uk", "swemwbs"):
        path = write(tmp_path, licensed_text(instrument_id), f"{instrument_id}.json")
        assert load_licensed_text(instrument_id, path).has_text


def expect_error(tmp_path: Path, data: Any, *parts: str, instrument_id: str = "swemwbs") -> None:
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as err:
        load_licensed_text(instrument_id, path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for part in parts:
        assert part in message, message


def test_missing_item_text_names_the_item(tmp_path: Path) -> None:
    data = licensed_text()
    del data["items"]["swemwbs_5"]
    expect_error(tmp_path, data, "item 'swemwbs_5'", "field 'items.swemwbs_5'", "no text")


def test_unknown_item_id_names_the_item(tmp_path: Path) -> None:
    data = licensed_text()
    data["items"]["swemwbs_8"] = "Example item eight"
    expect_error(tmp_path, data, "item 'swemwbs_8'", "not an item of this instrument")


def test_file_for_another_instrument(tmp_path: Path) -> None:
    data = licensed_text()
    data["instrument"] = "lsns6"
    expect_error(tmp_path, data, "field 'instrument'", "for instrument 'lsns6', not 'swemwbs'")


def test_response_labels_must_match_the_values(tmp_path: Path) -> None:
    data = licensed_text()
    del data["response_sets"]["frequency5"]["5"]
    data["response_sets"]["frequency5"]["6"] = "Example option 6"
    expect_error(
        tmp_path, data, "field 'response_sets.frequency5'", "exactly the values 1, 2, 3, 4, 5"
    )
    data = licensed_text()
    del data["response_sets"]
    expect_error(tmp_path, data, "field 'response_sets.frequency5'", "no labels")


def test_empty_text_is_rejected_by_the_schema(tmp_path: Path) -> None:
    data = licensed_text()
    data["items"]["swemwbs_3"] = ""
    expect_error(tmp_path, data, "item 'swemwbs_3'", "field 'items.swemwbs_3'")


def test_open_instruments_take_no_licensed_text(tmp_path: Path) -> None:
    data = licensed_text("swemwbs")
    data["instrument"] = "ons4"
    expect_error(tmp_path, data, "already ships the text", instrument_id="ons4")


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "kith": "instrument-text",\n  "items": {,}\n}', encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"broken\.json: not valid JSON: .*line 3"):
        load_licensed_text("swemwbs", path)
    path.write_text('{"kith": "instrument-text", "kith": "x"}', encoding="utf-8")
    with pytest.raises(InstrumentError, match="'kith' appears twice"):
        load_licensed_text("swemwbs", path)
    with pytest.raises(InstrumentError, match="cannot read the file"):
        load_licensed_text("swemwbs", tmp_path / "absent.json")


def test_unknown_builtin() -> None:
    with pytest.raises(InstrumentError, match="instrument 'wemwbs14': no built-in instrument"):
        load_builtin("wemwbs14")


# --- definition files ---------------------------------------------------------------------------


def definition(instrument_id: str = "ons-loneliness") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DEFINITIONS / f"{instrument_id}.json").read_text(encoding="utf-8")
    )
    return copy.deepcopy(data)


def expect_definition_error(tmp_path: Path, data: Any, *parts: str) -> None:
    path = write(tmp_path, data, "definition.json")
    with pytest.raises(InstrumentError) as err:
        load_definition(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    for part in parts:
        assert part in message, message


def test_definition_schema_errors_name_item_and_field(tmp_path: Path) -> None:
    data = definition()
    del data["items"][1]["response_set"]
    expect_definition_error(
        tmp_path,
        data,
        "instrument 'ons-loneliness'",
        "item 'left_out'",
        "field 'items[1].response_set'",
    )
    data = definition()
    data["items"][2]["revers"] = True
    expect_definition_error(tmp_path, data, "item 'isolated'", "field 'items[2].revers'")


def test_definition_reference_errors(tmp_path: Path) -> None:
    data = definition()
    data["items"][0]["response_set"] = "ucla4"
    expect_definition_error(
        tmp_path, data, "item 'lack_companionship'", "no response set called 'ucla4'"
    )
    data = definition()
    data["total"]["items"].append("lonley")
    expect_definition_error(tmp_path, data, "field 'total.items'", "'lonley' is not an item")


def test_definition_band_errors(tmp_path: Path) -> None:
    data = definition()
    data["total"]["bands"][1]["min"] = 7
    expect_definition_error(
        tmp_path, data, "field 'total.bands'", "between 'not_lonely' and 'lonely'"
    )
    data = definition()
    data["total"]["bands"][1]["min"] = 5
    expect_definition_error(tmp_path, data, "field 'total.bands'", "overlap")
    data = definition("ons4")
    data["items"][3]["bands"][3]["max"] = 9
    expect_definition_error(
        tmp_path, data, "item 'anxiety'", "field 'items[3].bands'", "runs from 0 to 10"
    )


def test_conversion_table_must_cover_every_raw_score(tmp_path: Path) -> None:
    data = definition("swemwbs")
    del data["total"]["conversion"]["table"]["20"]
    expect_definition_error(tmp_path, data, "field 'total.conversion.table'", "missing [20]")


def test_licensed_definitions_may_not_carry_text(tmp_path: Path) -> None:
    data = definition("swemwbs")
    data["items"][0]["text"] = "Example item one"
    expect_definition_error(tmp_path, data, "item 'swemwbs_1'", "must not carry item text")
    data = definition("swemwbs")
    data["response_sets"]["frequency5"][0]["label"] = "Example option"
    expect_definition_error(tmp_path, data, "field 'response_sets.frequency5'")


def test_open_definitions_need_text(tmp_path: Path) -> None:
    data = definition()
    data["items"][0]["text"] = None
    expect_definition_error(tmp_path, data, "item 'lack_companionship'", "needs the text")


def test_score_as_dict_is_json_ready() -> None:
    s = score(load_builtin("djg6"), dict.fromkeys(load_builtin("djg6").item_ids, 2))
    data = json.loads(json.dumps(s.as_dict()))
    assert data["total"]["raw"] == 6
    assert data["total"]["band"]["id"] == "severely_lonely"
    assert data["subscales"]["social"]["value"] == 3


@pytest.mark.parametrize("module", [kith.instruments, loader, model, scoring])
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0


def test_the_documented_example_file_loads(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
    blocks = docs.read_text(encoding="utf-8").split("```json\n")[1:]
    example = next(b.split("```", 1)[0] for b in blocks if '"instrument-text"' in b)
    merged = load_licensed_text("lsns6", write(tmp_path, json.loads(example)))
    assert merged.items[0].text == "Example item one"
    assert merged.item("lsns6_6").options[0].label == "Example option none"
