"""Per-map measures: size, composition, diversity, homophily, structure and practice measures.

Every measure is a plain function of one :class:`~kith.network.model.Network` (networkx
style). Undefined values are ``float('nan')``; counts are Python ``int``. :func:`measure_row`
gathers them into the one row whose column order is a contract shared with
:mod:`kith.network.batch` and the ``kith measures`` command (see ``docs/measures.md``).

Attribute values are always read through :meth:`Member.value` and ego values through
:func:`~kith.network.model.category_text`, so per-map and batch measures see the same
categories. Where a measure is also computed by the R package egor the docstring says how the
two relate; the differences are listed in ``docs/measures.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kith.network.model import (
    CATEGORICAL_FIELDS,
    CIRCLES,
    WEEKLY_OR_MORE,
    Kind,
    Network,
    Relationship,
    Support,
    Wish,
    category_text,
)

NAN = float("nan")

#: Relationships counted as family by :func:`family_share`.
FAMILY_RELATIONSHIPS: frozenset[Relationship] = frozenset(
    {Relationship.FAMILY, Relationship.PARTNER}
)

RowValue = float | int | str | None


def _ratio(num: float, den: float) -> float:
    """``num / den`` or nan when ``den`` is 0."""
    return num / den if den else NAN


# -- size ------------------------------------------------------------------------------------


def size(net: Network) -> int:
    """Number of members *n* (egor ``netsize``).

    >>> from kith.network.model import Member, Network
    >>> size(Network("p", [Member("a"), Member("b", kind="place")]))
    2
    """
    return len(net.members)


def people(net: Network) -> int:
    """Number of members of kind ``person``.

    >>> from kith.network.model import Member, Network
    >>> people(Network("p", [Member("a"), Member("b", kind="place")]))
    1
    """
    return sum(1 for m in net.members if m.kind is Kind.PERSON)


def size_by_kind(net: Network) -> dict[str, int]:
    """Members of each kind, every kind present as a key in :class:`Kind` order.

    >>> from kith.network.model import Member, Network
    >>> size_by_kind(Network("p", [Member("a"), Member("b", kind="pet")]))["pet"]
    1
    """
    counts = Counter(m.kind for m in net.members)
    return {k.value: counts.get(k, 0) for k in Kind}


def size_by_circle(net: Network) -> dict[int | None, int]:
    """Members in circles 1, 2 and 3; key ``None`` counts members with no circle recorded.

    >>> from kith.network.model import Member, Network
    >>> size_by_circle(Network("p", [Member("a", circle=1), Member("b")]))
    {1: 1, 2: 0, 3: 0, None: 1}
    """
    counts = Counter(m.circle for m in net.members)
    out: dict[int | None, int] = {c: counts.get(c, 0) for c in CIRCLES}
    out[None] = counts.get(None, 0)
    return out


# -- composition and diversity ---------------------------------------------------------------


@dataclass(frozen=True)
class Composition:
    """Counts and shares of the categories of one attribute among a map's members.

    ``categories`` is the category list *K* (see :func:`category_list`); ``counts[c]`` and
    ``shares[c] = counts[c] / n`` are given for every ``c`` in *K* (missing values stay in
    the denominator *n*); ``present`` are the distinct non-missing values actually seen (in
    sorted order, whether or not they are in *K*); ``missing`` counts members with no value.
    """

    attr: str
    n: int
    categories: tuple[str, ...]
    counts: dict[str, int]
    shares: dict[str, float]
    present: tuple[str, ...]
    missing: int


def values(net: Network, attr: str) -> list[str | None]:
    """Each member's category text for ``attr`` (``None`` = missing), in member order."""
    return [m.value(attr) for m in net.members]


def category_list(
    net: Network, attr: str, categories: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The category list *K* used for ``iqv_`` and ``share_`` columns.

    For a core field (``kind``, ``relationship``, ``circle``, ``contact``, ``feeling``,
    ``wish``) it is the field's full list of values; for a free attribute the given
    ``categories`` (as text), or, if ``None``, the values present in this map, sorted.

    >>> from kith.network.model import Member, Network
    >>> net = Network("p", [Member("a", attributes={"g": "m"}), Member("b", attributes={"g": "f"})])
    >>> category_list(net, "g"), category_list(net, "feeling")
    (('f', 'm'), ('positive', 'mixed', 'negative'))
    """
    if attr in CATEGORICAL_FIELDS:
        return CATEGORICAL_FIELDS[attr]
    if categories is not None:
        out: list[str] = []
        for c in categories:
            text = category_text(c)
            if text is not None and text not in out:
                out.append(text)
        return tuple(out)
    return tuple(sorted({v for v in values(net, attr) if v is not None}))


def composition(net: Network, attr: str, categories: Sequence[str] | None = None) -> Composition:
    """Counts and shares of each category of ``attr`` (egor ``composition``).

    ``shares[c] = counts[c] / n`` with *n* all members, so members with a missing value stay
    in the denominator, as in egor's ``composition`` (which also reports NA as a category).
    Shares are nan for an empty map. Unlike egor, a category of *K* absent from the map has
    count 0 and share 0 (egor gives NA).

    >>> from kith.network.model import Member, Network
    >>> net = Network("p", [Member("a", circle=1), Member("b", circle=1), Member("c")])
    >>> c = composition(net, "circle")
    >>> c.counts["1"], round(c.shares["1"], 3), c.missing, c.present
    (2, 0.667, 1, ('1',))
    """
    vals = values(net, attr)
    cats = category_list(net, attr, categories)
    counts = Counter(v for v in vals if v is not None)
    n = len(vals)
    return Composition(
        attr=attr,
        n=n,
        categories=cats,
        counts={c: counts.get(c, 0) for c in cats},
        shares={c: _ratio(counts.get(c, 0), n) for c in cats},
        present=tuple(sorted(counts)),
        missing=sum(1 for v in vals if v is None),
    )


def _proportions(net: Network, attr: str) -> list[float]:
    counts = Counter(v for v in values(net, attr) if v is not None)
    total = sum(counts.values())
    return [c / total for c in counts.values()] if total else []


def diversity_count(net: Network, attr: str) -> int:
    """Number of distinct non-missing values of ``attr`` (egor ``alts_diversity_count``).

    >>> from kith.network.model import Member, Network
    >>> diversity_count(Network("p", [Member("a", circle=1), Member("b", circle=3), Member("c")]), "circle")
    2
    """
    return len({v for v in values(net, attr) if v is not None})


def blau(net: Network, attr: str) -> float:
    r"""Blau's heterogeneity index (Gini–Simpson) of ``attr``.

    .. math:: B = 1 - \sum_c p_c^2

    with :math:`p_c` the share of category *c* among members with a non-missing value.
    nan when no member has a value. Blau (1977), *Inequality and heterogeneity*.

    >>> from kith.network.model import Member, Network
    >>> blau(Network("p", [Member("a", circle=1), Member("b", circle=3)]), "circle")
    0.5
    """
    p = _proportions(net, attr)
    return 1.0 - sum(x * x for x in p) if p else NAN


def iqv(net: Network, attr: str, categories: Sequence[str] | None = None) -> float:
    r"""Index of qualitative variation: Blau's index divided by its maximum.

    .. math:: IQV = \frac{B}{1 - 1/K}

    with *K* the number of categories in :func:`category_list`. nan when no member has a
    value or :math:`K < 2`. Agresti & Agresti (1978).

    >>> from kith.network.model import Member, Network
    >>> net = Network("p", [Member("a", attributes={"g": "m"}), Member("b", attributes={"g": "f"})])
    >>> iqv(net, "g"), round(iqv(net, "g", categories=["m", "f", "x"]), 3)
    (1.0, 0.75)
    """
    k = len(category_list(net, attr, categories))
    b = blau(net, attr)
    if math.isnan(b) or k < 2:
        return NAN
    return b / (1.0 - 1.0 / k)


def entropy(net: Network, attr: str) -> float:
    r"""Shannon entropy (base 2) of ``attr`` over members with a non-missing value.

    .. math:: H = -\sum_c p_c \log_2 p_c

    nan when no member has a value. egor's ``alts_diversity_entropy`` returns 0 there (the
    sum over an empty table); a map with nobody cannot be said to be homogeneous, so Kith
    keeps nan. Shannon (1948).

    >>> from kith.network.model import Member, Network
    >>> entropy(Network("p", [Member("a", circle=1), Member("b", circle=3)]), "circle")
    1.0
    """
    p = _proportions(net, attr)
    if not p:
        return NAN
    return float(-sum(x * math.log2(x) for x in p))


# -- homophily -------------------------------------------------------------------------------


def _ego_alter_counts(net: Network, attr: str, ego_attr: str | None) -> tuple[int, int] | None:
    ego_value = category_text(net.ego.get(ego_attr or attr))
    if ego_value is None:
        return None
    e = i = 0
    for v in values(net, attr):
        if v is None:
            continue
        if v == ego_value:
            i += 1
        else:
            e += 1
    return e, i


def ego_alter_ei(net: Network, attr: str, ego_attr: str | None = None) -> float:
    r"""Ego–alter EI index of ``attr`` (egor ``comp_ei``): heterophily of the ego's members.

    .. math:: EI = \frac{E - I}{E + I}

    *E* counts members whose value differs from the ego's value of ``ego_attr`` (default
    ``attr``), *I* members with the same value; members with a missing value are left out.
    +1: every member differs from the ego; −1: every member is like the ego. nan when the
    ego's value is missing or no member has a value. Krackhardt & Stern (1988).

    >>> from kith.network.model import Member, Network
    >>> net = Network("p", [Member("a", attributes={"g": "f"}), Member("b", attributes={"g": "m"}),
    ...                     Member("c", attributes={"g": "m"})], ego={"g": "f"})
    >>> round(ego_alter_ei(net, "g"), 4)
    0.3333
    """
    counts = _ego_alter_counts(net, attr, ego_attr)
    if counts is None:
        return NAN
    e, i = counts
    return _ratio(e - i, e + i)


def share_matching_ego(net: Network, attr: str, ego_attr: str | None = None) -> float:
    """Share of members (with a value) whose value of ``attr`` equals the ego's: I / (E + I).

    nan like :func:`ego_alter_ei`.

    >>> from kith.network.model import Member, Network
    >>> net = Network("p", [Member("a", attributes={"g": "f"}), Member("b", attributes={"g": "m"})],
    ...               ego={"g": "f"})
    >>> share_matching_ego(net, "g")
    0.5
    """
    counts = _ego_alter_counts(net, attr, ego_attr)
    if counts is None:
        return NAN
    e, i = counts
    return _ratio(i, e + i)


def ei_counts(net: Network, attr: str) -> tuple[int, int]:
    """(E, I): ties joining members with different / equal values of ``attr``.

    Ties with a missing value at either end are in neither count.

    >>> from kith.network.model import Member, Network, Tie
    >>> ms = [Member(k, attributes={"g": g}) for k, g in [("a", "x"), ("b", "x"), ("c", "y")]]
    >>> ei_counts(Network("p", ms, [Tie("a", "b"), Tie("b", "c"), Tie("a", "c")]), "g")
    (2, 1)
    """
    value = {m.key: m.value(attr) for m in net.members}
    e = i = 0
    for t in net.ties:
        va, vb = value[t.a], value[t.b]
        if va is None or vb is None:
            continue
        if va == vb:
            i += 1
        else:
            e += 1
    return e, i


def alter_alter_ei(net: Network, attr: str, rescale: bool = False) -> float:
    r"""Alter–alter EI index of ``attr``: are ties within or across groups?

    Raw (``rescale=False``): :math:`(E - I)/(E + I)` with *E* the ties between members of
    different groups and *I* the ties within a group, over ties whose two ends both have a
    value; nan if there is no such tie (Krackhardt & Stern 1988).

    Rescaled (``rescale=True``), exactly as egor's ``EI`` (default ``rescale = TRUE``):
    counts are replaced by densities,

    .. math:: EI_s = \frac{E/P_E - I/P_I}{E/P_E + I/P_I},\quad
              P_E = \sum_{g<h} n_g n_h,\quad P_I = \sum_g \binom{n_g}{2}

    where the group sizes :math:`n_g` treat members with a missing value as one more group
    (as egor does), while ties touching such a member count neither as *E* nor as *I*.
    nan when the map has no tie, or where a ratio is 0/0 (e.g. all members in one group).

    egor's ``EI(rescale = FALSE)`` differs from the raw index: it sums per-group counts, so
    each between-group tie counts twice and it returns :math:`(2E - I)/(2E + I)`.

    >>> from kith.network.model import Member, Network, Tie
    >>> pairs = [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]
    >>> ms = [Member(k, attributes={"g": g}) for k, g in pairs]
    >>> net = Network("p", ms, [Tie("a", "b"), Tie("b", "c")])  # one I, one E tie
    >>> alter_alter_ei(net, "g"), round(alter_alter_ei(net, "g", rescale=True), 4)
    (0.0, -0.3333)
    """
    if not net.ties:
        return NAN
    e, i = ei_counts(net, attr)
    if not rescale:
        return _ratio(e - i, e + i)
    groups = Counter(values(net, attr))
    n = len(net.members)
    possible_ext = sum((n - k) * k for k in groups.values()) / 2
    possible_int = sum(k * (k - 1) / 2 for k in groups.values())
    ext = e / possible_ext if possible_ext else NAN
    int_ = i / possible_int if possible_int else NAN
    return _ratio(ext - int_, ext + int_) if not (math.isnan(ext) or math.isnan(int_)) else NAN


def alter_alter_ei_groups(net: Network, attr: str, rescale: bool = True) -> dict[str, float]:
    r"""egor's per-group EI values (``EI`` columns named after each group).

    For group *g*: :math:`E_g` ties from *g* to another (non-missing) group, :math:`I_g`
    ties inside *g*; rescaled :math:`(E_g/P_{E,g} - I_g/P_{I,g})/(E_g/P_{E,g} + I_g/P_{I,g})`
    with :math:`P_{E,g} = (n - n_g) n_g` and :math:`P_{I,g} = \binom{n_g}{2}`; raw
    :math:`(E_g - I_g)/(E_g + I_g)`. Keys are the groups present (members with a value);
    a map without ties gives ``{}`` (egor: NA).

    >>> from kith.network.model import Member, Network, Tie
    >>> pairs = [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]
    >>> ms = [Member(k, attributes={"g": g}) for k, g in pairs]
    >>> alter_alter_ei_groups(Network("p", ms, [Tie("a", "b"), Tie("b", "c")]), "g")
    {'x': -0.6, 'y': 1.0}
    """
    if not net.ties:
        return {}
    value = {m.key: m.value(attr) for m in net.members}
    groups = Counter(v for v in value.values() if v is not None)
    n = len(net.members)
    out: dict[str, float] = {}
    for g, k in sorted(groups.items()):
        e = i = 0
        for t in net.ties:
            va, vb = value[t.a], value[t.b]
            if va is None or vb is None or g not in (va, vb):
                continue
            if va == vb:
                i += 1
            else:
                e += 1
        if rescale:
            pe, pi = (n - k) * k, k * (k - 1) / 2
            ext = e / pe if pe else NAN
            int_ = i / pi if pi else NAN
            out[g] = NAN if math.isnan(ext) or math.isnan(int_) else _ratio(ext - int_, ext + int_)
        else:
            out[g] = _ratio(e - i, e + i)
    return out


def count_dyads(net: Network, attr: str) -> dict[str, int]:
    """Ties by the pair of values at their ends (egor ``count_dyads``), key ``"a_b"`` sorted.

    As in egor, a missing end is dropped from the key (a tie between ``a`` and a member with
    no value counts as ``"a"``; between two such members as ``""``). Only pairs that occur
    are keys.

    >>> from kith.network.model import Member, Network, Tie
    >>> ms = [Member(k, attributes={"g": g}) for k, g in [("a", "x"), ("b", "x"), ("c", "y")]]
    >>> count_dyads(Network("p", ms, [Tie("a", "b"), Tie("b", "c")]), "g")
    {'x_x': 1, 'x_y': 1}
    """
    value = {m.key: m.value(attr) for m in net.members}
    counts: Counter[str] = Counter()
    for t in net.ties:
        ends = sorted(v for v in (value[t.a], value[t.b]) if v is not None)
        counts["_".join(ends)] += 1
    return dict(sorted(counts.items()))


# -- structure -------------------------------------------------------------------------------


def ties(net: Network) -> int:
    """Number of ties among members *t* (each pair once)."""
    return len(net.ties)


def density(net: Network, weight: bool = False) -> float:
    r"""Density of ties among members.

    .. math:: D = \frac{t}{n(n-1)/2}

    nan for :math:`n < 2`. With ``weight=True`` the numerator is the sum of tie weights, a
    tie without weight counting 1 (egor ``ego_density(weight=)`` sums weights dropping NA,
    i.e. counts it 0). egor counts tie *rows*, so a pair listed twice counts twice there.

    >>> from kith.network.model import Member, Network, Tie
    >>> net = Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b", weight=0.5)])
    >>> round(density(net), 4), round(density(net, weight=True), 4)
    (0.3333, 0.1667)
    """
    n = len(net.members)
    if n < 2:
        return NAN
    if weight:
        total = sum(1.0 if t.weight is None else t.weight for t in net.ties)
    else:
        total = float(len(net.ties))
    return total / (n * (n - 1) / 2)


def mean_degree(net: Network) -> float:
    """Mean number of ties per member, 2t/n; nan for an empty map.

    >>> from kith.network.model import Member, Network, Tie
    >>> mean_degree(Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b")]))
    0.6666666666666666
    """
    n = len(net.members)
    return _ratio(2 * len(net.ties), n)


def _adjacency(net: Network) -> list[set[int]]:
    index = net.index()
    adj: list[set[int]] = [set() for _ in net.members]
    for t in net.ties:
        a, b = index[t.a], index[t.b]
        adj[a].add(b)
        adj[b].add(a)
    return adj


def isolates(net: Network) -> int:
    """Members with no tie to another member (the ego's tie does not count); 0 if empty.

    >>> from kith.network.model import Member, Network, Tie
    >>> isolates(Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b")]))
    1
    """
    return sum(1 for nb in _adjacency(net) if not nb)


def component_sizes(net: Network) -> list[int]:
    """Sizes of the connected components among members (ego excluded), largest first."""
    adj = _adjacency(net)
    seen = [False] * len(adj)
    sizes: list[int] = []
    for start in range(len(adj)):
        if seen[start]:
            continue
        seen[start] = True
        stack, count = [start], 0
        while stack:
            node = stack.pop()
            count += 1
            for nb in adj[node]:
                if not seen[nb]:
                    seen[nb] = True
                    stack.append(nb)
        sizes.append(count)
    return sorted(sizes, reverse=True)


def components(net: Network) -> int:
    """Connected components among members, ego excluded (an isolate is one); 0 if empty.

    >>> from kith.network.model import Member, Network, Tie
    >>> components(Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b")]))
    2
    """
    return len(component_sizes(net))


def largest_component_share(net: Network) -> float:
    """Size of the largest component divided by *n*; nan for an empty map.

    >>> from kith.network.model import Member, Network, Tie
    >>> largest_component_share(Network("p", [Member("a"), Member("b")], [Tie("a", "b")]))
    1.0
    """
    sizes = component_sizes(net)
    return _ratio(sizes[0], len(net.members)) if sizes else NAN


def effective_size(net: Network) -> float:
    r"""Burt's effective size of the ego network in Borgatti's form.

    .. math:: ES = n - \frac{2t}{n}

    (Borgatti 1997, "Structural holes: unpacking Burt's redundancy measures", *Connections*
    20(1)). nan for an empty map.

    >>> from kith.network.model import Member, Network, Tie
    >>> effective_size(Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b")]))
    2.3333333333333335
    """
    n = len(net.members)
    if n == 0:
        return NAN
    return n - 2 * len(net.ties) / n


def efficiency(net: Network) -> float:
    """Effective size divided by *n* (Burt 1992); nan for an empty map.

    >>> from kith.network.model import Member, Network
    >>> efficiency(Network("p", [Member("a"), Member("b")]))
    1.0
    """
    n = len(net.members)
    return effective_size(net) / n if n else NAN


def constraint(net: Network, weight: bool = False) -> float:
    r"""Burt's aggregate constraint of the ego, ego tied to every member.

    .. math:: C = \sum_{j} \Big(p_{ej} + \sum_{q \ne e, j} p_{eq}\, p_{qj}\Big)^2,\qquad
              p_{ij} = \frac{w_{ij}}{\sum_k w_{ik}}

    over the graph of the ego and its members, the ego joined to every member, as egor's
    ``ego_constraint`` (which calls igraph's ``constraint`` with all weights 1). Unweighted,
    every :math:`w = 1`; with ``weight=True`` member–member ties use their weight (missing =
    1) and ego–member ties 1. 1 for one member, nan for an empty map.
    Burt (1992), *Structural Holes*; Burt (2004), *AJS* 110.

    >>> from kith.network.model import Member, Network, Tie
    >>> constraint(Network("p", [Member("a"), Member("b")])), constraint(Network("p", [Member("a")]))
    (0.5, 1.0)
    """
    n = len(net.members)
    if n == 0:
        return NAN
    w = np.zeros((n + 1, n + 1))
    w[n, :n] = 1.0
    w[:n, n] = 1.0
    index = net.index()
    for t in net.ties:
        a, b = index[t.a], index[t.b]
        value = 1.0 if not weight or t.weight is None else t.weight
        w[a, b] = w[b, a] = value
    totals = w.sum(axis=1)
    p = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] != 0)
    direct = p[n, :n]
    indirect = direct @ p[:n, :n]
    return float(np.sum((direct + indirect) ** 2))


def ego_betweenness(net: Network) -> float:
    r"""Betweenness of the ego in its own network (Everett & Borgatti 2005).

    .. math:: B = \sum_{\{j,k\}:\ j \not\sim k} \frac{1}{1 + c_{jk}}

    over unordered pairs of members not tied to each other, :math:`c_{jk}` the number of
    members tied to both: the ego lies on 1 of the :math:`1 + c_{jk}` geodesics of length 2
    between them. 0 for fewer than two members. Everett, M. & Borgatti, S. P. (2005) "Ego
    network betweenness", *Social Networks* 27(1) 31–38.

    >>> from kith.network.model import Member, Network, Tie
    >>> net = Network("p", [Member("a"), Member("b"), Member("c")], [Tie("a", "b"), Tie("b", "c")])
    >>> ego_betweenness(net)  # a and c share neighbour b: 1/(1+1)
    0.5
    """
    adj = _adjacency(net)
    total = 0.0
    for j in range(len(adj)):
        for k in range(j + 1, len(adj)):
            if k not in adj[j]:
                total += 1.0 / (1 + len(adj[j] & adj[k]))
    return total


# -- practice measures -----------------------------------------------------------------------


def professionals_share(net: Network) -> float:
    """Person members whose relationship is professional / person members with a relationship.

    nan when no person member has a relationship recorded.

    >>> from kith.network.model import Member, Network
    >>> professionals_share(Network("p", [Member("a", relationship="professional"),
    ...                                   Member("b", relationship="family"), Member("c")]))
    0.5
    """
    recorded = [m for m in net.members if m.kind is Kind.PERSON and m.relationship is not None]
    return _ratio(sum(1 for m in recorded if m.is_professional), len(recorded))


def family(net: Network) -> int:
    """Person members whose relationship is family or partner (the typology's ``family``).

    >>> from kith.network.model import Member, Network
    >>> family(Network("p", [Member("a", relationship="partner"), Member("b")]))
    1
    """
    return sum(
        1 for m in net.members if m.kind is Kind.PERSON and m.relationship in FAMILY_RELATIONSHIPS
    )


def family_share(net: Network) -> float:
    """Person members who are family or partner / person members with a relationship.

    nan when no person member has a relationship recorded.

    >>> from kith.network.model import Member, Network
    >>> family_share(Network("p", [Member("a", relationship="partner"),
    ...                            Member("b", relationship="friend")]))
    0.5
    """
    recorded = [m for m in net.members if m.kind is Kind.PERSON and m.relationship is not None]
    return _ratio(sum(1 for m in recorded if m.relationship in FAMILY_RELATIONSHIPS), len(recorded))


def support_counts(net: Network) -> dict[str, int]:
    """Members giving the person each type of support (``support_received`` contains it).

    >>> from kith.network.model import Member, Network
    >>> support_counts(Network("p", [Member("a", support_received={"emotional"})]))["emotional"]
    1
    """
    return {s.value: sum(1 for m in net.members if s in m.support_received) for s in Support}


def support_any(net: Network) -> int:
    """Members giving the person any support (non-empty ``support_received``)."""
    return sum(1 for m in net.members if m.support_received)


def reciprocal_support_share(net: Network) -> float:
    """Members with support both ways / members with support either way; nan if none.

    >>> from kith.network.model import Member, Network
    >>> reciprocal_support_share(Network("p", [
    ...     Member("a", support_received={"practical"}, support_given={"emotional"}),
    ...     Member("b", support_received={"emotional"}), Member("c")]))
    0.5
    """
    either = sum(1 for m in net.members if m.support_received or m.support_given)
    both = sum(1 for m in net.members if m.support_received and m.support_given)
    return _ratio(both, either)


def weekly_contact(net: Network) -> int:
    """Members the person is in contact with daily or weekly."""
    return sum(1 for m in net.members if m.contact in WEEKLY_OR_MORE)


def places_activities(net: Network) -> int:
    """Members of kind place or activity."""
    return sum(1 for m in net.members if m.kind in (Kind.PLACE, Kind.ACTIVITY))


def wish_counts(net: Network) -> dict[str, int]:
    """Members for each wish (``more``, ``less``, ``reconnect``; ``none`` is not counted)."""
    wishes = (Wish.MORE, Wish.LESS, Wish.RECONNECT)
    return {w.value: sum(1 for m in net.members if m.wish is w) for w in wishes}


# -- the measure row -------------------------------------------------------------------------

#: Columns of :func:`measure_row` before the per-attribute (``by``) columns, in order.
BASE_COLUMNS: tuple[str, ...] = (
    "ego_id",
    "size",
    "people",
    *(f"size_{k.value}" for k in Kind),
    *(f"circle_{c}" for c in CIRCLES),
    "ties",
    "density",
    "mean_degree",
    "isolates",
    "components",
    "largest_component_share",
    "effective_size",
    "efficiency",
    "constraint",
    "ego_betweenness",
    "professionals_share",
    *(f"support_{s.value}" for s in Support),
    "support_any",
    "reciprocal_support_share",
    "weekly_contact",
    "places_activities",
    "wish_more",
    "wish_less",
    "wish_reconnect",
    "typology",
    # typology helper column (documented in docs/measures.md)
    "family",
)


def attribute_columns(attr: str, categories: Sequence[str]) -> tuple[str, ...]:
    """The ``by`` columns of one attribute, in order, for category list ``categories``."""
    return (
        f"categories_{attr}",
        f"blau_{attr}",
        f"iqv_{attr}",
        f"entropy_{attr}",
        f"ei_{attr}",
        f"match_{attr}",
        f"aa_ei_{attr}",
        f"aa_ei_rescaled_{attr}",
        *(f"share_{attr}_{c}" for c in categories),
    )


def attribute_measures(
    net: Network, attr: str, categories: Sequence[str] | None = None
) -> dict[str, RowValue]:
    """The ``by`` columns of :func:`measure_row` for one attribute."""
    comp = composition(net, attr, categories)
    names = attribute_columns(attr, comp.categories)
    vals: list[RowValue] = [
        len(comp.present),
        blau(net, attr),
        iqv(net, attr, categories),
        entropy(net, attr),
        ego_alter_ei(net, attr),
        share_matching_ego(net, attr),
        alter_alter_ei(net, attr),
        alter_alter_ei(net, attr, rescale=True),
        *(comp.shares[c] for c in comp.categories),
    ]
    return dict(zip(names, vals, strict=True))


def measure_row(
    net: Network,
    by: Mapping[str, Sequence[str] | None] | None = None,
    weight: bool = False,
) -> dict[str, RowValue]:
    """Every per-map measure as one row, in the column order of the measure table contract.

    Parameters
    ----------
    net : Network
    by : mapping of attribute name to category list (or ``None``)
        Attributes to compute composition, diversity and homophily for, in order. For a core
        field the category list is always the field's values; for a free attribute the given
        categories, or those present in this map (sorted) when ``None``.
    weight : bool
        Use tie weights for ``density`` and ``constraint`` (nothing else changes).

    Returns
    -------
    dict
        Column name → value; see :data:`BASE_COLUMNS`, :func:`attribute_columns` and
        ``docs/measures.md``. Undefined values are nan; counts are ``int``.

    Examples
    --------
    >>> from kith.network.model import Member, Network, Tie
    >>> net = Network("p1", [Member("a", relationship="family", contact="weekly"),
    ...                      Member("b", kind="place")], [Tie("a", "b")])
    >>> row = measure_row(net, by={"kind": None})
    >>> row["size"], row["density"], row["typology"], row["share_kind_place"]
    (2, 1.0, 'limited_contact', 0.5)
    """
    from kith.network.typology import classify_row

    kinds = size_by_kind(net)
    circles = size_by_circle(net)
    supports = support_counts(net)
    wishes = wish_counts(net)
    row: dict[str, RowValue] = {
        "ego_id": net.ego_id,
        "size": size(net),
        "people": people(net),
    }
    for k, count in kinds.items():
        row[f"size_{k}"] = count
    for c in CIRCLES:
        row[f"circle_{c}"] = circles[c]
    row.update(
        {
            "ties": ties(net),
            "density": density(net, weight=weight),
            "mean_degree": mean_degree(net),
            "isolates": isolates(net),
            "components": components(net),
            "largest_component_share": largest_component_share(net),
            "effective_size": effective_size(net),
            "efficiency": efficiency(net),
            "constraint": constraint(net, weight=weight),
            "ego_betweenness": ego_betweenness(net),
            "professionals_share": professionals_share(net),
        }
    )
    for s, count in supports.items():
        row[f"support_{s}"] = count
    row.update(
        {
            "support_any": support_any(net),
            "reciprocal_support_share": reciprocal_support_share(net),
            "weekly_contact": weekly_contact(net),
            "places_activities": places_activities(net),
            "wish_more": wishes["more"],
            "wish_less": wishes["less"],
            "wish_reconnect": wishes["reconnect"],
            "typology": None,
            "family": family(net),
        }
    )
    row["typology"] = classify_row(row)
    for attr, categories in (by or {}).items():
        row.update(attribute_measures(net, attr, categories))
    return row
