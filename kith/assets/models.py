"""The community asset directory: HSDS 3.0 entities, Kith's search index and its upkeep.

Every HSDS entity is one model named as in HSDS (``Organization``, ``Service``,
``ServiceAtLocation``, …). Each row keeps the **whole HSDS record** as read — known fields and
unknown ones, in order — in ``data``, so that export gives back exactly what was imported
(:mod:`kith.formats.hsds` does the reading and writing). ``hsds_id`` is the record's HSDS
``id``; re-importing a record with the same id updates that row. The few fields Kith queries
are copied from ``data`` into typed, indexed columns by :meth:`HsdsRecord.derive` (foreign keys
as HSDS ids in ``*_ref`` columns: a published directory may name records published elsewhere).
Foreign keys stated only by nesting are kept as :class:`HsdsLink` rows.

The search tables (:class:`ServiceIndex`, :class:`ServiceTerm`, :class:`ServiceSlot`,
:class:`ServiceAreaCell`, the SQLite FTS5 table ``assets_service_fts`` or PostgreSQL's
``to_tsvector`` index on :attr:`Service.search_text`) are derived data, rebuilt for the
services an action touched (:func:`kith.assets.index.reindex_services`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse


def _text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        day = _date(value)
        if day is None:
            return None
        parsed = dt.datetime.combine(day, dt.time())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


class HsdsRecord(models.Model):
    """One HSDS record: its id, the record as read, and typed copies of a few fields."""

    #: HSDS entity name (``"service"``); the key of :data:`kith.formats.hsds.ENTITIES`.
    entity: ClassVar[str] = ""
    hsds_id = models.CharField("HSDS id", max_length=250, unique=True)
    data = models.JSONField(
        default=dict, help_text="The HSDS record as read (unknown fields kept)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.data.get("name") or self.hsds_id)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        """Typed column values from an HSDS record; ``refs``: its foreign keys (field or link)."""
        return {}


class Organization(HsdsRecord):
    entity = "organization"
    name = models.CharField(max_length=500, blank=True, db_index=True)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {"name": _text(record.get("name"))}


class Program(HsdsRecord):
    entity = "program"


class AssetStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Service(HsdsRecord):
    entity = "service"
    organization_ref = models.CharField(max_length=250, blank=True, db_index=True)
    name = models.CharField(max_length=500, blank=True, db_index=True)
    status = models.CharField(max_length=40, blank=True, db_index=True)
    #: HSDS ``assured_date``: "the date that the information about the service was last checked".
    assured_date = models.DateField(null=True, blank=True, db_index=True)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    last_modified = models.DateTimeField(null=True, blank=True, db_index=True)
    #: Text the full-text search reads (name, description, organisation, terms, places).
    search_text = models.TextField(blank=True)
    #: An individual as an asset (ABCD): a private record, never published or exported.
    is_private = models.BooleanField(default=False)

    class Meta:
        ordering = ("name", "hsds_id")

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", args=[self.pk])

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "organization_ref": refs.get("organization_id", ""),
            "name": _text(record.get("name")),
            "status": _text(record.get("status"), 40),
            "assured_date": _date(record.get("assured_date")),
            "minimum_age": _number(record.get("minimum_age")),
            "maximum_age": _number(record.get("maximum_age")),
            "last_modified": _datetime(record.get("last_modified")),
        }


class Attribute(HsdsRecord):
    entity = "attribute"
    link_ref = models.CharField(max_length=250, blank=True, db_index=True)
    taxonomy_term_ref = models.CharField(max_length=250, blank=True, db_index=True)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "link_ref": refs.get("link_id", ""),
            "taxonomy_term_ref": refs.get("taxonomy_term_id", ""),
        }


class ServiceAtLocation(HsdsRecord):
    entity = "service_at_location"
    service_ref = models.CharField(max_length=250, blank=True, db_index=True)
    location_ref = models.CharField(max_length=250, blank=True, db_index=True)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "service_ref": refs.get("service_id", ""),
            "location_ref": refs.get("location_id", ""),
        }


class Location(HsdsRecord):
    entity = "location"
    organization_ref = models.CharField(max_length=250, blank=True, db_index=True)
    name = models.CharField(max_length=500, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "organization_ref": refs.get("organization_id", ""),
            "name": _text(record.get("name")),
            "latitude": _number(record.get("latitude")),
            "longitude": _number(record.get("longitude")),
        }


class _ServiceChild(HsdsRecord):
    """Records that hang off a service, a location and/or a service at a location."""

    service_ref = models.CharField(max_length=250, blank=True, db_index=True)
    location_ref = models.CharField(max_length=250, blank=True, db_index=True)
    service_at_location_ref = models.CharField(max_length=250, blank=True, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        names = {f.name for f in cls._meta.get_fields()}
        out = {}
        for fk in ("service_id", "location_id", "service_at_location_id"):
            column = fk.removesuffix("_id") + "_ref"
            if column in names:
                out[column] = refs.get(fk, "")
        return out


class Phone(_ServiceChild):
    entity = "phone"


class Contact(_ServiceChild):
    entity = "contact"


class Address(HsdsRecord):
    entity = "address"
    location_ref = models.CharField(max_length=250, blank=True, db_index=True)
    postal_code = models.CharField(max_length=40, blank=True)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "location_ref": refs.get("location_id", ""),
            "postal_code": _text(record.get("postal_code"), 40),
        }


class Schedule(_ServiceChild):
    entity = "schedule"


class Funding(HsdsRecord):
    entity = "funding"


class ServiceArea(_ServiceChild):
    entity = "service_area"


class RequiredDocument(HsdsRecord):
    entity = "required_document"


class Language(_ServiceChild):
    entity = "language"


class Accessibility(_ServiceChild):
    entity = "accessibility"


class TaxonomyTerm(HsdsRecord):
    entity = "taxonomy_term"
    taxonomy_ref = models.CharField(max_length=250, blank=True, db_index=True)
    parent_ref = models.CharField(max_length=250, blank=True, db_index=True)
    code = models.CharField(max_length=250, blank=True)
    name = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("name",)

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {
            "taxonomy_ref": refs.get("taxonomy_id", ""),
            "parent_ref": _text(record.get("parent_id"), 250),
            "code": _text(record.get("code"), 250),
            "name": _text(record.get("name")),
        }


class Metadata(HsdsRecord):
    entity = "metadata"


class MetaTableDescription(HsdsRecord):
    entity = "meta_table_description"


class CostOption(_ServiceChild):
    entity = "cost_option"


class OrganizationIdentifier(HsdsRecord):
    entity = "organization_identifier"


class Taxonomy(HsdsRecord):
    entity = "taxonomy"
    name = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"

    @classmethod
    def derive(cls, record: dict[str, Any], refs: dict[str, str]) -> dict[str, Any]:
        return {"name": _text(record.get("name"))}


#: HSDS entity name → model, in tabular-package order.
MODELS: dict[str, type[HsdsRecord]] = {
    m.entity: m
    for m in (
        Organization,
        Program,
        Service,
        Attribute,
        ServiceAtLocation,
        Location,
        Phone,
        Contact,
        Address,
        Schedule,
        Funding,
        ServiceArea,
        RequiredDocument,
        Language,
        Accessibility,
        TaxonomyTerm,
        Metadata,
        MetaTableDescription,
        CostOption,
        OrganizationIdentifier,
        Taxonomy,
    )
}


class HsdsLink(models.Model):
    """A foreign key stated only by nesting (:class:`kith.formats.hsds.Link`)."""

    entity = models.CharField(max_length=40)
    record_id = models.CharField(max_length=250)
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=250)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["entity", "record_id", "field", "value"], name="hsds_link_unique"
            ),
        )
        indexes = (models.Index(fields=["entity", "field", "value"]),)


class HsdsRef(models.Model):
    """Every foreign key of every record (its own field or a link), to find related records."""

    entity = models.CharField(max_length=40)
    record_id = models.CharField(max_length=250)
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=250)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["entity", "record_id", "field", "value"], name="hsds_ref_unique"
            ),
        )
        indexes = (models.Index(fields=["value", "entity"]),)


# -- search index (derived; rebuilt by kith.assets.index) ------------------------------------


class ServiceIndex(models.Model):
    """One row per service and place (a service with no place has one row without a point)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="index_rows")
    location_ref = models.CharField(max_length=250, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    #: Grid cell of the point (:func:`kith.assets.geo.cell`), for an indexed box prefilter.
    cell = models.IntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    free = models.BooleanField(default=False)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    wheelchair = models.BooleanField(default=False)
    hearing_loop = models.BooleanField(default=False)
    transport = models.BooleanField(default=False)

    class Meta:
        indexes = (
            # Covering: a search near a point reads index pages of its few cells only.
            models.Index(
                fields=["cell", "active", "service", "latitude", "longitude", "location_ref"],
                name="assets_index_cell_covering",
            ),
        )


class ServiceTerm(models.Model):
    """A taxonomy term of a service (through its attributes, or its locations' attributes)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="term_rows")
    term_ref = models.CharField(max_length=250)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["service", "term_ref"], name="service_term_unique"),
        )
        indexes = (models.Index(fields=["term_ref", "service"]),)


class ServiceSlot(models.Model):
    """A weekly opening of a service, from HSDS schedules or an opening_hours string.

    A prefilter only: :func:`kith.assets.schedules.is_open` decides (dates, bank holidays).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    opens = models.PositiveSmallIntegerField()  # minutes after midnight
    closes = models.PositiveSmallIntegerField()  # minutes after midnight, ≤ 1440

    class Meta:
        indexes = (
            models.Index(
                fields=["service", "weekday", "opens", "closes"], name="assets_slot_covering"
            ),
        )


class ServiceAreaCell(models.Model):
    """A grid cell a service area's extent touches (box prefilter for "covers the point")."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="area_cells")
    cell = models.IntegerField()

    class Meta:
        indexes = (models.Index(fields=["cell", "service"]),)


class Postcode(models.Model):
    """A postcode centroid (from the deployer's ONS Postcode Directory or similar)."""

    postcode = models.CharField(max_length=10, primary_key=True)  # normalised: "AB1 2CD"
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.postcode


# -- keeping it true -----------------------------------------------------------------------


class AssetChange(models.Model):
    """History: one row per record created, changed or checked (by an import or an editor)."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Changed"
        CHECKED = "checked", "Checked"

    entity = models.CharField(max_length=40)
    record_id = models.CharField(max_length=250)
    action = models.CharField(max_length=20, choices=Action.choices)
    source = models.CharField(max_length=300, blank=True, help_text="Import file/URL, or 'edit'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    fields = models.JSONField(default=list, help_text="Names of the fields that changed.")
    before = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=["entity", "record_id", "at"]),)


class ProblemReport(models.Model):
    """A practitioner's report that a service's details are wrong; an editor resolves it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"
        DISMISSED = "dismissed", "No change needed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problems")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ("-reported_at", "-id")
        indexes = (models.Index(fields=["status", "reported_at"]),)


# -- matching ------------------------------------------------------------------------------


class InterestStatement(models.Model):
    """A GENIE-style statement ("I would like to do something creative") and its terms.

    ``term_refs`` lists HSDS taxonomy-term ids; directory editors keep the table.
    """

    text = models.CharField(max_length=300, unique=True)
    term_refs = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "text")

    def __str__(self) -> str:
        return self.text
