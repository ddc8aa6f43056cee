"""Network Canvas CSV and GraphML exports.

The fixtures under ``data/netcanvas`` were made by hand to follow what
``@codaco/network-exporters`` writes (column names and order, ``nodeID``/``edgeID`` numbered
across the whole export, CRLF line ends, ``true``/``false`` cells, quoting only when a value has
a comma or quote, layout in screen coordinates with two decimals, GraphML keys named by variable
UUID and ``<uuid>_<sha1(option)>`` for categorical options). Two sessions: P001 (four nodes of
types Person, Place and Clinician; Knows and Conflict edges, one pair linked by both) and P002
(two people). ``sessions/`` holds one file set per session, ``merged/`` the same sessions as one
merged set, ``graphml/`` the GraphML export of P001 and of both sessions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kith.formats.errors import FormatError
from kith.formats.netcanvas import fold_categorical, read_netcanvas, read_netcanvas_graphml
from kith.network.model import Kind

DATA = Path(__file__).parent / "data" / "netcanvas"
SESSIONS = DATA / "sessions"
MERGED = DATA / "merged"
GRAPHML = DATA / "graphml"
S1 = "a3f0c2d4-1b2e-4c5d-8e9f-0a1b2c3d4e51"
S2 = "b7e4d1a9-2c3f-4d6e-9fa0-1b2c3d4e5f62"
ANN = "c0a80101-0000-4000-8000-000000000001"
BO = "c0a80101-0000-4000-8000-000000000002"
CAFE = "c0a80101-0000-4000-8000-000000000003"
GP = "c0a80101-0000-4000-8000-000000000004"


def by_label(net, label):
    return next(m for m in net.members if m.label == label)


def copy_sessions(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(SESSIONS, target)
    return target


def read_raw(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps the exporter's CRLF line ends


def edit(path: Path, old: str, new: str) -> None:
    text = read_raw(path)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


# -- reading a real-shaped export -----------------------------------------------------------------


def test_each_session_becomes_one_map_with_case_session_and_date():
    nets = read_netcanvas(SESSIONS)
    assert [(n.ego_id, n.map_id, n.date) for n in nets] == [
        ("P001", S1, "2024-03-05"),
        ("P002", S2, "2024-04-11"),
    ]
    assert [n.size for n in nets] == [4, 2]


def test_ego_variables_are_read_and_categorical_options_folded():
    p1, p2 = read_netcanvas(SESSIONS)
    assert dict(p1.ego) == {"age": 34, "housing": "rented", "nc_protocol": "Kith Pilot"}
    # two options ticked → both, ';'-joined in sorted order
    assert p2.ego["housing"] == "own;supported"


def test_node_types_become_kinds_or_are_kept_as_nc_type():
    p1 = read_netcanvas(SESSIONS)[0]
    assert by_label(p1, "Riverside Café").kind is Kind.PLACE
    assert by_label(p1, "Ann Lee").kind is Kind.PERSON
    assert "nc_type" not in by_label(p1, "Ann Lee").attributes
    gp = by_label(p1, "Dr Okafor, GP")  # the comma was quoted by the exporter
    assert gp.kind is Kind.PERSON
    assert gp.attributes["nc_type"] == "Clinician"


def test_members_keep_uuid_keys_label_from_name_and_typed_attributes():
    p1 = read_netcanvas(SESSIONS)[0]
    assert p1.keys() == [ANN, BO, CAFE, GP]  # interview order (nodeID), not file order
    ann = p1.member(ANN)
    assert ann.label == "Ann Lee"
    assert "name" not in ann.attributes
    assert ann.attributes["age"] == 61
    assert ann.attributes["support"] == "emotional;practical"
    assert ann.attributes["met_this_week"] is True  # a lone boolean stays a boolean
    assert (ann.attributes["layout_x"], ann.attributes["layout_y"]) == (480.0, 270.0)
    bo = p1.member(BO)
    assert bo.value("support") is None  # no option ticked → missing
    assert bo.value("age") is None  # empty cell → missing
    assert bo.attributes["met_this_week"] is False


def test_parallel_edges_of_two_types_become_one_tie():
    p1 = read_netcanvas(SESSIONS)[0]
    types = {t.pair: t.attributes["type"] for t in p1.ties}
    assert types == {
        tuple(sorted((ANN, BO))): "Conflict;Knows",
        tuple(sorted((ANN, GP))): "Knows",
        tuple(sorted((BO, CAFE))): "Knows",
    }


def test_a_merged_export_gives_the_same_maps_as_one_set_per_session():
    assert read_netcanvas(MERGED) == read_netcanvas(SESSIONS)


def test_one_file_of_a_set_reads_that_session_only():
    nets = read_netcanvas(SESSIONS / f"P002_{S2}_attributeList_Person.csv")
    assert [n.ego_id for n in nets] == ["P002"]
    assert sorted(m.label for m in nets[0].members) == ["Cy", "Di"]
    assert nets[0].member("c0a80102-0000-4000-8000-000000000002").value("support") == (
        "emotional;social"
    )


def test_graphml_export_gives_the_same_maps_as_the_csv_export():
    assert read_netcanvas_graphml(GRAPHML / f"P001_{S1}.graphml") == read_netcanvas(SESSIONS)[:1]
    assert read_netcanvas_graphml(GRAPHML / "Kith Pilot.graphml") == read_netcanvas(SESSIONS)


def test_the_protocol_codebook_gives_the_same_maps():
    book = DATA / "protocol.json"
    assert read_netcanvas(SESSIONS, codebook=book) == read_netcanvas(SESSIONS)
    assert read_netcanvas_graphml(GRAPHML / "Kith Pilot.graphml", codebook=book) == (
        read_netcanvas(SESSIONS)
    )


def test_codebook_keeps_two_boolean_variables_that_look_like_a_categorical(tmp_path):
    folder = copy_sessions(tmp_path)
    person = folder / f"P002_{S2}_attributeList_Person.csv"
    rows = read_raw(person).split("\r\n")
    rows[0] += ",is_close,is_family"
    rows[1] += ",true,false"
    rows[2] += ",false,false"
    person.write_text("\r\n".join(rows), encoding="utf-8", newline="")
    guessed = read_netcanvas(person)[0].members[0]
    assert guessed.attributes["is"] == "close"  # without a codebook: detected as one variable
    codebook = {
        "node": {
            "t1": {
                "name": "Person",
                "variables": {
                    "v1": {"name": "is_close", "type": "boolean"},
                    "v2": {"name": "is_family", "type": "boolean"},
                    "v3": {
                        "name": "support",
                        "type": "categorical",
                        "options": [{"value": v} for v in ("emotional", "practical", "social")],
                    },
                },
            }
        }
    }
    exact = read_netcanvas(person, codebook=codebook)[0].members[0]
    assert exact.attributes["is_close"] is True
    assert exact.attributes["is_family"] is False
    assert exact.attributes["support"] == "social"


def test_fold_categorical_joins_true_options_in_sorted_order():
    rows = [
        {"s_b": True, "s_a": True, "x": 1},
        {"s_b": False, "s_a": False, "x": 2},
        {"s_b": None, "s_a": None, "x": 3},
    ]
    assert fold_categorical(["s_b", "s_a", "x"], rows) == [
        {"s": "a;b", "x": 1},
        {"s": None, "x": 2},
        {"s": None, "x": 3},
    ]


# -- malformed input --------------------------------------------------------------------------------


def test_non_utf8_bytes_are_located(tmp_path):
    folder = copy_sessions(tmp_path)
    person = folder / f"P001_{S1}_attributeList_Person.csv"
    data = person.read_bytes().replace(b",Bo,", b",B\xf6,")
    person.write_bytes(data)
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert err.value.file == str(person)
    assert err.value.line == 3
    assert "UTF-8" in str(err.value)


def test_missing_column_is_named(tmp_path):
    folder = copy_sessions(tmp_path)
    person = folder / f"P001_{S1}_attributeList_Person.csv"
    edit(person, "networkCanvasUUID", "uuid")
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line, err.value.field) == (
        str(person),
        1,
        "networkCanvasUUID",
    )


def test_duplicate_node_id_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    place = folder / f"P001_{S1}_attributeList_Place.csv"
    edit(place, CAFE, ANN)
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line, err.value.field) == (str(place), 2, "networkCanvasUUID")
    assert "more than once" in str(err.value)


def test_duplicate_ego_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    ego2 = folder / f"P002_{S2}_ego.csv"
    edit(ego2, "f1c2d3e4-8a92-4b3c-8d7e-222222222222", "e9b1d0c6-7f21-4a3b-9c8d-111111111111")
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line, err.value.field) == (
        str(ego2),
        2,
        "networkCanvasEgoUUID",
    )


def test_edge_to_an_unknown_node_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    knows = folder / f"P001_{S1}_edgeList_Knows.csv"
    lines = read_raw(knows).split("\r\n")
    lines[3] = lines[3][: -len(CAFE)] + "c0a80101-0000-4000-8000-00000000dead"
    knows.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line, err.value.field) == (
        str(knows),
        4,
        "networkCanvasTargetUUID",
    )
    assert "00000000dead" in str(err.value)


def test_node_of_an_unknown_ego_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    person = folder / f"P002_{S2}_attributeList_Person.csv"
    edit(person, "f1c2d3e4-8a92-4b3c-8d7e-222222222222", "0000")
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line, err.value.field) == (
        str(person),
        2,
        "networkCanvasEgoUUID",
    )


def test_row_with_a_wrong_number_of_values_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    place = folder / f"P001_{S1}_attributeList_Place.csv"
    edit(place, "Riverside Café", "Riverside, Café")
    with pytest.raises(FormatError) as err:
        read_netcanvas(folder)
    assert (err.value.file, err.value.line) == (str(place), 2)
    assert "columns" in str(err.value)


def test_a_folder_without_ego_file_is_refused(tmp_path):
    folder = copy_sessions(tmp_path)
    for ego in folder.glob("*_ego.csv"):
        ego.unlink()
    with pytest.raises(FormatError, match=r"_ego\.csv"):
        read_netcanvas(folder)


def test_graphml_bad_boolean_is_located(tmp_path):
    path = tmp_path / "s.graphml"
    text = (GRAPHML / f"P001_{S1}.graphml").read_text(encoding="utf-8")
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if "9a04-met" in line and "<data" in line)
    lines[i] = lines[i].replace(">true<", ">maybe<")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_netcanvas_graphml(path)
    assert (err.value.file, err.value.line, err.value.field) == (str(path), i + 1, "met_this_week")


def test_graphml_edge_to_an_unknown_node_is_refused(tmp_path):
    path = tmp_path / "s.graphml"
    text = (GRAPHML / f"P001_{S1}.graphml").read_text(encoding="utf-8")
    text = text.replace('source="2" target="3"', 'source="2" target="99"').replace(
        f'<data key="networkCanvasTargetUUID">{CAFE}', '<data key="networkCanvasTargetUUID">zz'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_netcanvas_graphml(path)
    assert err.value.field == "networkCanvasTargetUUID"
    assert err.value.line is not None and "'zz'" in str(err.value)


def test_graphml_entity_expansion_is_refused(tmp_path):
    path = tmp_path / "bomb.graphml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE g [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>&b;</graph></graphml>',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="refused"):
        read_netcanvas_graphml(path)
