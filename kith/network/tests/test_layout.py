"""The concentric layout: no overlaps, everything inside the view box, stable angles.

Expected geometry comes from the rules in ``docs/drawing.md`` and the constants of
:mod:`kith.network.layout` (sector table, band weights); the properties are checked on random
maps made by hypothesis.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kith.network.layout import (
    CENTRE,
    EGO_RADIUS,
    INNER_EDGE,
    KIND_SECTORS,
    OUTER_EDGE,
    UNPLACED_RING,
    Box,
    Layout,
    layout,
    shorten,
    stable_angle,
    text_width,
)
from kith.network.model import Kind, Member, Network

# Letters, wide letters, spaces, accents and a few East Asian characters (one em each).
_LABEL_CHARS = st.sampled_from([*list("abcdefghijklmnopqrstuvwxyz MWmw@ABCÉé'-()"), "名", "前"])


@st.composite
def maps(draw: st.DrawFn, max_members: int = 60) -> Network:
    n = draw(st.integers(0, max_members))
    members = []
    for i in range(n):
        label = "".join(draw(st.lists(_LABEL_CHARS, max_size=40)))
        members.append(
            Member(
                key=f"m{i}-{draw(st.integers(0, 999))}",
                label=label,
                kind=draw(st.sampled_from(list(Kind))),
                circle=draw(st.sampled_from([1, 2, 3, None])),
            )
        )
    return Network("p", tuple(members))


def assert_no_overlaps(lay: Layout) -> None:
    """The geometric contract: every node and label inside the view box, touching nothing."""
    view = lay.viewbox
    ego = Box(CENTRE - EGO_RADIUS, CENTRE - EGO_RADIUS, 2 * EGO_RADIUS, 2 * EGO_RADIUS)
    assert lay.complete
    for p in lay:
        assert p.node_box.inside(view), p
        assert p.label_box.inside(view), p
        assert not p.node_box.overlaps(ego) and not p.label_box.overlaps(ego)
        assert not p.node_box.overlaps(p.label_box)
        for ring in lay.rings:
            assert not p.label_box.overlaps(ring.label_box)
            assert not p.node_box.overlaps(ring.label_box)
    for p, q in itertools.combinations(lay.placements, 2):
        assert not p.label_box.overlaps(q.label_box), (p.key, q.key)
        assert not p.label_box.overlaps(q.node_box), (p.key, q.key)
        assert not q.label_box.overlaps(p.node_box), (p.key, q.key)
        assert not p.node_box.overlaps(q.node_box), (p.key, q.key)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps())
def test_random_maps_have_no_overlaps(net: Network) -> None:
    lay = layout(net)
    assert [p.key for p in lay] == net.keys()
    assert_no_overlaps(lay)
    for p, m in zip(lay, net.members, strict=True):
        assert p.ring == (m.circle if m.circle is not None else UNPLACED_RING)
        # Without memory, the preferred angle is the pure function of key and kind.
        assert p.preferred == stable_angle(m.key, m.kind)
        band = next(r for r in lay.rings if r.ring == p.ring)
        assert band.inner <= p.radius <= band.outer


@pytest.mark.parametrize("circle", [1, 2, 3, None])
def test_sixty_long_labels_in_one_ring_fit(circle: int | None) -> None:
    # The worst case: every member in the same ring, every label long and wide.
    members = tuple(
        Member(f"k{i}", f"Mmmmm Wwwwww {i} long label text", circle=circle, kind=list(Kind)[i % 8])
        for i in range(60)
    )
    lay = layout(Network("p", members))
    assert_no_overlaps(lay)
    assert all(len(p.label) <= lay.max_label_chars for p in lay)


def test_same_input_same_layout() -> None:
    net = Network("p", tuple(Member(f"k{i}", f"Member {i}", circle=1 + i % 3) for i in range(25)))
    assert layout(net) == layout(net)


def test_uncrowded_members_sit_at_their_stable_angle() -> None:
    # One member of each kind, spread over the sectors: nobody competes for a spot.
    members = tuple(
        Member(f"{k.value}-1", k.value.title(), kind=k, circle=1 + i % 3)
        for i, k in enumerate(Kind)
    )
    lay = layout(Network("p", members))
    for m in members:
        assert lay[m.key].angle == stable_angle(m.key, m.kind)
        assert lay[m.key].displacement == 0


def test_stable_angle_in_kind_sector() -> None:
    for kind, (start, width) in KIND_SECTORS.items():
        for i in range(50):
            a = stable_angle(f"key{i}", kind)
            assert start < a < start + width
    # The sectors tile the circle exactly.
    assert sum(w for _, w in KIND_SECTORS.values()) == 360
    # The angle depends on key and kind only.
    assert stable_angle("mum", "person") == stable_angle("mum", Kind.PERSON)
    assert stable_angle("mum", "person") != stable_angle("dad", "person")


def test_angle_independent_of_other_members() -> None:
    # A person added in another sector (a place) does not move anybody.
    base = [Member("mum", "Mum", circle=1), Member("sis", "Sister", circle=2)]
    a = layout(Network("p", tuple(base)))
    b = layout(Network("p", (*base, Member("lib", "Library", kind="place", circle=1))))
    assert a["mum"].angle == b["mum"].angle
    assert a["sis"].angle == b["sis"].angle


def test_previous_angles_are_reused() -> None:
    net = Network("p", (Member("mum", "Mum", circle=1), Member("new", "New", circle=3)))
    lay = layout(net, previous={"mum": 123.0, "gone": 10.0})
    assert lay["mum"].angle == 123.0 and lay["mum"].preferred == 123.0
    assert lay["new"].preferred == stable_angle("new", "person")
    assert layout(net, previous={"mum": 483.0})["mum"].angle == 123.0  # taken modulo 360


def test_collision_nudges_the_later_member_only() -> None:
    # Two members asking for the same angle in the same ring: the kept one stays exactly,
    # the new one moves (by at least the width of a node at that radius).
    net = Network("p", (Member("a", "Alpha", circle=2), Member("b", "Beta", circle=2)))
    lay = layout(net, previous={"a": 60.0, "b": 60.0})
    assert lay["a"].angle == 60.0
    assert not lay["a"].node_box.overlaps(lay["b"].node_box)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps(max_members=20), st.data())
def test_kept_members_keep_their_angle(before: Network, data: st.DataObject) -> None:
    # The documented tolerance: with angle memory, a kept member stays exactly where it was
    # unless its spot is taken; in maps up to 20 members that is never more than 15°.
    kept = [m for m in before.members if data.draw(st.booleans())]
    added = [
        Member(
            f"new{i}",
            "N" * data.draw(st.integers(1, 25)),
            kind=data.draw(st.sampled_from(list(Kind))),
            circle=data.draw(st.sampled_from([1, 2, 3, None])),
        )
        for i in range(data.draw(st.integers(0, 20 - len(kept))))
    ]
    first = layout(before)
    second = layout(Network("p", (*added, *kept)), previous=first.angles())
    assert_no_overlaps(second)
    for m in kept:
        d = abs(second[m.key].angle - first[m.key].angle) % 360
        assert min(d, 360 - d) <= 15.0, m.key


def test_bands_grow_with_crowded_rings() -> None:
    # Up to 10 members a ring, the three bands have equal weights; each boundary is the mean of
    # the equal-width radius and the equal-area radius (AREA_SHARE = 0.5). First boundary:
    #   by width 56 + 422 / 3 = 196.67; by area sqrt(56² + (478² − 56²) / 3) = 279.74;
    #   mean 238.20. Second: 337.33 and sqrt(56² + 2(478² − 56²) / 3) = 391.62; mean 364.48.
    small = layout(Network("p", (Member("a", circle=1),)))
    assert [(round(r.inner, 2), round(r.outer, 2)) for r in small.rings] == [
        (56.0, 238.2),
        (238.2, 364.48),
        (364.48, 478.0),
    ]
    assert small.rings[0].inner == INNER_EDGE and small.rings[-1].outer == OUTER_EDGE
    # 11 members in ring 1 give it weight 20 of 40, so a wider band.
    big = layout(Network("p", tuple(Member(f"k{i}", circle=1) for i in range(11))))
    assert big.rings[0].outer > small.rings[0].outer + 40
    # The "Not placed yet" band is drawn only when needed.
    assert [r.ring for r in layout(Network("p", (Member("a"),))).rings] == [1, 2, 3, 4]


def test_empty_map() -> None:
    lay = layout(Network("p"))
    assert len(lay) == 0 and lay.complete and [r.ring for r in lay.rings] == [1, 2, 3]


def test_shorten_and_text_width() -> None:
    assert shorten("a" * 18) == "a" * 18
    assert shorten("a" * 19) == "a" * 17 + "…"
    assert shorten("Sister  \n Jo") == "Sister Jo"
    # "Mum": M (1.0) + u (0.64) + m (1.0) = 2.64 em; at 10 units, 26.4.
    assert math.isclose(text_width("Mum", 10), 26.4)
    # East Asian wide characters count one em each; combining marks nothing.
    assert text_width("名前", 10) == 20.0
    assert text_width("e\u0301", 10) == text_width("e", 10)
