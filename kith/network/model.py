"""The ego-network model: one :class:`Network` is one map of one person.

A map has ego attributes, members (the *alters* of network research) and ties between members.
Everything is validated on construction, so a :class:`Network` that exists is a valid one:
invalid values raise :class:`NetworkError` naming the member and the field.

Research data (egor tables, Network Canvas exports) carry alters with arbitrary attributes and
none of Kith's practice fields; those fields are therefore optional (``None`` = not recorded),
except ``kind``, which defaults to ``person``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar


class NetworkError(ValueError):
    """A value in a map is not valid. The message names the member or tie and the field."""


class Kind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    PLACE = "place"
    ACTIVITY = "activity"
    PET = "pet"
    SERVICE = "service"
    ONLINE = "online"
    THING = "thing"


class Relationship(StrEnum):
    FAMILY = "family"
    PARTNER = "partner"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    COLLEAGUE = "colleague"
    PEER = "peer"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Contact(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    LESS = "less"
    NEVER = "never"


class Support(StrEnum):
    EMOTIONAL = "emotional"
    PRACTICAL = "practical"
    INFORMATION = "information"
    COMPANIONSHIP = "companionship"


class Feeling(StrEnum):
    POSITIVE = "positive"
    MIXED = "mixed"
    NEGATIVE = "negative"


class Wish(StrEnum):
    NONE = "none"
    MORE = "more"
    LESS = "less"
    RECONNECT = "reconnect"


#: Circles: 1 is closest and most important, 3 the outer circle.
CIRCLES: tuple[int, ...] = (1, 2, 3)

#: Kinds of member for which ``relationship`` applies (a place has no relationship to the person).
RELATIONSHIP_KINDS: frozenset[Kind] = frozenset(
    {Kind.PERSON, Kind.GROUP, Kind.SERVICE, Kind.ONLINE}
)

#: Kinds of member that can be linked to a community asset.
ASSET_KINDS: frozenset[Kind] = frozenset({Kind.PLACE, Kind.ACTIVITY, Kind.GROUP, Kind.SERVICE})

#: Contact frequencies counted as "weekly or more".
WEEKLY_OR_MORE: frozenset[Contact] = frozenset({Contact.DAILY, Contact.WEEKLY})

#: The member fields that are categorical and can be used wherever an attribute name is asked for.
CATEGORICAL_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": tuple(k.value for k in Kind),
    "relationship": tuple(r.value for r in Relationship),
    "circle": tuple(str(c) for c in CIRCLES),
    "contact": tuple(c.value for c in Contact),
    "feeling": tuple(f.value for f in Feeling),
    "wish": tuple(w.value for w in Wish),
}

AttributeValue = str | int | float | bool | None
E = TypeVar("E", bound=StrEnum)


def category_text(value: Any) -> str | None:
    """The canonical text of a categorical value; ``None`` for missing.

    Missing is ``None``, ``nan``, ``""`` or R's ``"NA"``. Booleans become ``"true"``/``"false"``,
    whole floats lose their ``.0`` (``2.0`` → ``"2"``, as R writes numeric codes), enums their
    value, everything else ``str``. Per-map and batch measures both go through this function,
    so both see the same categories.

    >>> category_text(2.0), category_text("NA"), category_text(True), category_text(" f ")
    ('2', None, 'true', 'f')
    """
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    if text == "" or text == "NA":
        return None
    return text


def _enum_value(
    enum: type[E], value: Any, where: str, field_name: str, *, optional: bool
) -> E | None:
    if value is None or value == "":
        if optional:
            return None
        raise NetworkError(f"{where}: field '{field_name}' is required")
    if isinstance(value, enum):
        return value
    text = str(value).strip().lower()
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise NetworkError(
            f"{where}: field '{field_name}' is {value!r}; expected one of {allowed}"
        ) from None


def _support_set(value: Any, where: str, field_name: str) -> frozenset[Support]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        items: Iterable[Any] = [v for v in value.replace(";", ",").split(",") if v.strip()]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise NetworkError(
            f"{where}: field '{field_name}' is {value!r}; expected a set of support types"
        )
    out = set()
    for item in items:
        support = _enum_value(Support, item, where, field_name, optional=False)
        assert support is not None
        out.add(support)
    return frozenset(out)


def _check_attributes(attributes: Mapping[str, Any], where: str) -> Mapping[str, AttributeValue]:
    clean: dict[str, AttributeValue] = {}
    for name, value in attributes.items():
        if not isinstance(name, str) or not name:
            raise NetworkError(f"{where}: attribute name {name!r} must be a non-empty string")
        if isinstance(value, float) and math.isnan(value):
            value = None
        if value is not None and not isinstance(value, str | int | float | bool):
            raise NetworkError(
                f"{where}: attribute '{name}' is {type(value).__name__}; "
                "expected text, a number, true/false or empty"
            )
        clean[name] = value
    return MappingProxyType(clean)


@dataclass(frozen=True, slots=True)
class Member:
    """Anything on a map: a person, group, place, activity, pet, service, online space or thing.

    ``key`` is stable across a person's maps so that change can be followed.
    Values given as text are normalised (``"Weekly"`` becomes :attr:`Contact.WEEKLY`).
    """

    key: str
    label: str = ""
    kind: Kind = Kind.PERSON
    relationship: Relationship | None = None
    circle: int | None = None
    contact: Contact | None = None
    support_received: frozenset[Support] = frozenset()
    support_given: frozenset[Support] = frozenset()
    feeling: Feeling | None = None
    wish: Wish | None = None
    asset_id: str | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.strip():
            raise NetworkError(f"member {self.key!r}: field 'key' must be non-empty text")
        where = f"member '{self.key}'"
        if not isinstance(self.label, str):
            raise NetworkError(f"{where}: field 'label' must be text")
        set_ = object.__setattr__
        kind = _enum_value(Kind, self.kind, where, "kind", optional=False)
        set_(self, "kind", kind)
        relationship = _enum_value(
            Relationship, self.relationship, where, "relationship", optional=True
        )
        if relationship is not None and kind not in RELATIONSHIP_KINDS:
            raise NetworkError(
                f"{where}: field 'relationship' does not apply to a member of kind '{kind}'"
            )
        set_(self, "relationship", relationship)
        set_(self, "circle", _circle(self.circle, where))
        set_(self, "contact", _enum_value(Contact, self.contact, where, "contact", optional=True))
        set_(
            self, "support_received", _support_set(self.support_received, where, "support_received")
        )
        set_(self, "support_given", _support_set(self.support_given, where, "support_given"))
        set_(self, "feeling", _enum_value(Feeling, self.feeling, where, "feeling", optional=True))
        set_(self, "wish", _enum_value(Wish, self.wish, where, "wish", optional=True))
        if self.asset_id is not None:
            asset = str(self.asset_id).strip()
            if asset and kind not in ASSET_KINDS:
                raise NetworkError(
                    f"{where}: field 'asset_id' applies only to kinds "
                    f"{', '.join(sorted(ASSET_KINDS))}, not '{kind}'"
                )
            set_(self, "asset_id", asset or None)
        set_(self, "attributes", _check_attributes(self.attributes, where))

    @property
    def is_person(self) -> bool:
        return self.kind is Kind.PERSON

    @property
    def is_professional(self) -> bool:
        return self.kind is Kind.PERSON and self.relationship is Relationship.PROFESSIONAL

    def value(self, name: str) -> str | None:
        """The category of field or free attribute ``name`` as text (``None`` if missing).

        Core fields and free attributes alike come back through :func:`category_text`
        (``circle`` as ``"1"``, an attribute ``2.0`` as ``"2"``), so that every attribute is
        treated the same way by the composition and homophily measures, per map and in batch.
        """
        if name in CATEGORICAL_FIELDS:
            return category_text(getattr(self, name))
        return category_text(self.attributes.get(name))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (sets as sorted lists)."""
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind.value,
            "relationship": self.relationship.value if self.relationship else None,
            "circle": self.circle,
            "contact": self.contact.value if self.contact else None,
            "support_received": sorted(s.value for s in self.support_received),
            "support_given": sorted(s.value for s in self.support_given),
            "feeling": self.feeling.value if self.feeling else None,
            "wish": self.wish.value if self.wish else None,
            "asset_id": self.asset_id,
            "attributes": dict(self.attributes),
        }


def _circle(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        circle = int(value)
        if circle != float(value):
            raise ValueError
    except (TypeError, ValueError):
        circle = 0
    if circle not in CIRCLES:
        raise NetworkError(f"{where}: field 'circle' is {value!r}; expected 1, 2 or 3")
    return circle


@dataclass(frozen=True, slots=True)
class Tie:
    """An undirected link between two members: they know each other or go together.

    ``a`` and ``b`` are member keys, stored in sorted order so that a tie equals its reverse.
    ``weight`` is optional (``None`` = unweighted); it must be a finite number when given.
    """

    a: str
    b: str
    weight: float | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        a, b = str(self.a), str(self.b)
        where = f"tie '{a}'–'{b}'"
        if a == b:
            raise NetworkError(f"{where}: a member cannot be tied to itself")
        if a > b:
            a, b = b, a
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)
        if self.weight is not None:
            try:
                weight = float(self.weight)
            except (TypeError, ValueError):
                raise NetworkError(
                    f"{where}: field 'weight' is {self.weight!r}; expected a number"
                ) from None
            if not math.isfinite(weight):
                raise NetworkError(f"{where}: field 'weight' must be a finite number")
            object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "attributes", _check_attributes(self.attributes, where))

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "weight": self.weight,
            "attributes": dict(self.attributes),
        }


@dataclass(frozen=True, slots=True)
class Network:
    """One map: a person's (the ego's) members and the ties between them.

    Parameters
    ----------
    ego_id : str
        Identifier of the map's ego (a person, or an interview in research data).
    members : iterable of Member
        Keys must be unique.
    ties : iterable of Tie
        Both ends must be members; one tie per pair (the reverse of a tie is the same tie).
    ego : mapping
        Ego attributes (for ego–alter homophily and reports).
    map_id : str, optional
        Identifier of this map when a person has several.
    date : str, optional
        ISO date the map was made.

    Examples
    --------
    >>> members = [Member("a", kind="person"), Member("b", kind="place")]
    >>> net = Network("p1", members, [Tie("a", "b")])
    >>> net.size, len(net.ties)
    (2, 1)
    """

    ego_id: str
    members: tuple[Member, ...] = ()
    ties: tuple[Tie, ...] = ()
    ego: Mapping[str, AttributeValue] = field(default_factory=dict)
    map_id: str | None = None
    date: str | None = None

    def __post_init__(self) -> None:
        ego_id = str(self.ego_id)
        object.__setattr__(self, "ego_id", ego_id)
        members = tuple(self.members)
        ties = tuple(self.ties)
        seen: set[str] = set()
        for m in members:
            if not isinstance(m, Member):
                raise NetworkError(f"map '{ego_id}': members must be Member objects, not {m!r}")
            if m.key in seen:
                raise NetworkError(f"map '{ego_id}': member key '{m.key}' appears more than once")
            seen.add(m.key)
        pairs: set[tuple[str, str]] = set()
        for t in ties:
            if not isinstance(t, Tie):
                raise NetworkError(f"map '{ego_id}': ties must be Tie objects, not {t!r}")
            for end in t.pair:
                if end not in seen:
                    raise NetworkError(
                        f"map '{ego_id}': tie '{t.a}'–'{t.b}' names member '{end}', "
                        "which is not on the map"
                    )
            if t.pair in pairs:
                raise NetworkError(f"map '{ego_id}': tie '{t.a}'–'{t.b}' appears more than once")
            pairs.add(t.pair)
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "ties", ties)
        object.__setattr__(self, "ego", _check_attributes(self.ego, f"map '{ego_id}' ego"))

    @property
    def size(self) -> int:
        return len(self.members)

    def member(self, key: str) -> Member:
        for m in self.members:
            if m.key == key:
                return m
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [m.key for m in self.members]

    def index(self) -> dict[str, int]:
        """Member key → position in :attr:`members`."""
        return {m.key: i for i, m in enumerate(self.members)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "ego_id": self.ego_id,
            "map_id": self.map_id,
            "date": self.date,
            "ego": dict(self.ego),
            "members": [m.as_dict() for m in self.members],
            "ties": [t.as_dict() for t in self.ties],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Network:
        """Build a map from :meth:`as_dict` output (the Kith JSON map object)."""
        members = [Member(**m) for m in data.get("members", [])]
        ties = [Tie(**t) for t in data.get("ties", [])]
        return cls(
            ego_id=data["ego_id"],
            members=tuple(members),
            ties=tuple(ties),
            ego=data.get("ego") or {},
            map_id=data.get("map_id"),
            date=data.get("date"),
        )
