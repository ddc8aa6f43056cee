"""Kith JSON: round trip, the published schema, and errors that name file, record and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kith.formats.errors import FormatError
from kith.formats.kith_json import read_kith_json, schema, write_kith_json
from kith.network.model import Member, Network, Support, Tie

ROOT = Path(__file__).resolve().parents[3]


def maps() -> list[Network]:
    full = Member(
        "m1",
        label="Ann Lee",
        relationship="friend",
        circle=1,
        contact="daily",
        support_received={Support.EMOTIONAL},
        support_given={Support.PRACTICAL, Support.COMPANIONSHIP},
        feeling="positive",
        wish="more",
        attributes={"age": 61, "score": 0.5, "carer": True, "note": "é ✓", "gone": None},
    )
    group = Member("m2", label="Choir", kind="group", circle=2, asset_id="svc-1")
    return [
        Network(
            "P001",
            (full, group, Member("m3")),
            (Tie("m1", "m2", weight=1.5, attributes={"since": 2019}),),
            ego={"age": 34},
            map_id="review-1",
            date="2024-03-05",
        ),
        Network("P002"),
    ]


def write_raw(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "maps.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def collection(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "good.json"
    write_kith_json(maps(), path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_maps_round_trip_exactly(tmp_path):
    path = tmp_path / "maps.json"
    write_kith_json(maps(), path)
    assert read_kith_json(path) == maps()


def test_file_is_a_marked_versioned_collection(tmp_path):
    data = collection(tmp_path)
    assert (data["kith"], data["version"], len(data["maps"])) == ("map", 1, 2)
    assert data["maps"][0]["members"][0]["support_given"] == ["companionship", "practical"]


def test_a_single_map_object_is_read(tmp_path):
    path = write_raw(tmp_path, maps()[0].as_dict())
    assert read_kith_json(path) == maps()[:1]


def test_hand_written_map_needs_only_ids(tmp_path):
    path = write_raw(tmp_path, {"ego_id": "p", "members": [{"key": "a"}, {"key": "b"}]})
    [net] = read_kith_json(path)
    assert net.keys() == ["a", "b"] and net.ties == ()


def test_published_schema_equals_the_packaged_one_and_is_valid():
    docs = json.loads((ROOT / "docs" / "kith-map.schema.json").read_text(encoding="utf-8"))
    assert docs == schema()
    Draft202012Validator.check_schema(docs)
    assert docs["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_written_files_validate_against_the_published_schema(tmp_path):
    data = collection(tmp_path)
    Draft202012Validator(schema()).validate(data)
    Draft202012Validator(schema()).validate(data["maps"][0])


# -- errors ------------------------------------------------------------------------------------------


def located(path: Path) -> FormatError:
    with pytest.raises(FormatError) as err:
        read_kith_json(path)
    assert err.value.file == str(path)
    return err.value


def test_bad_value_names_map_member_and_field(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["members"][2]["circle"] = 5
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].members[2]", "circle")
    assert "maps[0].members[2]" in str(err) and "5" in str(err)


def test_missing_field_is_named(tmp_path):
    data = collection(tmp_path)
    del data["maps"][1]["ego_id"]
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[1]", "ego_id")
    assert "required" in str(err)


def test_unknown_field_is_named(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["members"][1]["circel"] = 1
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].members[1]", "circel")


def test_bad_attribute_value_is_named(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["ties"][0]["attributes"]["since"] = [2019]
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].ties[0]", "attributes.since")


def test_rule_of_the_model_is_named(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["members"][2]["asset_id"] = "svc-2"  # a person cannot link to an asset
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].members[2]", "asset_id")


def test_duplicate_member_key_is_refused(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["members"][2]["key"] = "m1"
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].members[2]", "key")
    assert "more than once" in str(err)


def test_tie_to_an_unknown_member_is_refused(tmp_path):
    data = collection(tmp_path)
    data["maps"][0]["ties"][0]["b"] = "ghost"
    err = located(write_raw(tmp_path, data))
    assert (err.record, err.field) == ("maps[0].ties[0]", "b")
    assert "'ghost'" in str(err)


def test_newer_version_is_refused(tmp_path):
    data = collection(tmp_path)
    data["version"] = 2
    err = located(write_raw(tmp_path, data))
    assert err.field == "version"


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "maps.json"
    path.write_text('{\n  "ego_id": "p",\n  "members": [\n    {"key": "a",}\n  ]\n}\n')
    err = located(path)
    assert err.line == 4


def test_non_utf8_bytes_name_the_line(tmp_path):
    path = tmp_path / "maps.json"
    path.write_bytes(b'{\n"ego_id": "p",\n"members": [{"key": "Zo\xeb"}]\n}\n')
    err = located(path)
    assert err.line == 3
    assert "UTF-8" in str(err)


def test_nan_is_refused(tmp_path):
    path = tmp_path / "maps.json"
    path.write_text('{"ego_id": "p", "ego": {"x": NaN}}')
    assert "NaN" in str(located(path))


def test_single_map_errors_name_the_record_without_maps_prefix(tmp_path):
    path = write_raw(tmp_path, {"ego_id": "p", "members": [{"key": "a", "kind": "dog"}]})
    err = located(path)
    assert (err.record, err.field) == ("members[0]", "kind")
    assert "'dog'" in str(err)
