"""Per-map measures on small hand-built maps; every expected number is worked out in a comment."""

# The tests pass text where the model takes enums ("family", {"emotional"}), as users do;
# Member normalises it on construction, so mypy's arg-type check is off for this file.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.network import measures as M
from kith.network.model import Member, Network, Tie


def gm(key: str, g: str | None, **kw: object) -> Member:
    return Member(key, attributes={} if g is None else {"g": g}, **kw)


@pytest.fixture
def star() -> Network:
    """a–b, b–c, c–a (a triangle), d alone; groups x, x, y, (missing); ego in group x."""
    members = [gm("a", "x"), gm("b", "x"), gm("c", "y"), gm("d", None)]
    return Network("s", members, [Tie("a", "b"), Tie("b", "c"), Tie("a", "c")], ego={"g": "x"})


def test_structure_of_triangle_plus_isolate(star: Network) -> None:
    # n = 4, t = 3: density 3 / C(4,2) = 3/6; mean degree 2*3/4; one isolate (d);
    # components {a,b,c}, {d}; largest share 3/4; effective size 4 - 6/4 = 2.5; efficiency 2.5/4
    assert M.density(star) == 0.5
    assert M.mean_degree(star) == 1.5
    assert M.isolates(star) == 1
    assert M.components(star) == 2
    assert M.largest_component_share(star) == 0.75
    assert M.effective_size(star) == 2.5
    assert M.efficiency(star) == 0.625


def test_ego_betweenness_hand(star: Network) -> None:
    # non-adjacent pairs: (a,d), (b,d), (c,d), each with no common neighbour -> 1 each = 3
    assert M.ego_betweenness(star) == 3.0
    # path a-b-c: only (a,c) non-adjacent, common neighbour b -> 1/(1+1)
    path = Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b"), Tie("b", "c")])
    assert M.ego_betweenness(path) == 0.5
    assert M.ego_betweenness(Network("one", [Member("a")])) == 0.0


def test_constraint_matches_networkx_with_ego(star: Network) -> None:
    # reference: networkx's Burt constraint on the graph with the ego joined to every member
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c")])
    g.add_node("d")
    g.add_edges_from(("EGO", k) for k in "abcd")
    assert M.constraint(star) == pytest.approx(nx.constraint(g, ["EGO"])["EGO"], abs=1e-12)


def test_constraint_weighted_matches_networkx() -> None:
    members = [Member("a"), Member("b"), Member("c")]
    net = Network("w", members, [Tie("a", "b", weight=2.0), Tie("b", "c")])
    g = nx.Graph()
    g.add_edge("a", "b", weight=2.0)
    g.add_edge("b", "c", weight=1.0)  # missing weight counts 1
    g.add_edges_from((("EGO", k) for k in "abc"), weight=1.0)
    expected = nx.constraint(g, ["EGO"], weight="weight")["EGO"]
    assert M.constraint(net, weight=True) == pytest.approx(expected, abs=1e-12)
    assert M.constraint(net) != pytest.approx(expected)


def test_constraint_edge_cases() -> None:
    # one member: p = 1, C = 1; two unconnected members: 2 * (1/2)^2 = 0.5; empty: nan
    assert M.constraint(Network("1", [Member("a")])) == 1.0
    assert M.constraint(Network("2", [Member("a"), Member("b")])) == 0.5
    assert math.isnan(M.constraint(Network("0")))


def test_empty_map_values() -> None:
    row = M.measure_row(Network("e"), by={"g": None, "circle": None})
    assert row["size"] == 0 and row["isolates"] == 0 and row["components"] == 0
    assert row["ego_betweenness"] == 0.0
    for column in (
        "density",
        "mean_degree",
        "largest_component_share",
        "effective_size",
        "efficiency",
        "constraint",
        "professionals_share",
        "reciprocal_support_share",
        "blau_g",
        "entropy_g",
        "ei_g",
        "aa_ei_g",
        "share_circle_1",
    ):
        assert math.isnan(row[column]), column
    assert row["categories_g"] == 0
    assert row["typology"] == "empty"


def test_composition_and_diversity(star: Network) -> None:
    # values x, x, y, missing: shares over n = 4 (missing stays in the denominator)
    comp = M.composition(star, "g")
    assert comp.counts == {"x": 2, "y": 1}
    assert comp.shares == {"x": 0.5, "y": 0.25}
    assert comp.missing == 1
    # over the 3 members with a value: p = 2/3, 1/3
    assert M.blau(star, "g") == pytest.approx(1 - (4 / 9 + 1 / 9))  # 4/9
    assert M.iqv(star, "g") == pytest.approx((4 / 9) / (1 - 1 / 2))  # K = 2 present
    assert M.iqv(star, "g", categories=["x", "y", "z"]) == pytest.approx((4 / 9) / (2 / 3))
    h = -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3))  # 0.9183 bits
    assert M.entropy(star, "g") == pytest.approx(h)
    assert M.diversity_count(star, "g") == 2


def test_iqv_nan_for_single_category() -> None:
    net = Network("k", [gm("a", "x")])
    assert math.isnan(M.iqv(net, "g"))  # K = 1
    assert M.blau(net, "g") == 0.0


def test_ego_alter_ei_and_match(star: Network) -> None:
    # ego x: a, b equal (I = 2), c differs (E = 1), d missing (left out): (1-2)/3
    assert M.ego_alter_ei(star, "g") == pytest.approx(-1 / 3)
    assert M.share_matching_ego(star, "g") == pytest.approx(2 / 3)
    no_ego = Network("n", star.members, star.ties)
    assert math.isnan(M.ego_alter_ei(no_ego, "g"))


def test_alter_alter_ei_raw_and_rescaled(star: Network) -> None:
    # ties: a-b (x,x) I; b-c, a-c (x,y) E; E = 2, I = 1 -> raw (2-1)/3
    assert M.ei_counts(star, "g") == (2, 1)
    assert M.alter_alter_ei(star, "g") == pytest.approx(1 / 3)
    # rescaled: groups x:2, y:1, NA:1 (egor counts the NA group in sizes)
    # P_E = (2*2 + 1*3 + 1*3) / 2 = 5, P_I = 1 + 0 + 0 = 1
    # ext = 2/5, int = 1/1 -> (0.4 - 1) / 1.4
    assert M.alter_alter_ei(star, "g", rescale=True) == pytest.approx(-0.6 / 1.4)


def test_alter_alter_ei_nan_without_ties() -> None:
    net = Network("n", [gm("a", "x"), gm("b", "y")])
    assert math.isnan(M.alter_alter_ei(net, "g"))
    assert math.isnan(M.alter_alter_ei(net, "g", rescale=True))


def test_count_dyads_drops_missing_end(star: Network) -> None:
    net = Network("d", star.members, (*star.ties, Tie("a", "d")))
    # a-b x_x; b-c, a-c x_y; a-d (x, missing) counted as "x", as egor does
    assert M.count_dyads(net, "g") == {"x": 1, "x_x": 1, "x_y": 2}


def test_weighted_density_missing_weight_counts_one() -> None:
    members = [Member("a"), Member("b"), Member("c")]
    net = Network("w", members, [Tie("a", "b", weight=0.5), Tie("b", "c")])
    # (0.5 + 1) / 3
    assert M.density(net, weight=True) == pytest.approx(0.5)
    assert M.density(net) == pytest.approx(2 / 3)


def test_practice_measures() -> None:
    members = [
        Member(
            "mum",
            relationship="family",
            circle=1,
            contact="weekly",
            support_received={"emotional", "practical"},
            support_given={"companionship"},
            wish="more",
        ),
        Member("gp", relationship="professional", circle=3, contact="less", wish="none"),
        Member("worker", relationship="professional", support_received={"information"}),
        Member("x", circle=2),  # person with no relationship: not in the share's denominator
        Member("club", kind="group", contact="daily", support_given={"practical"}, wish="less"),
        Member("park", kind="place", circle=2, wish="reconnect"),
        Member("walks", kind="activity"),
    ]
    row = M.measure_row(Network("p", members))
    # 2 professionals of 3 persons with a relationship
    assert row["professionals_share"] == pytest.approx(2 / 3)
    assert row["people"] == 4 and row["size_group"] == 1 and row["size_place"] == 1
    assert (row["circle_1"], row["circle_2"], row["circle_3"]) == (1, 2, 1)
    assert row["support_emotional"] == 1 and row["support_information"] == 1
    assert row["support_any"] == 2
    # either way: mum, worker, club (3); both ways: mum (1)
    assert row["reciprocal_support_share"] == pytest.approx(1 / 3)
    assert row["weekly_contact"] == 2  # mum weekly, club daily
    assert row["places_activities"] == 2
    assert (row["wish_more"], row["wish_less"], row["wish_reconnect"]) == (1, 1, 1)
    assert row["family"] == 1


def test_measure_row_column_order_and_types(star: Network) -> None:
    row = M.measure_row(star, by={"g": ["y", "x"], "circle": None})
    expected = [
        *M.BASE_COLUMNS,
        *M.attribute_columns("g", ["y", "x"]),
        *M.attribute_columns("circle", ["1", "2", "3"]),
    ]
    assert list(row) == expected
    assert row["share_g_y"] == 0.25 and row["share_g_x"] == 0.5
    for name in ("size", "people", "ties", "isolates", "components", "categories_g"):
        assert type(row[name]) is int
    assert row["ego_id"] == "s"


def test_weight_changes_only_density_and_constraint() -> None:
    members = [gm("a", "x"), gm("b", "y"), gm("c", "x")]
    net = Network("w", members, [Tie("a", "b", weight=0.25), Tie("b", "c", weight=3.0)])
    plain, weighted = M.measure_row(net, by={"g": None}), M.measure_row(net, {"g": None}, True)

    def differs(a: object, b: object) -> bool:
        both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        return not both_nan and a != b

    changed = {k for k in plain if differs(plain[k], weighted[k])}
    assert changed == {"density", "constraint"}


@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(0, 8))
    members = [gm(str(i), draw(st.sampled_from(["x", "y", None]))) for i in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    return Network("h", members, [Tie(str(i), str(j)) for i, j in chosen], ego={"g": "x"})


@settings(max_examples=60, deadline=None)
@given(networks())
def test_properties_against_networkx(net: Network) -> None:
    g = nx.Graph()
    g.add_nodes_from(net.keys())
    g.add_edges_from(t.pair for t in net.ties)
    assert M.components(net) == nx.number_connected_components(g)
    if net.size >= 2:
        assert M.density(net) == pytest.approx(nx.density(g))
    if net.size:
        assert M.effective_size(net) == pytest.approx(net.size - 2 * len(net.ties) / net.size)
        h = g.copy()
        h.add_edges_from(("EGO", k) for k in net.keys())  # noqa: SIM118 - Network.keys() is a method, not a dict
        assert M.constraint(net) == pytest.approx(nx.constraint(h, ["EGO"])["EGO"])
        # ego betweenness = betweenness of EGO in ego + members, unnormalised
        bc = nx.betweenness_centrality(h, normalized=False)["EGO"]
        assert M.ego_betweenness(net) == pytest.approx(bc)
    ei = M.ego_alter_ei(net, "g")
    assert math.isnan(ei) or -1 <= ei <= 1
