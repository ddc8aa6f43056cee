"""Measures for many maps at once, vectorised over the three-table form.

:func:`batch_measures` computes, for every ego of a :class:`~kith.network.tables.Tables`, the
same row that :func:`kith.network.measures.measure_row` computes for one
:class:`~kith.network.model.Network`: same columns, same order, same values (up to floating
point rounding, about 1e-15 relative). Nothing loops over maps in Python: every ego's members
are rows of one alter table, ties are edges of one block-diagonal sparse graph, and per-ego
totals are ``np.bincount`` sums. Egos are processed in chunks of many thousands, to bound
memory (the two-step path counts of ego betweenness are the largest temporary) and to report
progress.

:func:`per_map_measures` is the slow, readable reference path: it loops
:func:`~kith.network.measures.measure_row` over maps. Tests check that both agree.

Examples
--------
>>> from kith.network.model import Member, Network, Tie
>>> from kith.network.tables import Tables
>>> net = Network("p1", [Member("a"), Member("b"), Member("c")], [Tie("a", "b")])
>>> cols = batch_measures(Tables.from_networks([net]))
>>> int(cols["size"][0]), int(cols["ties"][0]), round(float(cols["density"][0]), 4)
(3, 1, 0.3333)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from kith.network.model import (
    CATEGORICAL_FIELDS,
    Contact,
    Kind,
    Network,
    Relationship,
    Support,
    Wish,
    category_text,
)
from kith.network.tables import SUPPORT_ORDER, Column, Tables

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]
Row = dict[str, float | int | str | None]
By = Sequence[str] | Mapping[str, Sequence[str] | None]

#: Egos per chunk: large enough that per-chunk overhead is negligible, small enough that the
#: temporaries (two-step path counts) stay well under a few hundred megabytes.
DEFAULT_CHUNK = 20_000

_KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
_SUPPORTS: tuple[str, ...] = tuple(s.value for s in Support)
_WISHES: tuple[str, ...] = ("more", "less", "reconnect")

#: Type of every column that can come before the ``by`` columns. Their order (and which of
#: the typology's helper columns are present) is :data:`kith.network.measures.BASE_COLUMNS`.
_BASE_TYPES: dict[str, str] = {
    "ego_id": "text",
    "size": "int",
    "people": "int",
    **{f"size_{k}": "int" for k in _KINDS},
    "circle_1": "int",
    "circle_2": "int",
    "circle_3": "int",
    "ties": "int",
    "density": "float",
    "mean_degree": "float",
    "isolates": "int",
    "components": "int",
    "largest_component_share": "float",
    "effective_size": "float",
    "efficiency": "float",
    "constraint": "float",
    "ego_betweenness": "float",
    "professionals_share": "float",
    **{f"support_{s}": "int" for s in _SUPPORTS},
    "support_any": "int",
    "reciprocal_support_share": "float",
    "weekly_contact": "int",
    "places_activities": "int",
    **{f"wish_{w}": "int" for w in _WISHES},
    "typology": "text",
    # helper columns the typology rules may use
    "family": "int",
    "family_share": "float",
    "weekly_share": "float",
}


def _base_columns() -> list[tuple[str, str]]:
    from kith.network.measures import BASE_COLUMNS

    unknown = [c for c in BASE_COLUMNS if c not in _BASE_TYPES]
    if unknown:
        raise NotImplementedError(
            f"batch measures: no vectorised form of column(s) {', '.join(unknown)}"
        )
    return [(c, _BASE_TYPES[c]) for c in BASE_COLUMNS]


_BY_STATS: tuple[tuple[str, str], ...] = (
    ("categories", "int"),
    ("blau", "float"),
    ("iqv", "float"),
    ("entropy", "float"),
    ("ei", "float"),
    ("match", "float"),
    ("aa_ei", "float"),
    ("aa_ei_rescaled", "float"),
)


@dataclass(frozen=True)
class _Attr:
    """One ``by`` attribute resolved against the tables."""

    name: str
    categories: tuple[str, ...]  # K, in column order
    codes: npt.NDArray[np.int64]  # per alter: index into ``categories``, -1 missing or not in K
    values: npt.NDArray[np.int64]  # per alter: category id over all values seen, -1 missing
    n_values: int
    ego_values: npt.NDArray[np.int64]  # per ego: the same ids as ``values``, -1 missing


# -- resolving columns ------------------------------------------------------------------------


def _by_items(by: By) -> list[tuple[str, Sequence[str] | None]]:
    if isinstance(by, Mapping):
        return [(str(k), v) for k, v in by.items()]
    if isinstance(by, str):
        return [(by, None)]
    return [(str(k), None) for k in by]


def _alter_column(tables: Tables, name: str) -> Column:
    if name == "kind":
        return tables.kind_column()
    col = tables.alter_attrs.get(name)
    return col if col is not None else Column.missing(tables.n_alters)


def _seen_categories(col: Column) -> tuple[str, ...]:
    present = np.unique(col.codes[col.codes >= 0])
    return tuple(sorted(col.categories[int(c)] for c in present))


def _category_list(tables: Tables, name: str, given: Sequence[str] | None) -> tuple[str, ...]:
    if name in CATEGORICAL_FIELDS:
        return CATEGORICAL_FIELDS[name]
    if given is None:
        return _seen_categories(_alter_column(tables, name))
    out: list[str] = []
    for c in given:
        text = category_text(c)
        if text is not None and text not in out:
            out.append(text)
    return tuple(out)


def _recode(col: Column, order: Sequence[str]) -> npt.NDArray[np.int64]:
    """Per row, the position of the row's category text in ``order`` (-1 missing / absent)."""
    position = {text: i for i, text in enumerate(order)}
    table = np.array([position.get(c, -1) for c in col.categories] + [-1], dtype=np.int64)
    # codes of -1 index the trailing -1
    return table[col.codes.astype(np.int64)]


def _resolve_attr(tables: Tables, name: str, given: Sequence[str] | None) -> _Attr:
    col = _alter_column(tables, name)
    categories = _category_list(tables, name, given)
    # one id space for alter and ego values, matched by category text
    ego_col = tables.ego_attrs.get(name)
    universe: dict[str, int] = {}
    for text in col.categories:
        universe.setdefault(text, len(universe))
    if ego_col is not None:
        for text in ego_col.categories:
            universe.setdefault(text, len(universe))
    ids = list(universe)
    values = _recode(col, ids)
    if ego_col is not None:
        ego_values = _recode(ego_col, ids)
    else:
        ego_values = np.full(tables.n_egos, -1, dtype=np.int64)
    return _Attr(
        name=name,
        categories=categories,
        codes=_recode(col, categories),
        values=values,
        n_values=max(len(ids), 1),
        ego_values=ego_values,
    )


def _column_types(attrs: Sequence[tuple[str, tuple[str, ...]]]) -> list[tuple[str, str]]:
    out = _base_columns()
    for name, categories in attrs:
        out.extend((f"{stat}_{name}", kind) for stat, kind in _BY_STATS)
        out.extend((f"share_{name}_{c}", "float") for c in categories)
    return out


def measure_columns(tables: Tables, by: By = ()) -> list[str]:
    """The column names of :func:`batch_measures`, in order.

    Parameters
    ----------
    tables : Tables
        The maps (needed to list the categories of free attributes given without a list).
    by : sequence of str or mapping of str to category list or None
        Attributes for composition and homophily columns (see :func:`batch_measures`).
    """
    attrs = [(name, _category_list(tables, name, given)) for name, given in _by_items(by)]
    return [name for name, _ in _column_types(attrs)]


# -- the computation --------------------------------------------------------------------------


def _per_ego(ego: npt.NDArray[np.int64], n_egos: int, weights: Any = None) -> np.ndarray[Any, Any]:
    """Per-ego sums of ``weights`` (counts without), ``ego`` giving each item's ego."""
    return np.bincount(ego, weights=weights, minlength=n_egos)


def _ratio(num: npt.ArrayLike, den: npt.ArrayLike) -> FloatArray:
    """``num / den`` as float, ``nan`` where ``den`` is 0."""
    num_f = np.asarray(num, dtype=np.float64)
    den_f = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num_f, den_f).shape, np.nan)
    np.divide(num_f, den_f, out=out, where=den_f != 0)
    return out


@dataclass(frozen=True)
class _Prepared:
    """Per-alter and per-tie arrays shared by all chunks."""

    kind: npt.NDArray[np.int64]
    circle: npt.NDArray[np.int64]
    relationship: npt.NDArray[np.int64]
    contact: npt.NDArray[np.int64]
    wish: npt.NDArray[np.int64]
    received: npt.NDArray[np.uint8]
    given: npt.NDArray[np.uint8]
    tie_order: npt.NDArray[np.int64] | None  # ties sorted by ego, if not already
    tie_offsets: IntArray  # per ego, start of its ties in (sorted) tie order
    alter_offsets: IntArray


def _prepare(tables: Tables) -> _Prepared:
    kind = _recode(tables.kind_column(), _KINDS)
    kind[kind < 0] = 0  # unrecorded kind is a person, as in the model
    zeros = np.zeros(tables.n_alters, dtype=np.uint8)
    tie_ego = tables.alter_ego[tables.tie_src]
    order: npt.NDArray[np.int64] | None = None
    if tie_ego.size and np.any(np.diff(tie_ego) < 0):
        order = np.argsort(tie_ego, kind="stable").astype(np.int64)
        tie_ego = tie_ego[order]
    return _Prepared(
        kind=kind,
        circle=_recode(_alter_column(tables, "circle"), CATEGORICAL_FIELDS["circle"]),
        relationship=_recode(
            _alter_column(tables, "relationship"), CATEGORICAL_FIELDS["relationship"]
        ),
        contact=_recode(_alter_column(tables, "contact"), CATEGORICAL_FIELDS["contact"]),
        wish=_recode(_alter_column(tables, "wish"), CATEGORICAL_FIELDS["wish"]),
        received=tables.support_received if tables.support_received is not None else zeros,
        given=tables.support_given if tables.support_given is not None else zeros,
        tie_order=order,
        tie_offsets=np.searchsorted(tie_ego, np.arange(tables.n_egos + 1)).astype(np.int64),
        alter_offsets=tables.alter_offsets(),
    )


def _structure(
    n: IntArray,
    ego: IntArray,
    src: IntArray,
    tgt: IntArray,
    w: FloatArray,
    weight: bool,
    out: dict[str, Any],
) -> None:
    """Tie-based columns for one chunk (alters and ties renumbered from 0)."""
    n_egos, n_alters = len(n), len(ego)
    tie_ego = ego[src]
    t = _per_ego(tie_ego, n_egos).astype(np.int64)
    pairs = n * (n - 1) // 2
    nf = n.astype(np.float64)
    out["ties"] = t
    if weight:
        out["density"] = _ratio(_per_ego(tie_ego, n_egos, w), pairs)
    else:
        out["density"] = _ratio(t, pairs)
    mean_degree = _ratio(2 * t, n)
    out["mean_degree"] = mean_degree

    degree = np.bincount(src, minlength=n_alters) + np.bincount(tgt, minlength=n_alters)
    out["isolates"] = _per_ego(ego[degree == 0], n_egos).astype(np.int64)

    # counts fit in int32 unless a map has a million members
    small = n_egos == 0 or int(n.max()) < (1 << 20)
    dtype = np.int32 if small else np.int64
    ones = np.ones(len(src), dtype=dtype)
    adj = sp.csr_matrix((ones, (src, tgt)), shape=(n_alters, n_alters))
    adj = (adj + adj.T).tocsr()
    n_comp, labels = connected_components(adj, directed=False)
    comp_ego = np.zeros(n_comp, dtype=np.int64)
    comp_ego[labels] = ego
    out["components"] = _per_ego(comp_ego, n_egos).astype(np.int64)
    comp_size = np.bincount(labels, minlength=n_comp)
    largest = np.zeros(n_egos, dtype=np.int64)
    np.maximum.at(largest, comp_ego, comp_size)
    out["largest_component_share"] = _ratio(largest, n)

    effective = np.where(n > 0, nf - np.nan_to_num(mean_degree), np.nan)
    out["effective_size"] = effective
    out["efficiency"] = _ratio(effective, n)

    # Burt's constraint of ego joined to every member (weight 1 for ego–member ties):
    # c = (1/n²) Σ_j (1 + Σ_{q~j} w_qj / (1 + W_q)), W_q = Σ_k w_qk.
    tw = w if weight else np.ones(len(src))
    strength = np.bincount(src, tw, minlength=n_alters) + np.bincount(tgt, tw, minlength=n_alters)
    # a member whose total is 0 (negative weights) has p = 0, as in measures.constraint
    total = 1.0 + strength
    inverse = np.divide(1.0, total, out=np.zeros_like(total), where=total != 0)
    s = np.bincount(src, tw * inverse[tgt], minlength=n_alters) + np.bincount(
        tgt, tw * inverse[src], minlength=n_alters
    )
    out["constraint"] = _ratio(_per_ego(ego, n_egos, (1.0 + s) ** 2), nf * nf)

    # Ego betweenness: Σ over non-adjacent pairs {j, k} of 1 / (1 + c_jk). Pairs without a
    # common neighbour give 1 each; the others come from the two-step counts A @ A, with
    # adjacent pairs marked by a large number: adj @ (adj + big I) = A² + big A.
    big = dtype(1 << 20) if small else dtype(1 << 40)
    marked = (adj + sp.identity(n_alters, dtype=dtype, format="csr") * big).tocsr()
    two_step = (adj @ marked).tocoo()
    keep = (two_step.row < two_step.col) & (two_step.data < big)
    common = two_step.data[keep].astype(np.float64)
    pair_ego = ego[two_step.row[keep]]
    with_common = _per_ego(pair_ego, n_egos)
    out["ego_betweenness"] = (pairs - t - with_common).astype(np.float64) + _per_ego(
        pair_ego, n_egos, 1.0 / (1.0 + common)
    )


def _composition(
    n: IntArray, ego: IntArray, lo: int, hi: int, prep: _Prepared, out: dict[str, Any]
) -> None:
    n_egos = len(n)

    def count(mask: npt.NDArray[np.bool_]) -> IntArray:
        return _per_ego(ego[mask], n_egos).astype(np.int64)

    kind = prep.kind[lo:hi]
    kind_counts = np.bincount(ego * len(_KINDS) + kind, minlength=n_egos * len(_KINDS))
    kind_counts = kind_counts.reshape(n_egos, len(_KINDS)).astype(np.int64)
    out["size"] = n
    out["people"] = kind_counts[:, 0].copy()
    for i, k in enumerate(_KINDS):
        out[f"size_{k}"] = kind_counts[:, i].copy()
    circle = prep.circle[lo:hi]
    for i in range(3):
        out[f"circle_{i + 1}"] = count(circle == i)

    person = kind == 0
    relationship = prep.relationship[lo:hi]
    professional = _KIND_INDEX_RELATIONSHIP_PRO
    recorded = count(person & (relationship >= 0))
    out["professionals_share"] = _ratio(count(person & (relationship == professional)), recorded)
    family = person & (
        (relationship == _RELATIONSHIP_FAMILY) | (relationship == _RELATIONSHIP_PARTNER)
    )
    out["family"] = count(family)
    out["family_share"] = _ratio(count(family), recorded)
    received, given = prep.received[lo:hi], prep.given[lo:hi]
    for i, s in enumerate(SUPPORT_ORDER):
        out[f"support_{s.value}"] = count((received & (1 << i)) != 0)
    out["support_any"] = count(received != 0)
    out["reciprocal_support_share"] = _ratio(
        count((received != 0) & (given != 0)), count((received != 0) | (given != 0))
    )
    contact = prep.contact[lo:hi]
    weekly = count((contact == _CONTACT_DAILY) | (contact == _CONTACT_WEEKLY))
    out["weekly_contact"] = weekly
    out["weekly_share"] = _ratio(weekly, count(contact >= 0))
    out["places_activities"] = (
        kind_counts[:, _KINDS.index("place")] + kind_counts[:, _KINDS.index("activity")]
    )
    wish = prep.wish[lo:hi]
    for w in _WISHES:
        out[f"wish_{w}"] = count(wish == _WISH_INDEX[w])


_KIND_INDEX_RELATIONSHIP_PRO = CATEGORICAL_FIELDS["relationship"].index(
    Relationship.PROFESSIONAL.value
)
_RELATIONSHIP_FAMILY = CATEGORICAL_FIELDS["relationship"].index(Relationship.FAMILY.value)
_RELATIONSHIP_PARTNER = CATEGORICAL_FIELDS["relationship"].index(Relationship.PARTNER.value)
_CONTACT_DAILY = CATEGORICAL_FIELDS["contact"].index(Contact.DAILY.value)
_CONTACT_WEEKLY = CATEGORICAL_FIELDS["contact"].index(Contact.WEEKLY.value)
_WISH_INDEX = {w.value: i for i, w in enumerate(Wish)}


def _by_columns(
    n: IntArray,
    ego: IntArray,
    e_lo: int,
    lo: int,
    hi: int,
    src: IntArray,
    tgt: IntArray,
    attr: _Attr,
    out: dict[str, Any],
) -> None:
    n_egos = len(n)
    name = attr.name
    values = attr.values[lo:hi]
    has = values >= 0
    ego_has = ego[has]
    m = _per_ego(ego_has, n_egos)  # members with a value
    # distinct (ego, value) pairs and their counts
    key = np.sort(ego_has * np.int64(attr.n_values) + values[has])
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
    counts = np.diff(np.r_[starts, key.size]).astype(np.float64)
    group_ego = key[starts] // attr.n_values if key.size else key
    out[f"categories_{name}"] = _per_ego(group_ego, n_egos).astype(np.int64)
    mf = m.astype(np.float64)
    p = counts / mf[group_ego] if key.size else counts
    blau = np.where(m > 0, 1.0 - _per_ego(group_ego, n_egos, p * p), np.nan)
    out[f"blau_{name}"] = blau
    k = len(attr.categories)
    out[f"iqv_{name}"] = blau / (1.0 - 1.0 / k) if k >= 2 else np.full(n_egos, np.nan)
    out[f"entropy_{name}"] = np.where(
        m > 0, -_per_ego(group_ego, n_egos, p * np.log2(p)) + 0.0, np.nan
    )

    ego_value = attr.ego_values[e_lo : e_lo + n_egos]
    same = has & (values == ego_value[ego])
    internal = _per_ego(ego[same], n_egos)
    valid = (ego_value >= 0) & (m > 0)
    out[f"ei_{name}"] = np.where(valid, _ratio(m - 2 * internal, m), np.nan)
    out[f"match_{name}"] = np.where(valid, _ratio(internal, m), np.nan)

    both = has[src] & has[tgt]
    tie_ego = ego[src[both]]
    equal = values[src[both]] == values[tgt[both]]
    aa_internal = _per_ego(tie_ego[equal], n_egos)
    aa_total = _per_ego(tie_ego, n_egos)
    out[f"aa_ei_{name}"] = _ratio(aa_total - 2 * aa_internal, aa_total)
    out[f"aa_ei_rescaled_{name}"] = _rescaled_ei(
        n, ego, values, key, starts, counts, group_ego, aa_total - aa_internal, aa_internal
    )

    codes = attr.codes[lo:hi]
    in_k = codes >= 0
    share = np.bincount(ego[in_k] * max(k, 1) + codes[in_k], minlength=n_egos * max(k, 1))
    share = share.reshape(n_egos, max(k, 1))
    for i, c in enumerate(attr.categories):
        out[f"share_{name}_{c}"] = _ratio(share[:, i], n)


def _rescaled_ei(
    n: IntArray,
    ego: IntArray,
    values: IntArray,
    key: IntArray,
    starts: IntArray,
    counts: FloatArray,
    group_ego: IntArray,
    external: FloatArray,
    internal: FloatArray,
) -> FloatArray:
    """egor's rescaled alter–alter EI: (E/PE − I/PI) / (E/PE + I/PI).

    PE and PI are the possible external and internal pairs when members are grouped by value,
    members with a missing value forming a group of their own (as egor's ``EI`` does).
    """
    n_egos = len(n)
    nf = n.astype(np.float64)
    missing = _per_ego(ego[values < 0], n_egos).astype(np.float64)
    sq = _per_ego(group_ego, n_egos, counts * counts) + missing * missing
    internal_pairs = (sq - nf) / 2.0
    external_pairs = (nf * nf - sq) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.asarray(external, dtype=np.float64) / external_pairs
        i = np.asarray(internal, dtype=np.float64) / internal_pairs
        result: FloatArray = (e - i) / (e + i)
    result[~np.isfinite(result)] = np.nan
    return result


def _chunks(tables: Tables, chunk: int) -> Iterator[tuple[int, int]]:
    for lo in range(0, tables.n_egos, max(chunk, 1)):
        yield lo, min(lo + chunk, tables.n_egos)


def batch_measures(
    tables: Tables,
    by: By = (),
    weight: bool = False,
    progress: Callable[[int, int], None] | None = None,
    *,
    chunk: int = DEFAULT_CHUNK,
) -> dict[str, np.ndarray[Any, Any]]:
    """Every per-map measure for every ego, as columns.

    The result equals, row by row, :func:`kith.network.measures.measure_row` applied to each
    map of ``tables.to_networks()`` (see that function for the definition of every column).

    Parameters
    ----------
    tables : Tables
        The maps.
    by : sequence of str or mapping of str to category list or None
        Attributes for composition and homophily columns (``categories_<attr>``, ``blau_``,
        ``iqv_``, ``entropy_``, ``ei_``, ``match_``, ``aa_ei_``, ``aa_ei_rescaled_`` and one
        ``share_<attr>_<category>`` per category). Core fields (``kind``, ``relationship``,
        ``circle``, ``contact``, ``feeling``, ``wish``) always use their own category list; a
        free attribute uses the list given, or with ``None`` (or a plain sequence of names)
        every category seen in ``tables``, sorted.
    weight : bool
        Use tie weights (missing weight counts 1) for density and constraint.
    progress : callable, optional
        Called as ``progress(done, total)`` (egos) after each chunk.
    chunk : int
        Egos per chunk.

    Returns
    -------
    dict of str to numpy.ndarray
        Column name → array of length ``tables.n_egos``: ``int64`` for counts, ``float64``
        (``nan`` = undefined) for the rest, ``object`` for ``ego_id`` and ``typology``.

    Examples
    --------
    >>> from kith.network.model import Member, Network, Tie
    >>> star = Network("s", [Member(k) for k in "abcd"], [Tie("a", k) for k in "bcd"])
    >>> cols = batch_measures(Tables.from_networks([star]))
    >>> float(cols["ego_betweenness"][0]), float(cols["effective_size"][0])
    (1.5, 2.5)
    """
    attrs = [_resolve_attr(tables, name, given) for name, given in _by_items(by)]
    types = _column_types([(a.name, a.categories) for a in attrs])
    n_egos = tables.n_egos
    result: dict[str, np.ndarray[Any, Any]] = {}
    for name, kind in types:
        if kind == "int":
            result[name] = np.zeros(n_egos, dtype=np.int64)
        elif kind == "float":
            result[name] = np.full(n_egos, np.nan)
        else:
            result[name] = np.full(n_egos, None, dtype=object)
    result["ego_id"][:] = tables.ego_ids

    prep = _prepare(tables)
    weights_all = tables.tie_weight
    for e_lo, e_hi in _chunks(tables, chunk):
        lo, hi = int(prep.alter_offsets[e_lo]), int(prep.alter_offsets[e_hi])
        t_lo, t_hi = int(prep.tie_offsets[e_lo]), int(prep.tie_offsets[e_hi])
        rows = slice(t_lo, t_hi) if prep.tie_order is None else prep.tie_order[t_lo:t_hi]
        src = tables.tie_src[rows] - lo
        tgt = tables.tie_tgt[rows] - lo
        w = np.ones(len(src)) if weights_all is None else np.nan_to_num(weights_all[rows], nan=1.0)
        ego = tables.alter_ego[lo:hi] - e_lo
        n = np.bincount(ego, minlength=e_hi - e_lo).astype(np.int64)
        out: dict[str, Any] = {}
        _composition(n, ego, lo, hi, prep, out)
        _structure(n, ego, src, tgt, w, weight, out)
        for attr in attrs:
            _by_columns(n, ego, e_lo, lo, hi, src, tgt, attr, out)
        for name, values in out.items():
            if name in result:  # helper columns the typology does not use are dropped
                result[name][e_lo:e_hi] = values
        if progress is not None:
            progress(e_hi, n_egos)
    result["typology"] = _typology(result)
    return result


def _typology(columns: Mapping[str, np.ndarray[Any, Any]]) -> ObjArray:
    from kith.network.typology import classify_columns

    return np.asarray(classify_columns(columns), dtype=object)


def batch_rows(tables: Tables, by: By = (), weight: bool = False, **kwargs: Any) -> Iterator[Row]:
    """One dict per map (the same as :func:`~kith.network.measures.measure_row`), in ego order."""
    columns = batch_measures(tables, by=by, weight=weight, **kwargs)
    lists = {name: values.tolist() for name, values in columns.items()}
    names = list(lists)
    for i in range(tables.n_egos):
        yield {name: lists[name][i] for name in names}


# -- the reference path ------------------------------------------------------------------------


def _global_by(networks: Sequence[Network], by: By) -> dict[str, Sequence[str] | None]:
    """``by`` with the category list of free attributes fixed over all maps (as in batch)."""
    out: dict[str, Sequence[str] | None] = {}
    for name, given in _by_items(by):
        if name in CATEGORICAL_FIELDS or given is not None:
            out[name] = given
            continue
        seen = {v for net in networks for m in net.members if (v := m.value(name)) is not None}
        out[name] = sorted(seen)
    return out


def per_map_measures(
    networks: Sequence[Network], by: By = (), weight: bool = False
) -> dict[str, np.ndarray[Any, Any]]:
    """The columns of :func:`batch_measures`, computed by looping ``measure_row`` over maps.

    Slow and simple: the reference the batch path is tested against. Free attributes given
    without a category list get every category seen in ``networks``, sorted, as in batch.
    """
    from kith.network.measures import measure_row

    fixed = _global_by(networks, by)
    rows = [measure_row(net, by=fixed, weight=weight) for net in networks]
    names = list(rows[0]) if rows else measure_columns(Tables.from_networks([]), fixed)
    out: dict[str, np.ndarray[Any, Any]] = {}
    for name in names:
        values = [row[name] for row in rows]
        if any(isinstance(v, str) for v in values) or name in ("ego_id", "typology"):
            out[name] = np.asarray(values, dtype=object)
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out[name] = np.asarray(values, dtype=np.int64)
        else:
            out[name] = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    return out
