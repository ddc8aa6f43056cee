"""Open Referral HSDS 3.0 (and the Open Referral UK profile) in and out of a plain directory.

An HSDS publication nests records inside each other (a service holds its organization, its
service-at-locations, each with a location, and so on) and repeats the same record wherever it
is relevant. :class:`Directory` undoes that: one flat table per HSDS entity, keyed by id, each
record a plain ``dict`` holding every scalar field it came with (known HSDS fields and unknown
ones alike, in their original order), plus a set of :class:`Link` facts for the nesting that the
records' own foreign-key fields did not state. The Django app imports from a ``Directory``; the
public API and ``kith export-assets`` write one back out.

- :func:`read_hsds_json` reads single records, lists, paginated API pages, the tabular JSON
  form (``{"organizations.csv": [...], ...}``) and the API root document.
- :func:`write_hsds_json` writes the nested "compiled" shape (or flat records).
- :func:`read_hsds_csv` / :func:`write_hsds_csv` handle the tabular CSV package
  (see :mod:`kith.formats.hsds_csv`).
- :func:`validate` checks a JSON value against the official schemas, from local files only.

See ``docs/formats-hsds.md`` for what "without loss" means and the lossy corners.

>>> d = read_hsds_json({"id": "s1", "name": "Walk", "status": "active",
...                     "organization": {"id": "o1", "name": "Club", "description": "x"}})
>>> sorted(d.service), sorted(d.organization)
(['s1'], ['o1'])
>>> d.links
{Link(entity='service', id='s1', field='organization_id', value='o1')}
>>> write_hsds_json(d, "service")[0]["organization"]["name"]
'Club'
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypedDict, cast

from kith.formats.errors import FormatError
from kith.formats.limits import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    DEFAULT_MAX_TABLE_BYTES,
    parse_json,
    read_utf8,
)

if TYPE_CHECKING:
    from referencing import Registry

__all__ = [
    "ENTITIES",
    "KITH_EXTENSIONS",
    "RELATIONS",
    "Directory",
    "EntitySpec",
    "Link",
    "Profile",
    "Relation",
    "default_schema_dir",
    "guess_entity",
    "read_hsds_csv",
    "read_hsds_json",
    "validate",
    "write_hsds_csv",
    "write_hsds_json",
]

Record = dict[str, Any]
"""One HSDS record as stored in a :class:`Directory`: scalar fields (and unknown values)."""

Profile = Literal["hsds", "oruk"]

# --------------------------------------------------------------------------------------------
# The HSDS 3.0 entities (field lists from openreferral/specification 3.0 schema/*.json, in the
# schema's order, which is also the column order of the tabular package).


@dataclass(frozen=True)
class EntitySpec:
    """An HSDS entity: its name, CSV file, scalar fields, numeric fields and required fields."""

    name: str
    table: str
    fields: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    required: tuple[str, ...] = ("id",)


ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "organization",
            "organizations.csv",
            (
                "id",
                "name",
                "alternate_name",
                "description",
                "email",
                "website",
                "tax_status",
                "tax_id",
                "year_incorporated",
                "legal_status",
                "logo",
                "uri",
                "parent_organization_id",
            ),
            ("year_incorporated",),
            ("id", "name", "description"),
        ),
        EntitySpec(
            "program",
            "programs.csv",
            ("id", "organization_id", "name", "alternate_name", "description"),
            (),
            ("id", "name", "description"),
        ),
        EntitySpec(
            "service",
            "services.csv",
            (
                "id",
                "organization_id",
                "program_id",
                "name",
                "alternate_name",
                "description",
                "url",
                "email",
                "status",
                "interpretation_services",
                "application_process",
                "fees_description",
                "wait_time",
                "fees",
                "accreditations",
                "eligibility_description",
                "minimum_age",
                "maximum_age",
                "assured_date",
                "assurer_email",
                "licenses",
                "alert",
                "last_modified",
            ),
            ("minimum_age", "maximum_age"),
            ("id", "name", "status"),
        ),
        EntitySpec(
            "attribute",
            "attributes.csv",
            ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        ),
        EntitySpec(
            "service_at_location",
            "service_at_location.csv",
            ("id", "service_id", "location_id", "description"),
        ),
        EntitySpec(
            "location",
            "locations.csv",
            (
                "id",
                "location_type",
                "url",
                "organization_id",
                "name",
                "alternate_name",
                "description",
                "transportation",
                "latitude",
                "longitude",
                "external_identifier",
                "external_identifier_type",
            ),
            ("latitude", "longitude"),
            ("id", "location_type"),
        ),
        EntitySpec(
            "phone",
            "phones.csv",
            (
                "id",
                "location_id",
                "service_id",
                "organization_id",
                "contact_id",
                "service_at_location_id",
                "number",
                "extension",
                "type",
                "description",
            ),
            ("extension",),
            ("id", "number"),
        ),
        EntitySpec(
            "contact",
            "contacts.csv",
            (
                "id",
                "organization_id",
                "service_id",
                "service_at_location_id",
                "location_id",
                "name",
                "title",
                "department",
                "email",
            ),
        ),
        EntitySpec(
            "address",
            "addresses.csv",
            (
                "id",
                "location_id",
                "attention",
                "address_1",
                "address_2",
                "city",
                "region",
                "state_province",
                "postal_code",
                "country",
                "address_type",
            ),
            (),
            ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        ),
        EntitySpec(
            "schedule",
            "schedules.csv",
            (
                "id",
                "service_id",
                "location_id",
                "service_at_location_id",
                "valid_from",
                "valid_to",
                "dtstart",
                "timezone",
                "until",
                "count",
                "wkst",
                "freq",
                "interval",
                "byday",
                "byweekno",
                "bymonthday",
                "byyearday",
                "description",
                "opens_at",
                "closes_at",
                "schedule_link",
                "attending_type",
                "notes",
            ),
            ("timezone", "count", "interval"),
        ),
        EntitySpec("funding", "funding.csv", ("id", "organization_id", "service_id", "source")),
        EntitySpec(
            "service_area",
            "service_areas.csv",
            ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
        ),
        EntitySpec(
            "required_document",
            "required_documents.csv",
            ("id", "service_id", "document", "uri"),
        ),
        EntitySpec(
            "language",
            "languages.csv",
            ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        ),
        EntitySpec(
            "accessibility",
            "accessibility.csv",
            ("id", "location_id", "description", "details", "url"),
        ),
        EntitySpec(
            "taxonomy_term",
            "taxonomy_terms.csv",
            (
                "id",
                "code",
                "name",
                "description",
                "parent_id",
                "taxonomy",
                "language",
                "taxonomy_id",
                "term_uri",
            ),
            (),
            ("id", "name", "description"),
        ),
        EntitySpec(
            "metadata",
            "metadata.csv",
            (
                "id",
                "resource_id",
                "resource_type",
                "last_action_date",
                "last_action_type",
                "field_name",
                "previous_value",
                "replacement_value",
                "updated_by",
            ),
            (),
            (
                "id",
                "last_action_date",
                "last_action_type",
                "field_name",
                "previous_value",
                "replacement_value",
                "updated_by",
            ),
        ),
        EntitySpec(
            "meta_table_description",
            "meta_table_descriptions.csv",
            ("id", "name", "language", "character_set"),
        ),
        EntitySpec(
            "cost_option",
            "cost_options.csv",
            (
                "id",
                "service_id",
                "valid_from",
                "valid_to",
                "option",
                "currency",
                "amount",
                "amount_description",
            ),
            ("amount",),
        ),
        EntitySpec(
            "organization_identifier",
            "organization_identifiers.csv",
            ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
            (),
            ("id", "identifier_type", "identifier"),
        ),
        EntitySpec(
            "taxonomy",
            "taxonomies.csv",
            ("id", "name", "description", "uri", "version"),
            (),
            ("id", "name", "description"),
        ),
    )
}


@dataclass(frozen=True)
class Relation:
    """How one record nests inside another in HSDS JSON.

    ``many=True``: ``parent[key]`` is an array of ``child`` records whose ``field`` holds the
    parent's id (``service.phones`` ↔ ``phone.service_id``). ``many=False``: ``parent[key]`` is
    one ``child`` record whose id is held by the parent's own ``field``
    (``service.organization`` ↔ ``service.organization_id``).
    """

    parent: str
    key: str
    child: str
    field: str
    many: bool


def _relations() -> dict[str, dict[str, Relation]]:
    rows: list[tuple[str, str, str, str, bool]] = [
        ("organization", "funding", "funding", "organization_id", True),
        ("organization", "contacts", "contact", "organization_id", True),
        ("organization", "phones", "phone", "organization_id", True),
        ("organization", "locations", "location", "organization_id", True),
        ("organization", "programs", "program", "organization_id", True),
        (
            "organization",
            "organization_identifiers",
            "organization_identifier",
            "organization_id",
            True,
        ),
        # Not in the HSDS 3.0 organization schema, but in its organization_full example and in
        # the ORUK compiled organization schema.
        ("organization", "services", "service", "organization_id", True),
        ("service", "phones", "phone", "service_id", True),
        ("service", "schedules", "schedule", "service_id", True),
        ("service", "service_areas", "service_area", "service_id", True),
        ("service", "service_at_locations", "service_at_location", "service_id", True),
        ("service", "languages", "language", "service_id", True),
        ("service", "organization", "organization", "organization_id", False),
        ("service", "funding", "funding", "service_id", True),
        ("service", "cost_options", "cost_option", "service_id", True),
        ("service", "program", "program", "program_id", False),
        ("service", "required_documents", "required_document", "service_id", True),
        ("service", "contacts", "contact", "service_id", True),
        ("service_at_location", "contacts", "contact", "service_at_location_id", True),
        ("service_at_location", "phones", "phone", "service_at_location_id", True),
        ("service_at_location", "schedules", "schedule", "service_at_location_id", True),
        ("service_at_location", "location", "location", "location_id", False),
        ("service_at_location", "service", "service", "service_id", False),
        ("location", "languages", "language", "location_id", True),
        ("location", "addresses", "address", "location_id", True),
        ("location", "contacts", "contact", "location_id", True),
        ("location", "accessibility", "accessibility", "location_id", True),
        ("location", "phones", "phone", "location_id", True),
        ("location", "schedules", "schedule", "location_id", True),
        ("contact", "phones", "phone", "contact_id", True),
        ("phone", "languages", "language", "phone_id", True),
        ("attribute", "taxonomy_term", "taxonomy_term", "taxonomy_term_id", False),
        ("taxonomy_term", "taxonomy_detail", "taxonomy", "taxonomy_id", False),
        # ORUK: a taxonomy lists its terms.
        ("taxonomy", "taxonomy_terms", "taxonomy_term", "taxonomy_id", True),
    ]
    out: dict[str, dict[str, Relation]] = {name: {} for name in ENTITIES}
    for parent, key, child, fk, many in rows:
        out[parent][key] = Relation(parent, key, child, fk, many)
    for name in ENTITIES:
        # Every entity but these few may carry attributes; every one but metadata, metadata.
        if name not in ("attribute", "metadata", "taxonomy", "taxonomy_term"):
            out[name]["attributes"] = Relation(name, "attributes", "attribute", "link_id", True)
        if name != "metadata":
            out[name]["metadata"] = Relation(name, "metadata", "metadata", "resource_id", True)
    return out


RELATIONS: dict[str, dict[str, Relation]] = _relations()
"""``RELATIONS[parent][key]``: every nesting HSDS 3.0 (and ORUK) JSON uses."""

FOREIGN_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(
        sorted(
            {r.field for r in RELATIONS[name].values() if not r.many}
            | {
                r.field
                for rels in RELATIONS.values()
                for r in rels.values()
                if r.many and r.child == name
            }
        )
    )
    for name in ENTITIES
}
"""The id-holding fields of each entity that a reader checks for dangling references.

``parent_organization_id`` and ``taxonomy_term.parent_id`` are left out on purpose: they may
name records published elsewhere."""

KITH_EXTENSIONS: dict[str, str] = {
    "schedule.kith_opening_hours": "OpenStreetMap opening_hours string (bank holidays etc.)",
    "taxonomy:kith-asset-type": "ABCD asset type: association, institution, physical_space, "
    "economic, cultural (individual: never published)",
    "taxonomy:kith-interest": "interest tags (GENIE-style)",
    "taxonomy:kith-access-route": "signpost_only or referral_route",
    "taxonomy:kith-practical": "practical notes: quiet, peer_led, women_only, free, …",
}
"""Kith's additions, named as HSDS conformance allows (see docs/formats-hsds.md).

Most are HSDS ``attribute`` records pointing at terms of Kith taxonomies (HSDS terms suffice);
only the OpenStreetMap opening-hours string needs a new property, prefixed ``kith_``."""


class Link(NamedTuple):
    """A foreign-key fact the input stated by nesting, not by the record's own field.

    ``Link("phone", "p1", "service_id", "s1")``: phone ``p1`` was nested under service ``s1``
    but carried no ``service_id``. A record may have several links on one field (a phone
    nested under two services); the tabular form can keep only one of them.
    """

    entity: str
    id: str
    field: str
    value: str


class Organization(TypedDict, total=False):
    """HSDS 3.0 ``organization`` (organizations.csv); unknown fields are kept as extra keys."""

    id: str
    name: str | None
    alternate_name: str | None
    description: str | None
    email: str | None
    website: str | None
    tax_status: str | None
    tax_id: str | None
    year_incorporated: float | None
    legal_status: str | None
    logo: str | None
    uri: str | None
    parent_organization_id: str | None


class Program(TypedDict, total=False):
    """HSDS 3.0 ``program`` (programs.csv); unknown fields are kept as extra keys."""

    id: str
    organization_id: str | None
    name: str | None
    alternate_name: str | None
    description: str | None


class Service(TypedDict, total=False):
    """HSDS 3.0 ``service`` (services.csv); unknown fields are kept as extra keys."""

    id: str
    organization_id: str | None
    program_id: str | None
    name: str | None
    alternate_name: str | None
    description: str | None
    url: str | None
    email: str | None
    status: str | None
    interpretation_services: str | None
    application_process: str | None
    fees_description: str | None
    wait_time: str | None
    fees: str | None
    accreditations: str | None
    eligibility_description: str | None
    minimum_age: float | None
    maximum_age: float | None
    assured_date: str | None
    assurer_email: str | None
    licenses: str | None
    alert: str | None
    last_modified: str | None


class Attribute(TypedDict, total=False):
    """HSDS 3.0 ``attribute`` (attributes.csv); unknown fields are kept as extra keys."""

    id: str
    link_id: str | None
    taxonomy_term_id: str | None
    link_type: str | None
    link_entity: str | None
    value: str | None


class ServiceAtLocation(TypedDict, total=False):
    """HSDS 3.0 ``service_at_location`` (service_at_location.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    location_id: str | None
    description: str | None


class Location(TypedDict, total=False):
    """HSDS 3.0 ``location`` (locations.csv); unknown fields are kept as extra keys."""

    id: str
    location_type: str | None
    url: str | None
    organization_id: str | None
    name: str | None
    alternate_name: str | None
    description: str | None
    transportation: str | None
    latitude: float | None
    longitude: float | None
    external_identifier: str | None
    external_identifier_type: str | None


class Phone(TypedDict, total=False):
    """HSDS 3.0 ``phone`` (phones.csv); unknown fields are kept as extra keys."""

    id: str
    location_id: str | None
    service_id: str | None
    organization_id: str | None
    contact_id: str | None
    service_at_location_id: str | None
    number: str | None
    extension: float | None
    type: str | None
    description: str | None


class Contact(TypedDict, total=False):
    """HSDS 3.0 ``contact`` (contacts.csv); unknown fields are kept as extra keys."""

    id: str
    organization_id: str | None
    service_id: str | None
    service_at_location_id: str | None
    location_id: str | None
    name: str | None
    title: str | None
    department: str | None
    email: str | None


class Address(TypedDict, total=False):
    """HSDS 3.0 ``address`` (addresses.csv); unknown fields are kept as extra keys."""

    id: str
    location_id: str | None
    attention: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    region: str | None
    state_province: str | None
    postal_code: str | None
    country: str | None
    address_type: str | None


class Schedule(TypedDict, total=False):
    """HSDS 3.0 ``schedule`` (schedules.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    location_id: str | None
    service_at_location_id: str | None
    valid_from: str | None
    valid_to: str | None
    dtstart: str | None
    timezone: float | None
    until: str | None
    count: float | None
    wkst: str | None
    freq: str | None
    interval: float | None
    byday: str | None
    byweekno: str | None
    bymonthday: str | None
    byyearday: str | None
    description: str | None
    opens_at: str | None
    closes_at: str | None
    schedule_link: str | None
    attending_type: str | None
    notes: str | None


class Funding(TypedDict, total=False):
    """HSDS 3.0 ``funding`` (funding.csv); unknown fields are kept as extra keys."""

    id: str
    organization_id: str | None
    service_id: str | None
    source: str | None


class ServiceArea(TypedDict, total=False):
    """HSDS 3.0 ``service_area`` (service_areas.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    name: str | None
    description: str | None
    extent: str | None
    extent_type: str | None
    uri: str | None


class RequiredDocument(TypedDict, total=False):
    """HSDS 3.0 ``required_document`` (required_documents.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    document: str | None
    uri: str | None


class Language(TypedDict, total=False):
    """HSDS 3.0 ``language`` (languages.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    location_id: str | None
    phone_id: str | None
    name: str | None
    code: str | None
    note: str | None


class Accessibility(TypedDict, total=False):
    """HSDS 3.0 ``accessibility`` (accessibility.csv); unknown fields are kept as extra keys."""

    id: str
    location_id: str | None
    description: str | None
    details: str | None
    url: str | None


class TaxonomyTerm(TypedDict, total=False):
    """HSDS 3.0 ``taxonomy_term`` (taxonomy_terms.csv); unknown fields are kept as extra keys."""

    id: str
    code: str | None
    name: str | None
    description: str | None
    parent_id: str | None
    taxonomy: str | None
    language: str | None
    taxonomy_id: str | None
    term_uri: str | None


class Metadata(TypedDict, total=False):
    """HSDS 3.0 ``metadata`` (metadata.csv); unknown fields are kept as extra keys."""

    id: str
    resource_id: str | None
    resource_type: str | None
    last_action_date: str | None
    last_action_type: str | None
    field_name: str | None
    previous_value: str | None
    replacement_value: str | None
    updated_by: str | None


class MetaTableDescription(TypedDict, total=False):
    """HSDS 3.0 ``meta_table_description`` (meta_table_descriptions.csv); unknown fields are kept as extra keys."""

    id: str
    name: str | None
    language: str | None
    character_set: str | None


class CostOption(TypedDict, total=False):
    """HSDS 3.0 ``cost_option`` (cost_options.csv); unknown fields are kept as extra keys."""

    id: str
    service_id: str | None
    valid_from: str | None
    valid_to: str | None
    option: str | None
    currency: str | None
    amount: float | None
    amount_description: str | None


class OrganizationIdentifier(TypedDict, total=False):
    """HSDS 3.0 ``organization_identifier`` (organization_identifiers.csv); unknown fields are kept as extra keys."""

    id: str
    organization_id: str | None
    identifier_scheme: str | None
    identifier_type: str | None
    identifier: str | None


class Taxonomy(TypedDict, total=False):
    """HSDS 3.0 ``taxonomy`` (taxonomies.csv); unknown fields are kept as extra keys."""

    id: str
    name: str | None
    description: str | None
    uri: str | None
    version: str | None


@dataclass
class Directory:
    """An HSDS directory as flat tables: ``directory.service["<id>"]`` is one service record.

    Each table is a ``dict`` from id to record, in the order records were first met. A record
    holds its scalar fields exactly as read (known HSDS fields and unknown ones) and any unknown
    non-scalar value verbatim; nested records live in their own tables. ``links`` holds the
    foreign keys stated only by nesting (see :class:`Link`); ``info`` the API root document
    (``version``, ``profile``, ``openapi_url``) when one was read.

    Two directories are equal when they hold the same records with the same fields and values
    and the same links, whatever the order.
    """

    organization: dict[str, Organization] = field(default_factory=dict)
    program: dict[str, Program] = field(default_factory=dict)
    service: dict[str, Service] = field(default_factory=dict)
    attribute: dict[str, Attribute] = field(default_factory=dict)
    service_at_location: dict[str, ServiceAtLocation] = field(default_factory=dict)
    location: dict[str, Location] = field(default_factory=dict)
    phone: dict[str, Phone] = field(default_factory=dict)
    contact: dict[str, Contact] = field(default_factory=dict)
    address: dict[str, Address] = field(default_factory=dict)
    schedule: dict[str, Schedule] = field(default_factory=dict)
    funding: dict[str, Funding] = field(default_factory=dict)
    service_area: dict[str, ServiceArea] = field(default_factory=dict)
    required_document: dict[str, RequiredDocument] = field(default_factory=dict)
    language: dict[str, Language] = field(default_factory=dict)
    accessibility: dict[str, Accessibility] = field(default_factory=dict)
    taxonomy_term: dict[str, TaxonomyTerm] = field(default_factory=dict)
    metadata: dict[str, Metadata] = field(default_factory=dict)
    meta_table_description: dict[str, MetaTableDescription] = field(default_factory=dict)
    cost_option: dict[str, CostOption] = field(default_factory=dict)
    organization_identifier: dict[str, OrganizationIdentifier] = field(default_factory=dict)
    taxonomy: dict[str, Taxonomy] = field(default_factory=dict)
    links: set[Link] = field(default_factory=set)
    info: dict[str, Any] = field(default_factory=dict)

    def table(self, entity: str) -> dict[str, Record]:
        """The table of one entity as plain dicts (``KeyError`` for an unknown entity)."""
        if entity not in ENTITIES:
            raise KeyError(f"not an HSDS entity: {entity!r}")
        return cast(dict[str, Record], getattr(self, entity))

    def tables(self) -> Iterable[tuple[str, dict[str, Record]]]:
        """``(entity, table)`` for every entity, in tabular-package order."""
        for name in ENTITIES:
            yield name, self.table(name)

    def __len__(self) -> int:
        return sum(len(t) for _, t in self.tables())

    def references(self, entity: str, record_id: str, fk: str) -> list[str]:
        """The ids ``fk`` of a record points to: its own field, else its links (sorted)."""
        own = self.table(entity)[record_id].get(fk)
        if isinstance(own, str) and own:
            return [own]
        return sorted(
            link.value
            for link in self.links
            if link.entity == entity and link.id == record_id and link.field == fk
        )

    def dangling_references(self) -> list[tuple[str, str, str, str]]:
        """``(entity, id, field, missing id)`` for every foreign key naming no record here."""
        known = {rid for _, table in self.tables() for rid in table}
        out = []
        for name, table in self.tables():
            for rid in table:
                for fk in FOREIGN_KEYS[name]:
                    for target in self.references(name, rid, fk):
                        if target not in known:
                            out.append((name, rid, fk, target))
        return out

    def with_explicit_links(self) -> Directory:
        """A copy with each link written into its record's field (the tabular view).

        Where one field has several links only the first (sorted) fits; the others stay links.
        """
        copy = Directory(info=dict(self.info))
        for name, table in self.tables():
            target = copy.table(name)
            for rid, rec in table.items():
                target[rid] = dict(rec)
        for link in sorted(self.links):
            rec = copy.table(link.entity)[link.id]
            if rec.get(link.field) in (None, ""):
                rec[link.field] = link.value
            elif rec[link.field] != link.value:
                copy.links.add(link)
        return copy


# --------------------------------------------------------------------------------------------
# Reading JSON


_API_ROOT_KEYS = frozenset({"version", "profile", "openapi_url"})
_PAGE_KEYS = frozenset(
    {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"}
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}"
    if _is_number(value):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def guess_entity(obj: Mapping[str, Any]) -> str | None:
    """The HSDS entity a JSON object most likely is, from its keys (``None`` if unclear).

    Each entity scores one point per key it knows (scalar field or nesting key) and loses one
    per key it does not; entities missing a required field are out. A tie is unclear.
    """
    keys = set(obj)
    scores: list[tuple[int, str]] = []
    for name, spec in ENTITIES.items():
        if not set(spec.required) <= keys:
            continue
        known = set(spec.fields) | set(RELATIONS[name])
        scores.append((len(keys & known) - len(keys - known), name))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


def _entity_from_name(name: str) -> str | None:
    stem = Path(name).stem
    for suffix in ("_full", "_list"):
        stem = stem.removesuffix(suffix)
    if stem in ENTITIES:
        return stem
    plural = {spec.table.removesuffix(".csv"): n for n, spec in ENTITIES.items()}
    return plural.get(stem)


class _JsonLoader:
    """Loads nested HSDS JSON into a fresh :class:`Directory`, remembering where each record
    was first met so that errors can name both places."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.directory = Directory()
        self.first_seen: dict[tuple[str, str], str] = {}
        self.pending: list[tuple[Link, str]] = []

    def fail(self, problem: str, record: str, fld: str | None = None) -> FormatError:
        return FormatError(problem, file=self.file, record=record, field=fld)

    def record(self, obj: object, entity: str, path: str) -> str:
        if not isinstance(obj, dict):
            raise self.fail(f"expected an HSDS {entity} object, found {_describe(obj)}", path)
        rid = obj.get("id")
        if rid is None:
            raise self.fail(f"this {entity} has no id (every HSDS record needs one)", path, "id")
        if not isinstance(rid, str) or not rid:
            raise self.fail(f"expected a non-empty string id, found {_describe(rid)}", path, "id")
        spec = ENTITIES[entity]
        rels = RELATIONS[entity]
        values: Record = {}
        for key, value in obj.items():
            if key in rels:
                continue
            if key in spec.fields and value is not None:
                if key in spec.numbers and not _is_number(value):
                    raise self.fail(f"expected a number, found {_describe(value)}", path, key)
                # A number where HSDS says string is kept as it is (feeds, and the official
                # tabular.json example, write numeric codes so); validate() reports it.
                if key not in spec.numbers and not isinstance(value, str | int | float):
                    raise self.fail(f"expected a string, found {_describe(value)}", path, key)
                if isinstance(value, bool):
                    raise self.fail(f"expected a string, found {_describe(value)}", path, key)
                if _is_number(value) and not math.isfinite(value):
                    raise self.fail("expected a finite number", path, key)
            values[key] = value
        self.store(entity, rid, values, path)
        for key, rel in rels.items():
            if key not in obj or obj[key] is None:
                continue
            value = obj[key]
            if rel.many:
                if not isinstance(value, list):
                    raise self.fail(
                        f"expected an array of {rel.child} records, found {_describe(value)}",
                        path,
                        key,
                    )
                for i, item in enumerate(value):
                    child = self.record(item, rel.child, f"{path}.{key}[{i}]")
                    self.pending.append(
                        (Link(rel.child, child, rel.field, rid), f"{path}.{key}[{i}]")
                    )
            else:
                child = self.record(value, rel.child, f"{path}.{key}")
                self.pending.append((Link(entity, rid, rel.field, child), f"{path}.{key}"))
        return rid

    def store(self, entity: str, rid: str, values: Record, path: str) -> None:
        table = self.directory.table(entity)
        old = table.get(rid)
        if old is None:
            table[rid] = values
            self.first_seen[(entity, rid)] = path
            return
        for key, value in values.items():
            if key in old and old[key] != value:
                first = self.first_seen[(entity, rid)]
                raise self.fail(
                    f"{entity} {rid} appears twice with different values for '{key}': "
                    f"{old[key]!r} at {first} and {value!r} at {path}",
                    path,
                    key,
                )
            old.setdefault(key, value)

    def finish(self) -> Directory:
        for link, path in self.pending:
            current = self.directory.table(link.entity)[link.id].get(link.field)
            if current is None:
                self.directory.links.add(link)
            elif current != link.value:
                raise self.fail(
                    f"{link.entity} {link.id} is nested under {link.value} but its "
                    f"'{link.field}' says {current!r}",
                    path,
                    link.field,
                )
        return self.directory


def read_hsds_json(
    source: str | Path | Mapping[str, Any] | list[Any],
    *,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
) -> Directory:
    """Read HSDS 3.x / ORUK JSON into a :class:`Directory`.

    ``source`` is a file path or an already-parsed JSON value: one record (of any entity, with
    nested records), a list of them, a paginated API page (``{"total_items", …, "contents":
    [...]}``; the paging numbers are not kept), the tabular JSON form (``{"services.csv":
    [...], ...}``) or the API root document (kept in ``Directory.info``). ``kind`` names the
    entity of the top-level records; without it the file name (``service_full.json``,
    ``organization_list.json``) and then the record's keys decide.

    A record met twice (by id) is merged; a field with two different values is an error naming
    both places. A file over ``max_bytes`` (default 256 MiB) is refused before it is read.
    Raises :class:`FormatError` naming the file, the record's JSON path
    (``$.contents[0].service_at_locations[0].location``) and the field; nothing is returned.
    """
    file: str | None = None
    if isinstance(source, str | Path):
        path = Path(source)
        file = str(path)
        data: Any = parse_json(read_utf8(path, max_bytes), file)
        if kind is None:
            kind = _entity_from_name(path.name)
    else:
        data = source
    if kind is not None and kind not in ENTITIES:
        raise FormatError(f"unknown HSDS entity {kind!r}; expected one of {', '.join(ENTITIES)}")
    loader = _JsonLoader(file)

    def load(obj: object, path: str) -> None:
        entity = kind
        if entity is None and isinstance(obj, dict):
            entity = guess_entity(obj)
        if entity is None:
            raise loader.fail(
                "cannot tell which HSDS record this is; pass kind= (e.g. kind='service')",
                path,
            )
        loader.record(obj, entity, path)

    if isinstance(data, list):
        for i, item in enumerate(data):
            load(item, f"$[{i}]")
    elif isinstance(data, dict):
        if "contents" in data and _PAGE_KEYS & set(data):
            contents = data["contents"]
            if not isinstance(contents, list):
                raise loader.fail(
                    f"expected an array of records, found {_describe(contents)}", "$", "contents"
                )
            for i, item in enumerate(contents):
                load(item, f"$.contents[{i}]")
        elif data and all(isinstance(k, str) and k.endswith(".csv") for k in data):
            by_table = {spec.table: name for name, spec in ENTITIES.items()}
            for table_name, rows in data.items():
                entity = by_table.get(table_name) or _entity_from_name(table_name)
                if entity is None:
                    raise loader.fail(f"unknown HSDS table {table_name!r}", "$", table_name)
                if not isinstance(rows, list):
                    raise loader.fail(
                        f"expected an array of rows, found {_describe(rows)}", "$", table_name
                    )
                for i, row in enumerate(rows):
                    loader.record(row, entity, f"$[{json.dumps(table_name)}][{i}]")
        elif "id" not in data and kind is None and _API_ROOT_KEYS & set(data):
            loader.directory.info.update(data)
        else:
            load(data, "$")
    else:
        raise loader.fail(f"expected an HSDS object or array, found {_describe(data)}", "$")
    return loader.finish()


# --------------------------------------------------------------------------------------------
# Writing JSON


class _Writer:
    def __init__(self, directory: Directory) -> None:
        self.d = directory
        self.children: dict[tuple[str, str], dict[str, list[str]]] = {}

    def index(self, entity: str, fk: str) -> dict[str, list[str]]:
        key = (entity, fk)
        if key not in self.children:
            by_parent: dict[str, list[str]] = {}
            linked: dict[str, list[str]] = {}
            for link in sorted(self.d.links):
                if link.entity == entity and link.field == fk:
                    linked.setdefault(link.id, []).append(link.value)
            for rid, rec in self.d.table(entity).items():
                own = rec.get(fk)
                targets = [own] if isinstance(own, str) and own else linked.get(rid, [])
                for target in targets:
                    by_parent.setdefault(target, []).append(rid)
            self.children[key] = by_parent
        return self.children[key]

    def render(self, entity: str, rid: str, above: frozenset[str]) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.d.table(entity)[rid])
        above = above | {entity}
        for key, rel in RELATIONS[entity].items():
            if rel.child in above:
                continue
            if rel.many:
                ids = self.index(rel.child, rel.field).get(rid, [])
                if ids:
                    out[key] = [self.render(rel.child, cid, above) for cid in ids]
            else:
                table = self.d.table(rel.child)
                for target in self.d.references(entity, rid, rel.field):
                    if target in table:
                        out[key] = self.render(rel.child, target, above)
                        break
        return out


def write_hsds_json(
    directory: Directory,
    kind: str = "service",
    *,
    nested: bool = True,
    ids: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Every ``kind`` record of ``directory`` (or those in ``ids``) as HSDS JSON objects.

    ``nested=True`` gives the "compiled" shape of the official schemas: each record with its
    related records nested under the HSDS keys (a service with its ``organization``,
    ``service_at_locations`` → ``location``, ``phones``, ``schedules``, ``attributes`` →
    ``taxonomy_term``, …), recursively, never nesting an entity inside itself (a service's
    organization does not list the services again). Empty arrays are left out. Nested records
    keep their own fields; the nesting states links, so no foreign key is invented.

    ``nested=False`` gives flat records with links written into their foreign-key fields (the
    tabular shape, see :meth:`Directory.with_explicit_links`).

    Wrap the list in a page yourself for the API (``{"total_items": …, "contents": out}``).
    """
    if kind not in ENTITIES:
        raise ValueError(f"unknown HSDS entity {kind!r}; expected one of {', '.join(ENTITIES)}")
    source = directory if nested else directory.with_explicit_links()
    table = source.table(kind)
    wanted = list(table) if ids is None else [i for i in ids if i in table]
    if not nested:
        return [dict(table[i]) for i in wanted]
    writer = _Writer(source)
    return [writer.render(kind, i, frozenset()) for i in wanted]


# --------------------------------------------------------------------------------------------
# The tabular CSV package (implemented in kith.formats.hsds_csv)


def read_hsds_csv(
    folder: str | Path,
    *,
    on_dangling: Literal["error", "keep"] = "error",
    max_bytes: int = DEFAULT_MAX_TABLE_BYTES,
) -> Directory:
    """Read the HSDS tabular CSV package in ``folder``; see :func:`kith.formats.hsds_csv.read`."""
    from kith.formats import hsds_csv

    return hsds_csv.read(folder, on_dangling=on_dangling, max_bytes=max_bytes)


def write_hsds_csv(directory: Directory, folder: str | Path) -> list[Path]:
    """Write ``directory`` as the tabular CSV package; see :func:`kith.formats.hsds_csv.write`."""
    from kith.formats import hsds_csv

    return hsds_csv.write(directory, folder)


# --------------------------------------------------------------------------------------------
# Validation against the official schemas (local files only)

_SCHEMA_BASE: dict[str, str] = {
    "hsds": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/",
    "oruk": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/",
}


def default_schema_dir(profile: Profile = "hsds") -> Path:
    """``../shared/data/<profile>/schema`` next to the repository (the test reference data)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data" / profile / "schema"


@functools.lru_cache(maxsize=8)
def _registry(profile: str, folder: Path) -> Registry[Any]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    base = _SCHEMA_BASE[profile]
    resources = []
    for path in sorted(folder.glob("*.json")) + sorted(folder.glob("compiled/*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = base + path.relative_to(folder).as_posix()
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    # No retrieve function: a $ref outside these files fails instead of reaching the internet.
    return Registry().with_resources(resources)


def _schema_file(folder: Path, entity: str) -> str:
    for name in (
        f"compiled/{entity}.json",
        f"compiled/{entity}_with_definitions.json",
        f"{entity}.json",
    ):
        if (folder / name).is_file():
            return name
    raise ValueError(f"no schema for {entity!r} in {folder}")


def _json_path(parts: Iterable[str | int]) -> tuple[str, str | None]:
    path = "$"
    items = list(parts)
    fld: str | None = None
    if items and isinstance(items[-1], str):
        fld = str(items.pop())
    for part in items:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path, fld


def validate(
    obj: Any,
    entity: str,
    profile: Profile = "hsds",
    *,
    schema_dir: str | Path | None = None,
    file: str | None = None,
) -> list[FormatError]:
    """Check a JSON value against the official HSDS (or ORUK) schema of ``entity``.

    ``obj`` is one record, a list of records or an API page (the envelope is checked against
    the OpenAPI ``Page`` schema and each item of ``contents`` against the ``<entity>_list``
    schema when the profile has one, else the entity's). ``entity`` may also name a compiled
    schema directly (``"service_list"``). The compiled schema is preferred (``compiled/
    service.json``; HSDS 3.0 ships ``compiled/service_with_definitions.json``), else the
    per-entity schema with its ``$ref`` resolved from the same folder.

    ``schema_dir`` is the folder holding the profile's schema files (default
    :func:`default_schema_dir`); nothing is ever fetched from the internet. Returns one
    :class:`FormatError` per problem (record = JSON path, field = property), empty if valid.
    """
    from jsonschema import Draft202012Validator

    if profile not in _SCHEMA_BASE:
        raise ValueError(f"unknown profile {profile!r}; expected 'hsds' or 'oruk'")
    folder = Path(schema_dir) if schema_dir is not None else default_schema_dir(profile)
    if not (folder / "openapi.json").is_file() and not (folder / "compiled").is_dir():
        raise FileNotFoundError(
            f"no {profile.upper()} schema folder at {folder}: pass schema_dir= the folder "
            f"holding the official schema files ({_SCHEMA_BASE[profile]}…), "
            "e.g. ../shared/data/hsds/schema"
        )
    registry = _registry(profile, folder.resolve())
    base = _SCHEMA_BASE[profile]

    def check(value: Any, schema_name: str, prefix: list[str | int]) -> list[FormatError]:
        validator = Draft202012Validator({"$ref": base + schema_name}, registry=registry)
        out = []
        for error in validator.iter_errors(value):
            parts: list[str | int] = prefix + list(error.absolute_path)
            record, fld = _json_path(parts)
            message = error.message
            if error.validator == "required" and isinstance(error.instance, dict):
                missing = [r for r in error.validator_value if r not in error.instance]
                if missing:
                    record, fld = _json_path([*parts, "-"])[0], str(missing[0])
                    message = "required field is missing"
            out.append(
                (list(map(str, parts)), FormatError(message, file=file, record=record, field=fld))
            )
        out.sort(key=lambda pair: pair[0])
        return [e for _, e in out]

    if isinstance(obj, dict) and "contents" in obj and _PAGE_KEYS & set(obj):
        errors: list[FormatError] = []
        validator = Draft202012Validator(
            {"$ref": base + "openapi.json#/components/schemas/Page"}, registry=registry
        )
        for error in validator.iter_errors(obj):
            record, fld = _json_path(list(error.absolute_path))
            errors.append(FormatError(error.message, file=file, record=record, field=fld))
        contents = obj["contents"]
        if not isinstance(contents, list):
            return [
                *errors,
                FormatError("expected an array", file=file, record="$", field="contents"),
            ]
        list_schema = folder / "compiled" / f"{entity}_list.json"
        item_schema = (
            f"compiled/{entity}_list.json"
            if list_schema.is_file()
            else _schema_file(folder, entity)
        )
        for i, item in enumerate(contents):
            errors += check(item, item_schema, ["contents", i])
        return errors
    schema = _schema_file(folder, entity)
    if isinstance(obj, list):
        return [e for i, item in enumerate(obj) for e in check(item, schema, [i])]
    return check(obj, schema, [])
