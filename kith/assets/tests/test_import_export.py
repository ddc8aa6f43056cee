"""Import and export: every official example round-trips through the database without loss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kith.assets.actions import do_import_directory
from kith.assets.export import load_directory, render
from kith.assets.importing import ImportRejected, read_source
from kith.assets.models import AssetChange, Service, ServiceAtLocation
from kith.formats import hsds
from kith.formats.errors import FormatError

EXAMPLES = [
    (profile, name)
    for profile in ("hsds", "oruk")
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
] + [("hsds", "location"), ("hsds", "tabular")]

pytestmark = pytest.mark.django_db


def _kind(name: str) -> str:
    return name.removesuffix("_full").removesuffix("_list")


def _records(raw: Any) -> list[Any]:
    if isinstance(raw, dict) and "contents" in raw:
        return list(raw["contents"])
    return list(raw) if isinstance(raw, list) else [raw]


def test_every_example_is_listed(shared_data: Path) -> None:
    found = {
        f"{p}/{f.stem}"
        for p in ("hsds", "oruk")
        for f in (shared_data / p / "examples").glob("*.json")
    }
    assert found - {f"{p}/{n}" for p, n in EXAMPLES} == {"hsds/base"}


@pytest.mark.parametrize(("profile", "name"), EXAMPLES)
def test_example_imports_and_round_trips(shared_data: Path, profile: str, name: str) -> None:
    path = shared_data / profile / "examples" / f"{name}.json"
    source = read_source(path)
    summary = do_import_directory(source.directory, source=str(path))
    assert sum(summary.created.values()) == len(source.directory)
    # Everything read comes back out of the database, field for field, link for link.
    assert load_directory() == source.directory
    if name != "tabular":
        raw = json.loads(path.read_text(encoding="utf-8"))
        kind = _kind(name)
        assert hsds.write_hsds_json(load_directory(), kind) == _records(raw)
        # one record at a time, as the API renders it, from the records around it only
        for record in _records(raw):
            assert render(kind, record["id"]) == record
    # Importing again changes nothing and records no history.
    changes = AssetChange.objects.count()
    again = do_import_directory(read_source(path).directory, source=str(path))
    assert not again.created and not again.updated
    assert AssetChange.objects.count() == changes


@pytest.mark.parametrize("profile", ["hsds", "oruk"])
def test_csv_package_imports_and_exports(shared_data: Path, tmp_path: Path, profile: str) -> None:
    folder = shared_data / profile / "examples" / "csv"
    call_command("import_assets", str(folder))
    original = hsds.read_hsds_csv(folder, on_dangling="keep")
    assert load_directory() == original
    call_command("export_assets", "-o", str(tmp_path / "out"), "--format", "csv")
    assert hsds.read_hsds_csv(tmp_path / "out", on_dangling="keep") == original
    out = tmp_path / "services.json"
    call_command("export_assets", "-o", str(out))
    exported = json.loads(out.read_text())
    assert [s["id"] for s in exported] == list(original.service)
    assert hsds.validate(exported, "service", profile) == []  # type: ignore[arg-type]


def test_reimport_updates_by_id_and_keeps_history(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "hsds" / "examples" / "service_full.json"
    call_command("import_assets", str(path))
    raw = json.loads(path.read_text())
    raw["name"] = "Community Counselling (renamed)"
    changed = tmp_path / "service_full.json"
    changed.write_text(json.dumps(raw))
    call_command("import_assets", str(changed))
    service = Service.objects.get(hsds_id=raw["id"])
    assert service.name == "Community Counselling (renamed)"
    assert service.data["name"] == "Community Counselling (renamed)"
    history = AssetChange.objects.filter(record_id=raw["id"]).order_by("at", "id")
    assert [h.action for h in history] == ["created", "updated"]
    assert history[1].fields == ["name"]
    assert history[1].before["name"] == "Community Counselling"
    assert Service.objects.count() == 1


def test_invalid_input_is_located_and_changes_nothing(shared_data: Path, tmp_path: Path) -> None:
    raw = json.loads((shared_data / "hsds" / "examples" / "service_list.json").read_text())
    raw["contents"].append(dict(raw["contents"][0], id="second", status="nonsense"))
    bad = tmp_path / "service_list.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(ImportRejected) as caught:
        read_source(bad)
    (error,) = caught.value.errors
    assert error.file == str(bad)
    assert error.record == "$.contents[1]" and error.field == "status"
    with pytest.raises(CommandError, match=r"contents\[1\].*status"):
        call_command("import_assets", str(bad))
    assert Service.objects.count() == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x",\n "name": }')
    with pytest.raises(FormatError, match="line 2"):
        read_source(broken)


def test_a_failure_half_way_rolls_everything_back(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = read_source(shared_data / "hsds" / "examples" / "service_full.json").directory

    def fail(pks: Any) -> int:
        raise RuntimeError("index failed")

    monkeypatch.setattr("kith.assets.actions.reindex_services", fail)
    with pytest.raises(RuntimeError):
        do_import_directory(d, source="test")
    assert AssetChange.objects.count() == 0
    assert Service.objects.count() == 0 and ServiceAtLocation.objects.count() == 0
