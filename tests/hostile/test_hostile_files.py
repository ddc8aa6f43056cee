"""Malformed and hostile input: each file is refused with a located message and writes nothing.

The files and the messages expected for them are in tests/hostile/files.py (made by code);
the limits and encodings refused are documented in docs/security.md ("Bad input").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from kith.cli import main
from kith.formats.errors import FormatError
from kith.formats.hsds import read_hsds_csv
from tests.hostile.files import HSDS_DANGLING, HSDS_FILES, MAP_FILES, Hostile


def _ids(cases: list[Hostile]) -> list[str]:
    return [c.name for c in cases]


@pytest.mark.parametrize("case", MAP_FILES, ids=_ids(MAP_FILES))
def test_convert_refuses_and_writes_nothing(
    case: Hostile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = case.make(tmp_path)
    out = tmp_path / "out.json"
    status = main(["convert", str(source), str(out)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("kith convert: "), err
    assert re.search(case.message, err), err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("assets").get_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("case", HSDS_FILES, ids=_ids(HSDS_FILES))
def test_import_assets_refuses_and_writes_nothing(case: Hostile, tmp_path: Path) -> None:
    source = case.make(tmp_path)
    before = _row_counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_assets", str(source))
    assert re.search(case.message, str(caught.value)), str(caught.value)
    assert _row_counts() == before


def test_hsds_csv_reader_refuses_a_service_at_a_missing_location(tmp_path: Path) -> None:
    source = HSDS_DANGLING.make(tmp_path)
    with pytest.raises(FormatError) as caught:
        read_hsds_csv(source)
    assert re.search(HSDS_DANGLING.message, str(caught.value)), str(caught.value)


def test_there_are_at_least_30_hostile_files() -> None:
    # The "Must show": at least 30 hostile files across CSV, GraphML, JSON and HSDS.
    assert len(MAP_FILES) + len(HSDS_FILES) + 1 >= 30
