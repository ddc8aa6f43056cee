"""HSDS 3.0 / Open Referral UK: reading, writing, round trips and schema validation.

"Without loss" here means, for every JSON example in ../shared/data/{hsds,oruk}/examples:

1. read → write gives back the example exactly, as parsed JSON values compared with ``==``
   (so key order does not matter, list order does): every record, every field and value
   (unknown fields included) and every nesting. The nesting normalisation the writer applies
   (each record shown with all its related records wherever it appears, an entity never
   nested inside itself, empty arrays left out) happens to be the identity on all the
   examples; pages are compared by their ``contents`` (the paging numbers are the API's).
2. read → write → read gives an equal :class:`Directory` (same records, fields, values, links).
3. Through the CSV package (read → write CSV → read CSV) the Directory equals the original with
   its links written into foreign-key fields (:meth:`Directory.with_explicit_links`), except
   where the tabular form cannot carry something (the API root document; numbers in string
   fields, which come back as text), tested below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kith.formats.errors import FormatError
from kith.formats.hsds import (
    Directory,
    Link,
    Profile,
    default_schema_dir,
    guess_entity,
    read_hsds_csv,
    read_hsds_json,
    validate,
    write_hsds_csv,
    write_hsds_json,
)

PROFILES: tuple[Profile, ...] = ("hsds", "oruk")
RECORD_EXAMPLES = [
    (profile, name)
    for profile in PROFILES
    for name in (
        "service_full",
        "service_list",
        "organization_full",
        "organization_list",
        "service_at_location_full",
        "service_at_location_list",
        "taxonomy",
        "taxonomy_list",
        "taxonomy_term",
        "taxonomy_term_list",
    )
] + [("hsds", "location")]


def _kind(name: str) -> str:
    return name.removesuffix("_full").removesuffix("_list")


def _records(raw: Any) -> list[Any]:
    if isinstance(raw, dict) and "contents" in raw:
        return list(raw["contents"])
    return list(raw) if isinstance(raw, list) else [raw]


def test_every_example_file_is_covered(shared_data: Path) -> None:
    listed = {f"{p}/{n}.json" for p, n in RECORD_EXAMPLES} | {"hsds/base.json", "hsds/tabular.json"}
    found = {
        f"{p}/{f.name}" for p in PROFILES for f in (shared_data / p / "examples").glob("*.json")
    }
    assert found == listed


@pytest.mark.parametrize(("profile", "name"), RECORD_EXAMPLES)
def test_json_example_round_trips_without_loss(
    shared_data: Path, profile: Profile, name: str
) -> None:
    path = shared_data / profile / "examples" / f"{name}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    directory = read_hsds_json(path)
    assert len(directory) > 0
    written = write_hsds_json(directory, _kind(name))
    assert written == _records(raw)  # 1.
    assert read_hsds_json(written, kind=_kind(name)) == directory  # 2.
    # The record kind is recognised from the keys alone, too.
    assert read_hsds_json(raw) == directory


@pytest.mark.parametrize(("profile", "name"), RECORD_EXAMPLES)
def test_json_example_round_trips_through_csv(
    shared_data: Path, tmp_path: Path, profile: Profile, name: str
) -> None:
    directory = read_hsds_json(shared_data / profile / "examples" / f"{name}.json")
    write_hsds_csv(directory, tmp_path)
    assert read_hsds_csv(tmp_path, on_dangling="keep") == directory.with_explicit_links()  # 3.


@pytest.mark.parametrize(("profile", "name"), RECORD_EXAMPLES)
def test_examples_and_our_output_validate(shared_data: Path, profile: Profile, name: str) -> None:
    path = shared_data / profile / "examples" / f"{name}.json"
    kind = _kind(name)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert validate(raw, kind, profile) == []  # the schemas are wired correctly
    written = write_hsds_json(read_hsds_json(path), kind)
    for target in PROFILES:
        assert [str(e) for e in validate(written, kind, target)] == []


def test_api_root_document_is_kept_as_info(shared_data: Path) -> None:
    directory = read_hsds_json(shared_data / "hsds" / "examples" / "base.json")
    assert len(directory) == 0
    assert directory.info["version"] == "3.0"


def test_nested_records_are_normalised_into_tables(shared_data: Path) -> None:
    d = read_hsds_json(shared_data / "hsds" / "examples" / "service_full.json")
    # The example repeats phone 1554f2e2… ten times (under the service, the contact, the
    # location, …); it is stored once, with one link per place it hung from.
    assert list(d.phone) == ["1554f2e2-a373-45db-a3fa-9fc48a61c15e"]
    phone_links = {link.field for link in d.links if link.entity == "phone"}
    assert phone_links == {
        "service_id",
        "contact_id",
        "location_id",
        "organization_id",
        "service_at_location_id",
    }
    service_id = "ac148810-d857-441c-9679-408f346de14b"
    assert (
        Link("service", service_id, "organization_id", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
        in d.links
    )
    assert d.references("phone", "1554f2e2-a373-45db-a3fa-9fc48a61c15e", "service_id") == [
        service_id
    ]
    flat = write_hsds_json(d, "phone", nested=False)
    assert flat[0]["service_id"] == service_id
    assert "languages" not in flat[0]


def test_tabular_json_matches_the_csv_package(shared_data: Path) -> None:
    from_json = read_hsds_json(shared_data / "hsds" / "examples" / "tabular.json")
    from_csv = read_hsds_csv(shared_data / "hsds" / "examples" / "csv", on_dangling="keep")
    for name, table in from_csv.tables():
        expected = from_json.table(name)
        if name == "location":  # tabular.json writes the UPRN as a number, HSDS says string
            expected = {
                k: {**v, "external_identifier": str(v["external_identifier"])}
                for k, v in expected.items()
            }
        if name == "organization_identifier":
            expected = {k: {**v, "identifier": str(v["identifier"])} for k, v in expected.items()}
        assert table == expected, name


# The official example packages refer to records they do not contain.
OFFICIAL_DANGLING = {
    "hsds": {
        ("attribute", "link_id", "f28dd44b-0c4d-479f-8e90-4c52219a8b3c"),
        ("location", "organization_id", "985e4a42-bd9f-4edc-911d-0243a4640aca"),
        ("contact", "organization_id", "ae67a707-5893-4225-b0b1-320ab9cb596b"),
        ("contact", "service_at_location_id", "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070"),
        ("taxonomy_term", "taxonomy_id", "07ff6aee-a219-438c-b694-d2fcb6c5373b"),
        ("metadata", "resource_id", "38960354-e7d2-4cfa-a368-820f729d6ccf"),
    },
    "oruk": {
        ("attribute", "link_id", "f28dd44b-0c4d-479f-8e90-4c52219a8b3c"),
        ("taxonomy_term", "taxonomy_id", "07ff6aee-a219-438c-b694-d2fcb6c5373b"),
    },
}


@pytest.mark.parametrize("profile", PROFILES)
def test_csv_package_imports_and_round_trips(
    shared_data: Path, tmp_path: Path, profile: Profile
) -> None:
    folder = shared_data / profile / "examples" / "csv"
    d = read_hsds_csv(folder, on_dangling="keep")
    assert len(d.service) == 1 and len(d.organization) == 1
    assert {(e, f, t) for e, _, f, t in d.dangling_references()} == OFFICIAL_DANGLING[profile]
    written = write_hsds_csv(d, tmp_path)
    assert (tmp_path / "datapackage.json") in written
    again = read_hsds_csv(tmp_path, on_dangling="keep")
    assert again == d
    # Cell for cell, every original row is written back (columns may be added, never lost).
    if profile == "hsds":
        import csv

        for original in folder.glob("*.csv"):
            with (
                original.open(encoding="utf-8-sig", newline="") as a,
                (tmp_path / original.name).open(encoding="utf-8", newline="") as b,
            ):
                rows_a = [{k: v for k, v in r.items() if v} for r in csv.DictReader(a)]
                rows_b = [{k: v for k, v in r.items() if v} for r in csv.DictReader(b)]
            assert rows_a == rows_b, original.name
    # and as JSON it validates against the official schemas
    for kind in ("service", "organization", "service_at_location", "taxonomy_term"):
        for target in PROFILES:
            assert validate(write_hsds_json(d, kind), kind, target) == []


def test_dangling_reference_in_csv_is_located(shared_data: Path) -> None:
    with pytest.raises(FormatError) as info:
        read_hsds_csv(shared_data / "hsds" / "examples" / "csv")
    error = info.value
    assert error.file is not None and error.file.endswith("attributes.csv")
    assert (error.line, error.field) == (2, "link_id")
    assert "f28dd44b-0c4d-479f-8e90-4c52219a8b3c" in error.problem


def _write_package(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_csv_errors_are_located(tmp_path: Path) -> None:
    orgs = "id,name,description\no1,Club,A club\n"
    good = _write_package(
        tmp_path / "good",
        {
            "organizations.csv": orgs,
            "services.csv": "id,organization_id,name,status,minimum_age\ns1,o1,Walk,active,18\n",
        },
    )
    d = read_hsds_csv(good)
    assert d.service["s1"]["minimum_age"] == 18
    cases = {
        "services.csv": (
            "id,organization_id,name,status\ns1,o2,Walk,active\n",
            2,
            "organization_id",
        ),
        "services.csv ": ("id,name,status,minimum_age\ns1,Walk,active,adult\n", 2, "minimum_age"),
        "services.csv  ": ("id,name,status\ns1,Walk,active\n,Run,active\n", 3, "id"),
        "services.csv   ": ("name,status\nWalk,active\n", 1, "id"),
    }
    for i, (text, line, fld) in enumerate(cases.values()):
        folder = _write_package(
            tmp_path / f"bad{i}", {"organizations.csv": orgs, "services.csv": text}
        )
        with pytest.raises(FormatError) as info:
            read_hsds_csv(folder)
        assert (info.value.line, info.value.field) == (line, fld), text
        assert info.value.file is not None and info.value.file.endswith("services.csv")
    conflict = _write_package(
        tmp_path / "conflict",
        {"organizations.csv": orgs + "o1,Other name,A club\n"},
    )
    with pytest.raises(FormatError, match="line 2") as info:
        read_hsds_csv(conflict)
    assert (info.value.line, info.value.field) == (3, "name")


SERVICE: dict[str, Any] = {
    "id": "s1",
    "name": "Walk",
    "status": "active",
    "kith_signpost_only": "yes",  # unknown fields survive
    "organization": {"id": "o1", "name": "Club", "description": "A walking club"},
    "service_at_locations": [
        {"id": "sl1", "location": {"id": "l1", "location_type": "physical", "latitude": 53.4}}
    ],
}


def test_unknown_fields_survive_and_records_are_merged() -> None:
    page = {
        "total_items": 2,
        "total_pages": 1,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [SERVICE, {**SERVICE, "id": "s2", "organization": {"id": "o1"}}],
    }
    d = read_hsds_json(page)
    assert d.service["s1"]["kith_signpost_only"] == "yes"  # type: ignore[typeddict-item]
    assert list(d.organization) == ["o1"] and d.organization["o1"]["name"] == "Club"
    out = write_hsds_json(d, "service")
    assert out[1]["organization"]["name"] == "Club"  # the fuller copy is shown everywhere
    assert read_hsds_json(out, kind="service") == d


def _error(obj: Any, **kw: Any) -> FormatError:
    with pytest.raises(FormatError) as info:
        read_hsds_json(obj, **kw)
    return info.value


def test_json_errors_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "services.json"
    bad.write_text('{"id": "s1",\n "name": }', encoding="utf-8")
    e = _error(bad)
    assert (e.file, e.line) == (str(bad), 2) and "not valid JSON" in e.problem

    e = _error({**SERVICE, "minimum_age": "eighteen"})
    assert (e.record, e.field) == ("$", "minimum_age") and "expected a number" in e.problem

    e = _error(
        [
            SERVICE,
            {
                **SERVICE,
                "id": "s2",
                "service_at_locations": [{"id": "sl2", "location": {"location_type": "physical"}}],
            },
        ]
    )
    assert (e.record, e.field) == ("$[1].service_at_locations[0].location", "id")

    e = _error({**SERVICE, "phones": {"id": "p1", "number": "1"}})
    assert (e.record, e.field) == ("$", "phones") and "expected an array" in e.problem

    e = _error({**SERVICE, "name": ["Walk"]})
    assert e.field == "name" and "expected a string" in e.problem

    e = _error(
        [
            SERVICE,
            {**SERVICE, "id": "s2", "organization": {**SERVICE["organization"], "name": "Other"}},
        ]
    )
    assert (e.record, e.field) == ("$[1].organization", "name")
    assert "$.organization" not in e.problem and "$[0].organization" in e.problem

    e = _error({**SERVICE, "organization_id": "o9"})
    assert (e.record, e.field) == ("$.organization", "organization_id")

    e = _error({"id": "x1"})
    assert "pass kind=" in e.problem

    e = _error("/no/such/file.json")
    assert "cannot read" in e.problem


def test_all_or_nothing() -> None:
    # A bad second record: nothing of the first is returned (there is nothing to return).
    with pytest.raises(FormatError):
        read_hsds_json([SERVICE, {"id": 3}], kind="service")


def test_guess_entity() -> None:
    assert guess_entity(SERVICE) == "service"
    assert guess_entity({"id": "l", "location_type": "physical", "addresses": []}) == "location"
    assert guess_entity({"id": "x"}) is None


def test_validate_reports_located_errors(shared_data: Path) -> None:
    raw = json.loads((shared_data / "hsds/examples/service_full.json").read_text(encoding="utf-8"))
    del raw["name"]
    raw["service_at_locations"][0]["location"]["latitude"] = "north"
    for profile in PROFILES:
        errors = validate(raw, "service", profile, file="feed.json")
        got = {(e.record, e.field) for e in errors}
        assert ("$", "name") in got
        assert ("$.service_at_locations[0].location", "latitude") in got
        assert all(e.file == "feed.json" for e in errors)
    page = json.loads((shared_data / "hsds/examples/service_list.json").read_text(encoding="utf-8"))
    page["total_items"] = "ten"
    del page["contents"][0]["status"]
    got = {(e.record, e.field) for e in validate(page, "service")}
    assert got == {("$", "total_items"), ("$.contents[0]", "status")}


def test_validate_never_fetches_and_says_where_schemas_are(tmp_path: Path) -> None:
    assert default_schema_dir("oruk").parts[-3:] == ("data", "oruk", "schema")
    with pytest.raises(FileNotFoundError, match="schema_dir"):
        validate({}, "service", schema_dir=tmp_path)


def test_directory_equality_ignores_order() -> None:
    a = read_hsds_json([SERVICE, {**SERVICE, "id": "s2"}], kind="service")
    b = read_hsds_json([{**SERVICE, "id": "s2"}, SERVICE], kind="service")
    assert a == b
    assert a != Directory()
