"""Every change to a map goes through these functions.

Each runs in one transaction, locks the map row, refuses to touch a final map
(:class:`MapLocked`), refuses a change made against an older version of the map
(:class:`MapConflict`, when the caller says which version it saw), checks the result with the
core model (:class:`kith.network.NetworkError` rolls everything back) and bumps ``version``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kith.audit.signals import record_bulk_create
from kith.maps.drawing import drawing_to_keep
from kith.maps.models import Map, MapMember, MapStatus, MapTie
from kith.network import Member, NetworkError, Tie
from kith.people.models import REVIEW_INTERVAL, Person

if TYPE_CHECKING:
    from kith.accounts.models import User


class MapError(Exception):
    """A change to a map that cannot be made."""


class MapLocked(MapError):
    """The map is final; start a review to change anything."""

    def __init__(self, the_map: Map) -> None:
        super().__init__(f"The map of {the_map.date:%d %B %Y} is final and cannot be changed.")
        self.map = the_map


class MapConflict(MapError):
    """Someone else changed the map since the caller read it."""

    def __init__(self, the_map: Map, expected: int) -> None:
        super().__init__(
            f"This map was changed by someone else while you were editing it "
            f"(you started from version {expected}; it is now version {the_map.version})."
        )
        self.map = the_map
        self.expected = expected
        self.current = the_map.version


class DraftExists(MapError):
    """The person already has a draft map; finish it before starting another."""

    def __init__(self, draft: Map) -> None:
        super().__init__(f"There is already a draft map of {draft.date:%d %B %Y}.")
        self.map = draft


def new_member_key() -> str:
    """A fresh member key, unique in practice across a person's maps."""
    return "m" + secrets.token_hex(5)


def _lock(the_map: Map, expected_version: int | None) -> Map:
    locked = Map.objects.select_for_update().get(pk=the_map.pk)
    if locked.status == MapStatus.FINAL:
        raise MapLocked(locked)
    if expected_version is not None and int(expected_version) != locked.version:
        raise MapConflict(locked, int(expected_version))
    return locked


def _keep_drawing(the_map: Map) -> list[str]:
    """Check the whole map with the core model and keep its drawing (a final map also keeps
    its drawing's angles, the memory of later maps). Returns the fields to save."""
    kept = drawing_to_keep(the_map, the_map.to_network())
    the_map.drawing_svg, the_map.drawing_inputs = kept.svg, kept.inputs
    the_map.kept_panel, the_map.kept_for = kept.panel, kept.kept_for
    fields = ["drawing_svg", "drawing_inputs", "kept_panel", "kept_for"]
    if the_map.status != MapStatus.FINAL:
        return fields
    the_map.layout_angles = kept.angles
    return [*fields, "layout_angles"]


def _finish(locked: Map, original: Map) -> Map:
    """Check the whole map with the core model, keep its drawing, bump the version and refresh
    the caller's copy."""
    # The version first: what is kept stands for the version saved with it.
    locked.version += 1
    kept = _keep_drawing(locked)
    locked.save(update_fields=["version", "updated_at", *kept])
    for name in ("version", "updated_at", *kept):
        setattr(original, name, getattr(locked, name))
    return locked


def _latest_final(person: Person) -> Map | None:
    return (
        Map.objects.filter(person=person, status=MapStatus.FINAL).order_by("-date", "-id").first()
    )


@transaction.atomic
def do_create_map(user: User, person: Person, date: dt.date | None = None) -> Map:
    """Start a map: empty if the person has no final map, else a review copying the latest one.

    A review keeps every member (same keys, so change can be followed) and every tie.
    """
    Person.objects.select_for_update().filter(pk=person.pk).first()
    draft = Map.objects.filter(person=person, status=MapStatus.DRAFT).first()
    if draft is not None:
        raise DraftExists(draft)
    base = _latest_final(person)
    the_map = Map.objects.create(
        person=person,
        date=date or timezone.localdate(),
        created_by=user,
        based_on=base,
        notes="",
    )
    if base is not None:
        old_members = list(base.members.all())
        copies = MapMember.objects.bulk_create(
            [
                MapMember(map=the_map, **{f: getattr(m, f) for f in MapMember.COPY_FIELDS})
                for m in old_members
            ]
        )
        by_key = {m.key: m for m in copies}
        if any(m.pk is None for m in copies):  # backends that do not return ids
            by_key = {m.key: m for m in the_map.members.all()}
        tie_copies = MapTie.objects.bulk_create(
            [
                MapTie(map=the_map, a=by_key[t.a.key], b=by_key[t.b.key], weight=t.weight)
                for t in base.ties.select_related("a", "b")
            ]
        )
        # bulk_create sends no signals: the copies are audited here, in one INSERT.
        record_bulk_create([*by_key.values(), *tie_copies], person_id=person.pk)
    the_map.save(update_fields=_keep_drawing(the_map))
    return the_map


@transaction.atomic
def do_update_map(
    user: User, the_map: Map, *, expected_version: int | None, date: dt.date, notes: str
) -> Map:
    locked = _lock(the_map, expected_version)
    locked.date = date
    locked.notes = notes
    locked.save(update_fields=["date", "notes", "updated_at"])
    the_map.date, the_map.notes = date, notes
    return _finish(locked, the_map)


def _validated(key: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    member = Member(key=key, **{k: v for k, v in fields.items() if k != "key"})
    return MapMember.fields_from_member(member)


@transaction.atomic
def do_add_member(
    user: User,
    the_map: Map,
    fields: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    key: str | None = None,
) -> MapMember:
    """Add a member (fields as for :class:`kith.network.Member`; the key is made if not given)."""
    locked = _lock(the_map, expected_version)
    values = _validated(key or new_member_key(), fields)
    if locked.members.filter(key=values["key"]).exists():
        raise NetworkError(f"member '{values['key']}': this key is already on the map")
    member = MapMember.objects.create(map=locked, **values)
    _finish(locked, the_map)
    member.map = the_map
    return member


@transaction.atomic
def do_update_member(
    user: User,
    member: MapMember,
    fields: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> MapMember:
    """Change some fields of a member (its key never changes)."""
    locked = _lock(member.map, expected_version)
    current = MapMember.objects.get(pk=member.pk, map=locked)
    merged = {f: getattr(current, f) for f in MapMember.COPY_FIELDS if f != "key"}
    merged.update({k: v for k, v in fields.items() if k in merged})
    values = _validated(current.key, merged)
    for name, value in values.items():
        setattr(current, name, value)
        setattr(member, name, value)
    current.save()
    _finish(locked, member.map)
    current.map = member.map
    return current


@transaction.atomic
def do_remove_member(user: User, member: MapMember, *, expected_version: int | None = None) -> None:
    """Remove a member and its ties."""
    locked = _lock(member.map, expected_version)
    MapMember.objects.filter(pk=member.pk, map=locked).delete()
    _finish(locked, member.map)


@transaction.atomic
def do_add_tie(
    user: User,
    the_map: Map,
    a_key: str,
    b_key: str,
    *,
    weight: float | None = None,
    expected_version: int | None = None,
) -> MapTie:
    """Tie two members of the map (order does not matter; a second tie of a pair is an error)."""
    locked = _lock(the_map, expected_version)
    tie = Tie(a_key, b_key, weight=weight)
    ends = {m.key: m for m in locked.members.filter(key__in=[tie.a, tie.b])}
    for key in tie.pair:
        if key not in ends:
            raise NetworkError(f"tie '{tie.a}'–'{tie.b}': member '{key}' is not on the map")
    if locked.ties.filter(a=ends[tie.a], b=ends[tie.b]).exists():
        raise NetworkError(f"tie '{tie.a}'–'{tie.b}': these two are already tied")
    row = MapTie.objects.create(map=locked, a=ends[tie.a], b=ends[tie.b], weight=tie.weight)
    _finish(locked, the_map)
    row.map = the_map
    return row


@transaction.atomic
def do_remove_tie(user: User, tie: MapTie, *, expected_version: int | None = None) -> None:
    locked = _lock(tie.map, expected_version)
    MapTie.objects.filter(pk=tie.pk, map=locked).delete()
    _finish(locked, tie.map)


@transaction.atomic
def do_finalise_map(user: User, the_map: Map, *, expected_version: int | None = None) -> Map:
    """Lock the map. The person's next review becomes the map's date plus the review interval."""
    locked = _lock(the_map, expected_version)
    locked.status = MapStatus.FINAL
    locked.finalised_at = timezone.now()
    locked.finalised_by = user
    locked.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    _finish(locked, the_map)  # keeps the drawing's angles: later maps read them as their memory
    the_map.status, the_map.finalised_at = locked.status, locked.finalised_at
    the_map.finalised_by = user
    person = Person.objects.select_for_update().get(pk=locked.person_id)
    due = locked.date + REVIEW_INTERVAL
    if person.next_review is None or person.next_review < due:
        person.next_review = due
        person.save(update_fields=["next_review", "updated_at"])
    return locked
