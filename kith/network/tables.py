"""Many maps held as three column tables (egos, alters, ties), for batch measures at scale.

A study of 100,000 interviews is too many :class:`~kith.network.model.Network` objects to build
one by one; readers of tabular formats (egor, Network Canvas CSV) fill :class:`Tables` directly
and :mod:`kith.network.batch` computes every measure from the arrays.

Layout
------
- egos: ``ego_ids`` (length E) and ``ego_attrs`` (name → :class:`Column` of length E);
- alters: ``alter_ego`` (length A, the ego's position, non-decreasing: alters are grouped by
  ego in ego order), ``alter_keys``, ``alter_attrs`` (name → :class:`Column` of length A; the
  core categorical fields ``kind``, ``relationship``, ``circle``, ``contact``, ``feeling``,
  ``wish`` use their own names) and ``support_received`` / ``support_given`` bit masks (bit i is
  ``SUPPORT_ORDER[i]``);
- ties: ``tie_src`` < ``tie_tgt`` (global alter rows of the same ego, each pair once) and
  ``tie_weight`` (``nan`` = no weight) or ``None`` when no tie has a weight.

Categorical values are stored as integer codes into a tuple of category texts (``-1`` for
missing), made with :func:`kith.network.model.category_text`, so per-map and batch measures see
the same categories.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kith.network.model import (
    CATEGORICAL_FIELDS,
    Kind,
    Member,
    Network,
    NetworkError,
    Support,
    Tie,
    category_text,
)

#: Order of the bits in the support masks.
SUPPORT_ORDER: tuple[Support, ...] = tuple(Support)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Column:
    """A categorical column: ``codes[i]`` indexes ``categories`` (``-1`` = missing)."""

    codes: npt.NDArray[np.int32]
    categories: tuple[str, ...]

    @classmethod
    def from_values(cls, values: Iterable[Any]) -> Column:
        """Factorise raw values (through :func:`category_text`) in order of first appearance."""
        lookup: dict[str, int] = {}
        codes: list[int] = []
        for raw in values:
            text = category_text(raw)
            if text is None:
                codes.append(-1)
            else:
                codes.append(lookup.setdefault(text, len(lookup)))
        return cls(np.asarray(codes, dtype=np.int32), tuple(lookup))

    @classmethod
    def missing(cls, length: int) -> Column:
        return cls(np.full(length, -1, dtype=np.int32), ())

    def value(self, i: int) -> str | None:
        code = int(self.codes[i])
        return None if code < 0 else self.categories[code]

    def take(self, rows: npt.NDArray[np.intp] | slice) -> Column:
        return Column(self.codes[rows], self.categories)

    def __len__(self) -> int:
        return len(self.codes)


def support_mask(supports: Iterable[Support]) -> int:
    mask = 0
    for s in supports:
        mask |= 1 << SUPPORT_ORDER.index(s)
    return mask


def supports_from_mask(mask: int) -> frozenset[Support]:
    return frozenset(s for i, s in enumerate(SUPPORT_ORDER) if mask & (1 << i))


@dataclass(frozen=True)
class Tables:
    """Many maps as three tables; see the module docstring for the layout."""

    ego_ids: tuple[str, ...]
    alter_ego: IntArray
    alter_keys: tuple[str, ...]
    tie_src: IntArray
    tie_tgt: IntArray
    tie_weight: FloatArray | None = None
    ego_attrs: dict[str, Column] = field(default_factory=dict)
    alter_attrs: dict[str, Column] = field(default_factory=dict)
    support_received: npt.NDArray[np.uint8] | None = None
    support_given: npt.NDArray[np.uint8] | None = None
    alter_labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        n_egos, n_alters = len(self.ego_ids), len(self.alter_keys)
        if len(self.alter_ego) != n_alters:
            raise NetworkError("tables: alter_ego and alter_keys differ in length")
        if n_alters and (
            np.any(np.diff(self.alter_ego) < 0)
            or self.alter_ego[0] < 0
            or self.alter_ego[-1] >= n_egos
        ):
            raise NetworkError("tables: alters must be grouped by ego, in ego order")
        if len(self.tie_src) != len(self.tie_tgt):
            raise NetworkError("tables: tie_src and tie_tgt differ in length")
        if len(self.tie_src):
            if np.any(self.tie_src >= self.tie_tgt):
                raise NetworkError("tables: every tie must have tie_src < tie_tgt")
            if self.tie_src.min() < 0 or self.tie_tgt.max() >= n_alters:
                raise NetworkError("tables: a tie names an alter row that does not exist")
            if np.any(self.alter_ego[self.tie_src] != self.alter_ego[self.tie_tgt]):
                raise NetworkError("tables: a tie joins alters of two different egos")
        for name, col in self.ego_attrs.items():
            if len(col) != n_egos:
                raise NetworkError(f"tables: ego attribute '{name}' has the wrong length")
        for name, col in self.alter_attrs.items():
            if len(col) != n_alters:
                raise NetworkError(f"tables: alter attribute '{name}' has the wrong length")
        if self.tie_weight is not None and len(self.tie_weight) != len(self.tie_src):
            raise NetworkError("tables: tie_weight has the wrong length")

    # -- shape -------------------------------------------------------------------------------

    @property
    def n_egos(self) -> int:
        return len(self.ego_ids)

    @property
    def n_alters(self) -> int:
        return len(self.alter_keys)

    @property
    def n_ties(self) -> int:
        return len(self.tie_src)

    def alter_offsets(self) -> IntArray:
        """``offsets[e]:offsets[e+1]`` are ego e's alter rows (length E + 1)."""
        return np.searchsorted(self.alter_ego, np.arange(self.n_egos + 1)).astype(np.int64)

    def sizes(self) -> IntArray:
        return np.bincount(self.alter_ego, minlength=self.n_egos).astype(np.int64)

    def kind_column(self) -> Column:
        """The ``kind`` column; every alter is a person where kind was not recorded."""
        col = self.alter_attrs.get("kind")
        if col is None:
            return Column(np.zeros(self.n_alters, dtype=np.int32), (Kind.PERSON.value,))
        return col

    # -- conversion ----------------------------------------------------------------------------

    @classmethod
    def from_networks(cls, networks: Sequence[Network]) -> Tables:
        """Pack maps into tables (the inverse of :meth:`to_networks`)."""
        ego_ids = tuple(n.ego_id for n in networks)
        members = [m for n in networks for m in n.members]
        alter_ego = np.repeat(
            np.arange(len(networks), dtype=np.int64), [n.size for n in networks]
        ).astype(np.int64)
        ego_names = sorted({k for n in networks for k in n.ego})
        ego_attrs = {k: Column.from_values(n.ego.get(k) for n in networks) for k in ego_names}
        alter_attrs: dict[str, Column] = {
            name: Column.from_values(m.value(name) for m in members) for name in CATEGORICAL_FIELDS
        }
        free = sorted({k for m in members for k in m.attributes} - set(CATEGORICAL_FIELDS))
        for name in free:
            alter_attrs[name] = Column.from_values(m.attributes.get(name) for m in members)
        src: list[int] = []
        tgt: list[int] = []
        weights: list[float] = []
        offset = 0
        for n in networks:
            index = n.index()
            for t in n.ties:
                i, j = index[t.a] + offset, index[t.b] + offset
                src.append(min(i, j))
                tgt.append(max(i, j))
                weights.append(np.nan if t.weight is None else t.weight)
            offset += n.size
        has_weight = any(not np.isnan(w) for w in weights)
        return cls(
            ego_ids=ego_ids,
            alter_ego=alter_ego,
            alter_keys=tuple(m.key for m in members),
            alter_labels=tuple(m.label for m in members),
            tie_src=np.asarray(src, dtype=np.int64),
            tie_tgt=np.asarray(tgt, dtype=np.int64),
            tie_weight=np.asarray(weights, dtype=np.float64) if has_weight else None,
            ego_attrs=ego_attrs,
            alter_attrs=alter_attrs,
            support_received=np.asarray(
                [support_mask(m.support_received) for m in members], dtype=np.uint8
            ),
            support_given=np.asarray(
                [support_mask(m.support_given) for m in members], dtype=np.uint8
            ),
        )

    def to_networks(self) -> list[Network]:
        """Unpack into one :class:`Network` per ego (free attributes come back as text)."""
        offsets = self.alter_offsets()
        free = [k for k in self.alter_attrs if k not in CATEGORICAL_FIELDS]
        members: list[Member] = []
        for row in range(self.n_alters):
            fields: dict[str, Any] = {
                name: self.alter_attrs[name].value(row)
                for name in CATEGORICAL_FIELDS
                if name in self.alter_attrs
            }
            if fields.get("kind") is None:
                fields["kind"] = Kind.PERSON
            members.append(
                Member(
                    key=self.alter_keys[row],
                    label=self.alter_labels[row] if self.alter_labels else "",
                    support_received=supports_from_mask(int(self.support_received[row]))
                    if self.support_received is not None
                    else frozenset(),
                    support_given=supports_from_mask(int(self.support_given[row]))
                    if self.support_given is not None
                    else frozenset(),
                    attributes={
                        k: v for k in free if (v := self.alter_attrs[k].value(row)) is not None
                    },
                    **fields,
                )
            )
        ties_by_ego: list[list[Tie]] = [[] for _ in range(self.n_egos)]
        for t in range(self.n_ties):
            s, g = int(self.tie_src[t]), int(self.tie_tgt[t])
            w = None
            if self.tie_weight is not None and not np.isnan(self.tie_weight[t]):
                w = float(self.tie_weight[t])
            ties_by_ego[int(self.alter_ego[s])].append(
                Tie(self.alter_keys[s], self.alter_keys[g], weight=w)
            )
        networks = []
        for e, ego_id in enumerate(self.ego_ids):
            ego = {k: v for k, col in self.ego_attrs.items() if (v := col.value(e)) is not None}
            networks.append(
                Network(
                    ego_id=ego_id,
                    members=tuple(members[offsets[e] : offsets[e + 1]]),
                    ties=tuple(ties_by_ego[e]),
                    ego=ego,
                )
            )
        return networks
