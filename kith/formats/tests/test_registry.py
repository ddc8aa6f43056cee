"""Format detection and the one read/write entry point."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kith.formats.errors import FormatError
from kith.formats.netcanvas import read_netcanvas
from kith.formats.registry import FORMATS, detect_format, read_networks, write_networks
from kith.network.model import Member, Network, Tie

DATA = Path(__file__).parent / "data" / "netcanvas"
S1 = "a3f0c2d4-1b2e-4c5d-8e9f-0a1b2c3d4e51"


def simple_maps() -> list[Network]:
    return [
        Network(
            "P001",
            (Member("a", label="Ann", circle=1), Member("b", label="Bo", kind="place")),
            (Tie("a", "b"),),
        ),
        Network("P002", (Member("c", label="Cy"),)),
    ]


def test_every_format_is_listed_with_what_kith_can_do():
    assert set(FORMATS) == {"egor", "netcanvas", "netcanvas-graphml", "graphml", "json"}
    assert not FORMATS["netcanvas"].writable and FORMATS["graphml"].writable


def test_detects_network_canvas_csv_folders_and_files():
    assert detect_format(DATA / "sessions") == "netcanvas"
    assert detect_format(DATA / "merged") == "netcanvas"
    assert detect_format(DATA / "sessions" / f"P001_{S1}_ego.csv") == "netcanvas"


def test_detects_network_canvas_graphml_by_its_namespace(tmp_path):
    assert detect_format(DATA / "graphml" / "Kith Pilot.graphml") == "netcanvas-graphml"
    plain = tmp_path / "plain.graphml"
    write_networks(simple_maps(), plain)
    assert detect_format(plain) == "graphml"


def test_detects_egor_folders_and_json(tmp_path):
    for name in ("egos.csv", "alters.csv", "ties.csv"):
        (tmp_path / name).write_text(".egoID\n", encoding="utf-8")
    assert detect_format(tmp_path) == "egor"
    (tmp_path / "maps.json").write_text("{}", encoding="utf-8")
    assert detect_format(tmp_path / "maps.json") == "json"


def test_unknown_input_is_refused_with_its_name(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        detect_format(odd)
    assert err.value.file == str(odd)
    with pytest.raises(FormatError, match="cannot tell"):
        detect_format(tmp_path)
    with pytest.raises(FormatError, match="no such"):
        read_networks(tmp_path / "missing.json")


def test_read_networks_detects_and_passes_options():
    book = DATA / "protocol.json"
    from_csv = read_networks(DATA / "sessions", codebook=book)
    assert from_csv == read_netcanvas(DATA / "sessions")
    assert read_networks(DATA / "graphml" / "Kith Pilot.graphml") == from_csv


def test_network_canvas_export_converts_to_json_and_graphml_unchanged(tmp_path):
    nets = read_networks(DATA / "merged")
    for name in ("maps.json", "maps.graphml"):
        write_networks(nets, tmp_path / name)
        assert read_networks(tmp_path / name) == nets


def test_egor_folder_round_trip_keeps_maps(tmp_path):
    folder = tmp_path / "egor"
    write_networks(simple_maps(), folder)
    assert detect_format(folder) == "egor"
    back = read_networks(folder)
    assert [(n.ego_id, n.keys(), [t.pair for t in n.ties]) for n in back] == [
        (n.ego_id, n.keys(), [t.pair for t in n.ties]) for n in simple_maps()
    ]
    assert back[0].member("b").kind.value == "place"


def test_network_canvas_cannot_be_written(tmp_path):
    with pytest.raises(FormatError, match="does not write"):
        write_networks(simple_maps(), tmp_path / "out", format="netcanvas")
    with pytest.raises(FormatError, match="suffix"):
        write_networks(simple_maps(), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_explicit_format_overrides_the_name(tmp_path):
    path = tmp_path / "maps.txt"
    write_networks(simple_maps(), path, format="json")
    assert read_networks(path, format="json") == simple_maps()
    with pytest.raises(FormatError, match="unknown format"):
        read_networks(path, format="xls")


def test_a_copied_netcanvas_set_reads_from_any_of_its_files(tmp_path):
    folder = tmp_path / "x"
    shutil.copytree(DATA / "sessions", folder)
    nets = read_networks(folder / f"P001_{S1}_edgeList_Knows.csv")
    assert [n.ego_id for n in nets] == ["P001"]
