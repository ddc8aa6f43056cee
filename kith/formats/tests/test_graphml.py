"""Plain GraphML: Kith maps round-trip; files from networkx / Gephi read; bad XML refused."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.formats.errors import FormatError
from kith.formats.graphml import read_graphml, write_graphml
from kith.network.model import Kind, Member, Network, Support, Tie

GRAPHML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'


def full_maps() -> list[Network]:
    """Two maps with every field set, awkward text and names that clash with Kith's own keys."""
    members = (
        Member(
            "m1",
            label='Ann "Nan" <Lee> & co\nline two',
            kind="person",
            relationship="family",
            circle=1,
            contact="weekly",
            support_received={Support.EMOTIONAL, Support.PRACTICAL},
            support_given={Support.COMPANIONSHIP},
            feeling="positive",
            wish="more",
            attributes={
                "age": 61,
                "score": 2.5,
                "carer": True,
                "note": " spaced \r\n",
                "kind": "x",
            },
        ),
        Member(
            "m 2/é",
            label="Walking group",
            kind=Kind.GROUP,
            relationship="peer",
            circle=2,
            contact="monthly",
            support_received={Support.INFORMATION},
            support_given=frozenset(),
            feeling="mixed",
            wish="none",
            asset_id="hsds:svc-9",
            attributes={"attr.odd": "prefixed"},
        ),
        Member("m3", label="Library", kind="place", circle=3, asset_id="loc-1"),
    )
    ties = (
        Tie("m1", "m 2/é", weight=2.0, attributes={"type": "knows", "weight": "heavy"}),
        Tie("m3", "m1"),
    )
    first = Network(
        "P001",
        members,
        ties,
        ego={"age": 34, "date": "not the map date", "ego": "clash", "ego.x": 1.5, "ok": False},
        map_id="2024-03",
        date="2024-03-05",
    )
    second = Network("P002", (Member("a"), Member("b", kind="pet")), (Tie("a", "b"),))
    return [first, second]


def test_kith_maps_round_trip_with_every_field(tmp_path):
    path = tmp_path / "maps.graphml"
    maps = full_maps()
    write_graphml(maps, path)
    assert read_graphml(path) == maps


def test_written_file_is_plain_graphml_that_networkx_reads(tmp_path):
    path = tmp_path / "maps.graphml"
    write_graphml(full_maps()[:1], path)
    g = nx.read_graphml(path)
    assert g.nodes["m1"]["label"].startswith('Ann "Nan"')
    assert g.nodes["m1"]["circle"] == 1
    assert g.nodes["m1"]["support_received"] == "emotional;practical"
    assert g.nodes["m1"]["attr.kind"] == "x"  # free attribute named like a Kith field
    assert g.edges["m1", "m 2/é"]["weight"] == 2.0


_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)
_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
)


@st.composite
def networks(draw: st.DrawFn) -> Network:
    keys = draw(st.lists(_text.filter(lambda k: k.strip() != ""), unique=True, max_size=6))
    members = []
    for key in keys:
        kind = draw(st.sampled_from(list(Kind)))
        members.append(
            Member(
                key,
                label=draw(_text),
                kind=kind,
                circle=draw(st.sampled_from([None, 1, 2, 3])),
                support_received=draw(st.frozensets(st.sampled_from(list(Support)))),
                attributes={
                    k: v
                    for k, v in draw(
                        st.dictionaries(_text.filter(bool), _value, max_size=3)
                    ).items()
                    if v is not None
                },
            )
        )
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=5)) if pairs else []
    ties = [
        Tie(a, b, weight=draw(st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False))))
        for a, b in chosen
    ]
    ego = {
        k: v
        for k, v in draw(st.dictionaries(_text.filter(bool), _value, max_size=3)).items()
        if v is not None
    }
    return Network(
        draw(_text.filter(lambda t: t.strip() != "")), tuple(members), tuple(ties), ego=ego
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(networks(), min_size=1, max_size=3))
def test_any_map_without_missing_values_round_trips(tmp_path, maps):
    path = tmp_path / "h.graphml"
    write_graphml(maps, path)
    assert read_graphml(path) == maps


def test_networkx_file_with_an_ego_node(tmp_path):
    g = nx.Graph(ego="me")
    g.add_node("me", age=40)
    g.add_node("a", name="Ana", age=33)
    g.add_node("b", label="Ben", name="Benjamin")
    g.add_edge("me", "a")
    g.add_edge("a", "b", weight=3)
    path = tmp_path / "nx.graphml"
    nx.write_graphml(g, path)
    [net] = read_graphml(path)
    assert net.keys() == ["a", "b"]  # the ego node is not a member
    assert net.ego_id == "me"
    assert net.ego["age"] == 40
    assert net.member("a").label == "Ana"
    assert net.member("b").label == "Ben"
    assert net.member("b").attributes["name"] == "Benjamin"
    assert [(t.pair, t.weight) for t in net.ties] == [(("a", "b"), 3.0)]


def test_generic_file_without_ids_gets_ego_id_from_the_file_name(tmp_path):
    path = tmp_path / "study.graphml"
    path.write_text(
        GRAPHML_HEAD + '<graph edgedefault="undirected"><node id="1"/><node id="2"/>'
        '<edge source="1" target="2"/></graph>\n'
        '<graph edgedefault="undirected"><node id="x"/></graph></graphml>',
        encoding="utf-8",
    )
    nets = read_graphml(path)
    assert [(n.ego_id, n.size, len(n.ties)) for n in nets] == [("study-1", 2, 1), ("study-2", 1, 0)]


def test_directed_pairs_and_parallel_edges_become_one_tie(tmp_path):
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("b", "a", weight=4.0)
    g.add_edge("a", "b", weight=2.0)
    path = tmp_path / "gephi.graphml"
    nx.write_graphml(g, path)
    [net] = read_graphml(path)
    assert [(t.pair, t.weight) for t in net.ties] == [(("a", "b"), 4.0)]


def test_key_defaults_apply(tmp_path):
    path = tmp_path / "d.graphml"
    path.write_text(
        GRAPHML_HEAD + '<key id="k" for="node" attr.name="circle" attr.type="int">'
        "<default>3</default></key>"
        '<graph><node id="a"/><node id="b"><data key="k">1</data></node></graph></graphml>',
        encoding="utf-8",
    )
    [net] = read_graphml(path)
    assert (net.member("a").circle, net.member("b").circle) == (3, 1)


# -- refused and malformed input ---------------------------------------------------------------


def test_billion_laughs_is_refused(tmp_path):
    path = tmp_path / "lol.graphml"
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>\n'
        f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="&lol9;"/></graphml>',
        encoding="utf-8",
    )
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert "refused" in str(err.value)
    assert err.value.file == str(path)


def test_external_entity_is_refused_and_nothing_leaks(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "xxe.graphml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE g [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph id="&x;"/></graphml>',
        encoding="utf-8",
    )
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert "refused" in str(err.value)
    assert "TOP-SECRET" not in str(err.value)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.graphml"
    path.write_text(GRAPHML_HEAD + body + "</graphml>\n", encoding="utf-8")
    return path


def test_not_well_formed_xml_names_the_line(tmp_path):
    path = _write(tmp_path, '<graph>\n<node id="a">\n</graph>\n')
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert err.value.line == 5
    assert "well-formed" in str(err.value)


def test_non_utf8_bytes_are_refused_with_the_line(tmp_path):
    path = tmp_path / "latin.graphml"
    path.write_bytes(GRAPHML_HEAD.encode() + b'<graph>\n<node id="Zo\xeb"/>\n</graph></graphml>\n')
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert err.value.line == 4
    assert "UTF-8" in str(err.value)


def test_value_that_does_not_fit_its_key_type(tmp_path):
    path = _write(
        tmp_path,
        '<key id="d0" for="node" attr.name="age" attr.type="int"/>\n'
        '<graph>\n<node id="a">\n<data key="d0">forty</data>\n</node>\n</graph>\n',
    )
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert (err.value.line, err.value.field) == (6, "age")
    assert "whole number" in str(err.value)


def test_undeclared_key_is_refused(tmp_path):
    path = _write(tmp_path, '<graph>\n<node id="a"><data key="nope">1</data></node>\n</graph>\n')
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert (err.value.line, err.value.field) == (4, "key")


def test_duplicate_node_id_is_refused(tmp_path):
    path = _write(tmp_path, '<graph>\n<node id="a"/>\n<node id="a"/>\n</graph>\n')
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert (err.value.line, err.value.field) == (5, "id")


def test_edge_to_an_unknown_node_is_refused(tmp_path):
    path = _write(tmp_path, '<graph>\n<node id="a"/>\n<edge source="a" target="zz"/>\n</graph>\n')
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert (err.value.line, err.value.field) == (5, "target")
    assert "'zz'" in str(err.value)


def test_a_kith_field_with_a_bad_value_is_named(tmp_path):
    path = _write(
        tmp_path,
        '<key id="d0" for="node" attr.name="kind" attr.type="string"/>\n'
        '<graph>\n<node id="a"><data key="d0">dog</data></node>\n</graph>\n',
    )
    with pytest.raises(FormatError) as err:
        read_graphml(path)
    assert (err.value.line, err.value.field) == (5, "kind")
    assert "'dog'" in str(err.value)
