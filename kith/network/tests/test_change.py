"""Change between two maps: hand-made before/after maps, numbers worked out in comments."""

from __future__ import annotations

import math

import pytest

from kith.network.change import FieldChange, compare, describe_change, measure_deltas
from kith.network.measures import measure_row
from kith.network.model import Member, Network, Tie


def before_map() -> Network:
    members = (
        Member("mum", "Mum", relationship="family", circle=2, contact="monthly"),
        Member("sis", "Sister", relationship="family", circle=2),
        Member("joe", "Uncle Joe", relationship="family", circle=3),
        Member("gym", "Gym", kind="place", circle=3),
        Member("lib", "Library", kind="place"),
        Member("dog", "Biscuit", kind="pet", circle=1),
    )
    ties = (Tie("mum", "sis"), Tie("sis", "joe"), Tie("mum", "dog"))
    return Network("p", members, ties, date="2025-03-03")


def after_map() -> Network:
    members = (
        Member("mum", "Mum", relationship="family", circle=2, contact="weekly"),
        Member("sis", "Sister", relationship="family", circle=1),
        Member("gym", "Gym", kind="place", circle=3),
        Member("lib", "Library", kind="place", circle=3),
        Member("dog", "Biscuit", kind="pet", circle=2),
        Member("run", "Running club", kind="group", circle=3),
        Member("pc", "Park café", kind="place", circle=2),
    )
    ties = (Tie("mum", "sis"), Tie("dog", "mum"), Tie("run", "pc"), Tie("sis", "run"))
    return Network("p", members, ties, date="2025-06-10")


def test_members_kept_lost_gained_and_moves() -> None:
    c = compare(before_map(), after_map())
    # before: mum sis joe gym lib dog (6); after: mum sis gym lib dog run pc (7).
    assert c.kept == ("mum", "sis", "gym", "lib", "dog")  # in the order of the later map
    assert c.lost == ("joe",)
    assert c.gained == ("run", "pc")
    # sis 2 → 1 (closer); dog 1 → 2 (further); lib none → 3 (placed, not a move).
    assert c.moved_closer == ("sis",)
    assert c.moved_further == ("dog",)
    assert c.placed == ("lib",) and c.unplaced == ()
    assert c.circle_changes == {"sis": (2, 1), "lib": (None, 3), "dog": (1, 2)}
    assert c.field_changes == (FieldChange("mum", "contact", "monthly", "weekly"),)
    # Jaccard: 5 kept / 8 keys in the union = 0.625.
    assert c.stability == 0.625
    assert (c.before_size, c.after_size) == (6, 7)
    assert c.highlight() == {
        "joe": "lost",
        "run": "gained",
        "pc": "gained",
        "sis": "moved-closer",
        "dog": "moved-further",
    }


def test_ties_by_key_pair() -> None:
    c = compare(before_map(), after_map())
    # Pairs are sorted: Tie("dog", "mum") equals Tie("mum", "dog").
    assert c.ties_kept == (("mum", "sis"), ("dog", "mum"))
    assert c.ties_lost == (("joe", "sis"),)
    assert c.ties_gained == (("pc", "run"), ("run", "sis"))


def test_measure_deltas() -> None:
    before, after = before_map(), after_map()
    c = compare(before, after)
    # size 6 → 7; ties 3 → 4; density 3/15 = 0.2 → 4/21 = 0.190476…
    assert c.measures["size"] == 1.0
    assert c.measures["ties"] == 1.0
    density = c.measures["density"]
    assert isinstance(density, float) and math.isclose(density, 4 / 21 - 0.2)
    assert c.measures["ego_id"] == ("p", "p")
    typology = c.measures["typology"]
    assert isinstance(typology, tuple)
    assert typology == (measure_row(before)["typology"], measure_row(after)["typology"])
    # Every column of measure_row is there.
    assert list(c.measures) == list(measure_row(before))


def test_measure_deltas_nan_and_text() -> None:
    d = measure_deltas(
        {"a": 1, "b": math.nan, "t": "x", "only_before": 2.0},
        {"a": 3, "b": 1.0, "t": "y", "only_after": None},
    )
    assert d["a"] == 2.0
    assert math.isnan(d["b"])  # type: ignore[arg-type]
    assert d["t"] == ("x", "y")
    assert math.isnan(d["only_before"]) and math.isnan(d["only_after"])  # type: ignore[arg-type]


def test_empty_maps_and_no_change() -> None:
    c = compare(Network("p"), Network("p"))
    assert math.isnan(c.stability)  # 0 / 0
    assert c.kept == c.lost == c.gained == ()
    net = before_map()
    same = compare(net, net)
    assert same.stability == 1.0 and same.ties_kept == tuple(t.pair for t in net.ties)
    assert all(v == 0 or v != v for v in same.measures.values() if isinstance(v, float))
    assert describe_change(same) == (
        "Since 3 March 2025: no change in who is on the map or how close they are. "
        "Your network stayed at 6."
    )


def test_unrecorded_circle_is_not_a_move() -> None:
    before = Network("p", (Member("a", circle=1), Member("b"), Member("c", circle=3)))
    after = Network("p", (Member("a"), Member("b"), Member("c", circle=3)))
    c = compare(before, after)
    assert c.moved_closer == c.moved_further == ()
    assert c.unplaced == ("a",) and c.placed == ()
    assert c.circle_changes == {"a": (1, None)}


def test_kind_and_relationship_changes() -> None:
    before = Network("p", (Member("x", "X", kind="person", relationship="friend"),))
    after = Network("p", (Member("x", "X", kind="group"),))
    c = compare(before, after)
    assert c.field_changes == (
        FieldChange("x", "kind", "person", "group"),
        FieldChange("x", "relationship", "friend", None),
    )


def test_describe_change_paragraph() -> None:
    text = describe_change(compare(before_map(), after_map()))
    assert text == (
        "Since 3 March 2025: 2 new connections (Running club and Park café); "
        "you lost touch with 1 (Uncle Joe); Sister moved closer; Biscuit moved further out; "
        "Library now in the outer circle; you see Mum more often. "
        "Your network grew from 6 to 7."
    )


def test_describe_change_shrinking_long_lists_no_date() -> None:
    before = Network("p", tuple(Member(f"k{i}", f"Friend {i}", circle=2) for i in range(7)))
    after = Network("p", (Member("k0", "Friend 0", circle=3),))
    text = describe_change(compare(before, after))
    # Six lost: three named, "and 3 more"; one moved further out.
    assert text == (
        "Since the last map: you lost touch with 6 (Friend 1, Friend 2, Friend 3 and 3 more); "
        "Friend 0 moved further out. Your network got smaller, from 7 to 1."
    )


@pytest.mark.parametrize(("was", "now", "words"), [("daily", "less", "less often")])
def test_describe_contact_less_often(was: str, now: str, words: str) -> None:
    before = Network("p", (Member("m", "Mum", contact=was),))
    after = Network("p", (Member("m", "Mum", contact=now),))
    assert f"you see Mum {words}" in describe_change(compare(before, after))
