"""The SVG drawing: accessible structure, member attributes, escaping, determinism, palette.

Expected values come from the drawing contract in the module docstring and ``docs/drawing.md``
(``role="img"``, ``<title>``/``<desc>``, one ``<g>`` per member with ``data-*`` attributes) and
from the hand-made maps below (counts worked out in comments).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
import pytest

from kith.network.drawing import (
    KIND_COLOURS,
    KIND_SHAPES,
    OKABE_ITO,
    draw_svg,
    member_title,
    summary,
)
from kith.network.layout import layout
from kith.network.model import Kind, Member, Network, Tie

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def sample() -> Network:
    members = (
        Member("mum", "Mum", relationship="family", circle=1, contact="daily"),
        Member("sis", "Sister Jo", relationship="family", circle=2, contact="weekly"),
        Member("run", "Running club", kind="group", circle=2),
        Member("lib", "Library", kind="place", circle=3),
        Member("dog", "Biscuit", kind="pet", circle=1),
        Member("gp", "Dr Okafor", relationship="professional", circle=3),
        Member("wa", "WhatsApp family group chat", kind="online"),
    )
    ties = (Tie("mum", "sis"), Tie("mum", "dog"), Tie("sis", "wa"))
    return Network("p", members, ties, date="2025-03-03")


def parse(svg: str) -> ET.Element:
    root: ET.Element = DET.fromstring(svg)
    return root


def member_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "kith-member"]


def test_accessible_structure() -> None:
    root = parse(draw_svg(sample()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Network map (2025-03-03)"
    assert (
        root.get("aria-labelledby")
        == f"{title.get('id')} {desc.get('id') if desc is not None else ''}"
    )
    # sample(): circle 1 = Mum, Biscuit (2); circle 2 = Sister Jo, Running club (2);
    # circle 3 = Library, Dr Okafor (2); WhatsApp not placed (1); 3 ties.
    assert desc is not None and desc.text == (
        "Network map of 7 members: 2 in the closest circle, 2 in the middle circle, "
        "2 in the outer circle and 1 not placed in a circle "
        "(3 people, 1 group, 1 place, 1 pet and 1 online space); 3 ties between members."
    )
    assert (
        draw_svg(sample(), title="Ana's map").count('<title id="kith-title">Ana&#x27;s map<') == 1
    )


def test_members_have_ids_data_titles_labels_and_shapes() -> None:
    net = sample()
    root = parse(draw_svg(net))
    groups = member_groups(root)
    assert [g.get("data-key") for g in groups] == net.keys()
    by_key = {g.get("data-key"): g for g in groups}
    mum = by_key["mum"]
    assert mum.get("id") == "kith-member-mum"
    assert mum.get("data-kind") == "person" and mum.get("data-circle") == "1"
    assert by_key["wa"].get("data-circle") == ""
    t = mum.find("svg:title", NS)
    assert t is not None and t.text == "Mum — person, closest circle, family, contact daily"
    # The shown label is shortened; the title keeps the full text.
    wa_text = by_key["wa"].find(".//svg:text", NS)
    assert wa_text is not None and wa_text.text == "WhatsApp family g…"
    wa_title = by_key["wa"].find("svg:title", NS)
    assert wa_title is not None and wa_title.text is not None
    assert wa_title.text.startswith("WhatsApp family group chat — online")
    # Shapes per kind: person circle, group hexagon (6 points), place square (rect),
    # pet diamond (4 points), online rounded rect (rx).
    shapes = {g.get("data-key"): g.find("svg:g", NS)[0] for g in groups}  # type: ignore[index]
    assert shapes["mum"].tag == f"{SVG}circle"
    assert (
        shapes["run"].tag == f"{SVG}polygon" and len(shapes["run"].get("points", "").split()) == 6
    )
    assert shapes["lib"].tag == f"{SVG}rect" and shapes["lib"].get("rx") is None
    assert (
        shapes["dog"].tag == f"{SVG}polygon" and len(shapes["dog"].get("points", "").split()) == 4
    )
    assert shapes["wa"].tag == f"{SVG}rect" and shapes["wa"].get("rx") is not None
    for key, shape in shapes.items():
        assert shape.get("fill") == KIND_COLOURS[net.member(key).kind]


def test_every_kind_shape_and_palette() -> None:
    members = tuple(Member(k.value, k.value, kind=k, circle=1) for k in Kind)
    root = parse(draw_svg(Network("p", members)))
    fills = set()
    for g in member_groups(root):
        inner = g.find("svg:g", NS)
        assert inner is not None
        fills.add(inner[0].get("fill"))
    # Eight kinds, eight distinct Okabe–Ito colours.
    assert fills == set(OKABE_ITO) == set(KIND_COLOURS.values())
    assert len(set(KIND_SHAPES.values())) == len(Kind)
    # The key lists every kind present, with its shape named.
    items = [g for g in root.iter(f"{SVG}g") if g.get("class") == "kith-legend-item"]
    assert [g.get("data-item") for g in items] == [k.value for k in Kind]
    texts = [g.find("svg:text", NS).text for g in items]  # type: ignore[union-attr]
    assert "Thing (star)" in texts and "Group (hexagon)" in texts


def test_rings_ties_and_ego() -> None:
    svg = draw_svg(sample())
    root = parse(svg)
    ring_names = [
        t.text
        for t in root.iter(f"{SVG}text")
        if t.text in {"Closest", "Close", "Further", "Not placed yet"}
    ]
    assert ring_names == ["Closest", "Close", "Further", "Not placed yet"]
    ties = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "kith-ties")
    assert len(ties) == 3
    # Ties come before (under) the members in document order.
    assert svg.index('class="kith-ties"') < svg.index('class="kith-members"')
    assert ">Me</text>" in svg


def test_user_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & co'
    net = Network("p", (Member('k"<>&', evil, circle=1), Member("b", "B\x07ell", circle=2)))
    svg = draw_svg(net, title="<b>map</b>")
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # well-formed, control characters dropped
    groups = member_groups(root)
    assert groups[0].get("data-key") == 'k"<>&'
    # The id is made safe (only [A-Za-z0-9_-]) and unique (a hash suffix).
    assert groups[0].get("id", "").startswith("kith-member-k____-")
    title = groups[0].find("svg:title", NS)
    assert title is not None and title.text is not None and title.text.startswith(evil)
    assert root.find("svg:title", NS).text == "<b>map</b>"  # type: ignore[union-attr]
    label = groups[1].find(".//svg:text", NS)
    assert label is not None and label.text == "Bell"


def test_deterministic() -> None:
    net = sample()
    highlight = {"run": "gained", "sis": "moved-closer"}
    assert draw_svg(net, highlight=highlight) == draw_svg(net, highlight=highlight)
    assert draw_svg(net) == draw_svg(net, layout(net))


def test_highlight_marks_change_without_colour() -> None:
    net = sample()
    marks = {
        "run": "gained",
        "sis": "moved-closer",
        "lib": "moved-further",
        "gp": "lost",
        "zz": "gained",
    }
    root = parse(draw_svg(net, highlight=marks))
    by_key = {g.get("data-key"): g for g in member_groups(root)}
    assert by_key["run"].get("data-change") == "gained"
    assert by_key["mum"].get("data-change") is None
    outline = [c for c in by_key["run"].findall("svg:circle", NS) if c.get("fill") == "none"]
    assert outline and outline[0].get("stroke-dasharray") == "5 3"
    gp_outline = [c for c in by_key["gp"].findall("svg:circle", NS) if c.get("fill") == "none"]
    assert gp_outline[0].get("stroke-dasharray") == "1.5 2.5"
    # One arrow per moved member on the map (the key has its own samples).
    layer = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "kith-moves")
    assert [g.get("class") for g in layer] == ["kith-move", "kith-move"]
    title = by_key["sis"].find("svg:title", NS)
    assert title is not None and title.text is not None and title.text.endswith("moved closer")
    items = [
        g.get("data-item") for g in root.iter(f"{SVG}g") if g.get("class") == "kith-legend-item"
    ]
    assert items[-4:] == ["gained", "lost", "moved-closer", "moved-further"]
    with pytest.raises(ValueError, match="highlight for member 'run'"):
        draw_svg(net, highlight={"run": "shiny"})


def test_width_and_empty_map() -> None:
    root = parse(draw_svg(Network("p"), width=400))
    assert root.get("width") == "400"
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text == "Network map with no members yet."
    assert member_groups(root) == []


def test_summary_and_member_title_words() -> None:
    net = Network("p", (Member("a", circle=1),))
    assert summary(net) == (
        "Network map of 1 member: 1 in the closest circle (1 person); 0 ties between members."
    )
    m = Member("x", "", kind="place")
    assert member_title(m, "gained") == "x — place, not placed in a circle, new since last map"
