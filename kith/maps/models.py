"""Maps: dated snapshots of a person's network, stored as rows and checked by the core model.

A :class:`Map` holds :class:`MapMember` rows (every field of :class:`kith.network.Member`) and
:class:`MapTie` rows. :meth:`Map.to_network` builds the validated core
:class:`kith.network.Network`; the core's :class:`~kith.network.NetworkError` is the one
source of truth for what is a valid value.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from kith.accounts.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from kith.network import Contact, Feeling, Kind, Member, Network, Relationship, Support, Tie, Wish
from kith.people.models import Person


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(e.value, e.value.capitalize()) for e in enum]


KIND_CHOICES = _choices(Kind)
RELATIONSHIP_CHOICES = _choices(Relationship)
CONTACT_CHOICES = [
    ("daily", "Every day"),
    ("weekly", "Every week"),
    ("monthly", "Every month"),
    ("less", "Less often"),
    ("never", "Never"),
]
SUPPORT_CHOICES = _choices(Support)
FEELING_CHOICES = _choices(Feeling)
WISH_CHOICES = [
    ("none", "Keep as it is"),
    ("more", "More contact"),
    ("less", "Less contact"),
    ("reconnect", "Reconnect"),
]
CIRCLE_CHOICES = [(1, "1 — closest"), (2, "2 — middle"), (3, "3 — outer")]
assert {c for c, _ in CONTACT_CHOICES} == {c.value for c in Contact}
assert {w for w, _ in WISH_CHOICES} == {w.value for w in Wish}


class MapStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class Map(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="maps")
    date = models.DateField()
    status = models.CharField(max_length=10, choices=MapStatus.choices, default=MapStatus.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change; a save naming an older version conflicts."
    )
    notes = EncryptedTextField(blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    layout_angles = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Derived data, written when the map is finalised: member key → angle of this map's "
            "drawing (in degrees), so later maps of the person read their angle memory instead "
            "of laying this map out again. Empty for drafts and for maps finalised before it "
            "was kept (those are laid out when needed)."
        ),
    )
    # Encrypted: the drawing shows every member's label.
    drawing_svg = EncryptedTextField(
        blank=True,
        editable=False,
        help_text=(
            "Derived data, written by every change to the map: its SVG drawing, shown while "
            "``drawing_inputs`` still matches what the drawing is made from."
        ),
    )
    drawing_inputs = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint (SHA-256) of the map, angle memory and options the kept drawing was made from.",
    )
    # Encrypted: what the measures say about a person's network is personal data.
    kept_panel = EncryptedJSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Derived data, written with the kept drawing: the measures panel of this version "
            "of the map (plain sentences, typology, main measures)."
        ),
    )
    kept_for = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=(
            "Fingerprint (SHA-256) of the map's id and version, its angle memory and the code "
            "that draws and measures it: while it matches, a page shows the kept drawing and "
            "panel without building the network again. Every change goes through the actions, "
            "which bump the version and keep both again."
        ),
    )

    class Meta:
        ordering = ("person", "date", "id")
        indexes = (models.Index(fields=["person", "status", "date"]),)

    def __str__(self) -> str:
        return f"map of {self.date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("maps:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == MapStatus.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status == MapStatus.FINAL

    def to_network(
        self,
        members: list[MapMember] | None = None,
        ties: list[MapTie] | None = None,
    ) -> Network:
        """The validated core network of this map (raises NetworkError for bad values).

        Pass ``members`` and ``ties`` already fetched to avoid querying again.
        """
        if members is None:
            members = list(self.members.all())
        if ties is None:
            ties = list(self.ties.select_related("a", "b"))
        return Network(
            ego_id=str(self.person_id),
            members=tuple(m.to_member() for m in sorted(members, key=reading_order)),
            ties=tuple(t.to_tie() for t in ties),
            map_id=str(self.pk),
            date=self.date.isoformat(),
        )


def reading_order(member: MapMember) -> tuple[int, str, str]:
    """Sort key of members in lists and drawings: by circle (unplaced first), label, key.

    Sorted in Python because labels are encrypted in the database; the order is the one
    SQLite gave when it sorted by ``circle, label, key``.
    """
    return (member.circle or 0, member.label, member.key)


class MapMember(models.Model):
    """One member of one map. ``key`` is stable across the person's maps."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="members")
    key = models.CharField(max_length=60)
    label = EncryptedCharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="person")
    relationship = models.CharField(max_length=20, choices=RELATIONSHIP_CHOICES, blank=True)
    circle = models.PositiveSmallIntegerField(choices=CIRCLE_CHOICES, null=True, blank=True)
    contact = models.CharField(max_length=20, choices=CONTACT_CHOICES, blank=True)
    support_received = models.JSONField(default=list, blank=True)
    support_given = models.JSONField(default=list, blank=True)
    feeling = models.CharField(max_length=20, choices=FEELING_CHOICES, blank=True)
    wish = models.CharField(max_length=20, choices=WISH_CHOICES, blank=True)
    asset_id = models.CharField(max_length=200, blank=True)
    attributes = EncryptedJSONField(default=dict, blank=True)

    class Meta:
        # Not by label: labels are encrypted in the database (see reading_order).
        ordering = ("map", "circle", "id")
        constraints = (models.UniqueConstraint(fields=["map", "key"], name="member_key_unique"),)

    def __str__(self) -> str:
        return self.label or self.key

    #: Fields copied when a review starts from a final map (everything but the map).
    COPY_FIELDS = (
        "key",
        "label",
        "kind",
        "relationship",
        "circle",
        "contact",
        "support_received",
        "support_given",
        "feeling",
        "wish",
        "asset_id",
        "attributes",
    )

    def to_member(self) -> Member:
        return Member(
            key=self.key,
            label=self.label,
            kind=self.kind,
            relationship=self.relationship or None,
            circle=self.circle,
            contact=self.contact or None,
            support_received=frozenset(self.support_received or ()),
            support_given=frozenset(self.support_given or ()),
            feeling=self.feeling or None,
            wish=self.wish or None,
            asset_id=self.asset_id or None,
            attributes=dict(self.attributes or {}),
        )

    @staticmethod
    def fields_from_member(member: Member) -> dict[str, Any]:
        """Column values for a validated core member (the inverse of :meth:`to_member`)."""
        return {
            "key": member.key,
            "label": member.label,
            "kind": member.kind.value,
            "relationship": member.relationship.value if member.relationship else "",
            "circle": member.circle,
            "contact": member.contact.value if member.contact else "",
            "support_received": sorted(s.value for s in member.support_received),
            "support_given": sorted(s.value for s in member.support_given),
            "feeling": member.feeling.value if member.feeling else "",
            "wish": member.wish.value if member.wish else "",
            "asset_id": member.asset_id or "",
            "attributes": dict(member.attributes),
        }


class MapTie(models.Model):
    """A tie between two members of the same map (stored with ``a.key < b.key``)."""

    map = models.ForeignKey(Map, on_delete=models.CASCADE, related_name="ties")
    a = models.ForeignKey(MapMember, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(MapMember, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("map", "id")
        constraints = (models.UniqueConstraint(fields=["map", "a", "b"], name="tie_unique"),)

    def __str__(self) -> str:
        return f"{self.a} – {self.b}"

    def to_tie(self) -> Tie:
        return Tie(self.a.key, self.b.key, weight=self.weight)
