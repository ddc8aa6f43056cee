"""Every change to the directory goes through these functions (one transaction each).

Imports and editors' changes write the HSDS records, the history (:class:`AssetChange`), the
foreign-key tables and the search index together; a failure anywhere changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kith.assets.index import reindex_services
from kith.assets.models import (
    MODELS,
    AssetChange,
    HsdsLink,
    HsdsRecord,
    HsdsRef,
    InterestStatement,
    ProblemReport,
    Service,
    ServiceAtLocation,
    ServiceTerm,
)
from kith.formats import hsds

if TYPE_CHECKING:
    from kith.accounts.models import User
    from kith.maps.models import MapMember

CHUNK = 500
#: Foreign keys that may name records published elsewhere (kept, but not followed).
EXTRA_REFS = {"organization": ("parent_organization_id",), "taxonomy_term": ("parent_id",)}


class DirectoryError(Exception):
    """A change to the directory that cannot be made."""


@dataclass
class ImportSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    services_indexed: int = 0

    def __str__(self) -> str:
        def part(counter: Counter[str]) -> str:
            return ", ".join(f"{n} {e}" for e, n in sorted(counter.items())) or "nothing"

        return (
            f"created {part(self.created)}; updated {part(self.updated)}; "
            f"{self.unchanged} record(s) unchanged"
        )


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


@transaction.atomic
def do_import_directory(
    directory: hsds.Directory, *, source: str, user: User | None = None
) -> ImportSummary:
    """Create or update (by HSDS id) every record of ``directory``; all or nothing.

    A record whose fields are the same as stored is left alone (so importing twice changes
    nothing). Records not in ``directory`` are kept: an import adds and updates, it never deletes.
    """
    summary = ImportSummary()
    links_of: dict[tuple[str, str], list[hsds.Link]] = defaultdict(list)
    for link in directory.links:
        links_of[(link.entity, link.id)].append(link)
    touched: dict[str, set[str]] = defaultdict(set)
    changes: list[AssetChange] = []
    for entity, table in directory.tables():
        if not table:
            continue
        model = MODELS[entity]
        ids = list(table)
        existing: dict[str, HsdsRecord] = {}
        for chunk in _chunks(ids):
            existing.update({r.hsds_id: r for r in model.objects.filter(hsds_id__in=chunk)})
        new: list[HsdsRecord] = []
        changed: list[HsdsRecord] = []
        for rid, record in table.items():
            refs = {}
            for fk in (*hsds.FOREIGN_KEYS[entity], *EXTRA_REFS.get(entity, ())):
                own = record.get(fk)
                if isinstance(own, str) and own:
                    refs[fk] = own
            for link in sorted(links_of[(entity, rid)]):
                refs.setdefault(link.field, link.value)
            values = model.derive(dict(record), refs)
            row = existing.get(rid)
            if row is None:
                new.append(model(hsds_id=rid, data=dict(record), **values))
                changes.append(
                    AssetChange(
                        entity=entity,
                        record_id=rid,
                        action=AssetChange.Action.CREATED,
                        source=source[:300],
                        user=user,
                        fields=sorted(record),
                    )
                )
                summary.created[entity] += 1
            elif row.data != record or any(getattr(row, k) != v for k, v in values.items()):
                changes.append(
                    AssetChange(
                        entity=entity,
                        record_id=rid,
                        action=AssetChange.Action.UPDATED,
                        source=source[:300],
                        user=user,
                        fields=_changed_fields(row.data, record),
                        before=row.data,
                    )
                )
                row.data = dict(record)
                for k, v in values.items():
                    setattr(row, k, v)
                changed.append(row)
                summary.updated[entity] += 1
            else:
                summary.unchanged += 1
                continue
            touched[entity].add(rid)
        model.objects.bulk_create(new, batch_size=CHUNK)
        if changed:
            columns = ["data", "updated_at", *model.derive({}, {}).keys()]
            now = timezone.now()
            for row in changed:
                row.updated_at = now
            model.objects.bulk_update(changed, columns, batch_size=CHUNK)
    # Links stated by nesting: added (never removed: another feed may state them).
    known_links = set()
    link_records = {(link.entity, link.id) for link in directory.links}
    for chunk in _chunks(sorted(link_records)):
        query = Q()
        for entity, rid in chunk:
            query |= Q(entity=entity, record_id=rid)
        known_links |= set(
            HsdsLink.objects.filter(query).values_list("entity", "record_id", "field", "value")
        )
    new_links = [
        HsdsLink(entity=link.entity, record_id=link.id, field=link.field, value=link.value)
        for link in sorted(directory.links)
        if tuple(link) not in known_links
    ]
    HsdsLink.objects.bulk_create(new_links, batch_size=CHUNK)
    for link in new_links:
        touched[link.entity].add(link.record_id)
    _refresh_refs(touched)
    AssetChange.objects.bulk_create(changes, batch_size=CHUNK)
    summary.services_indexed = reindex_services(_affected_services(touched))
    return summary


def _refresh_refs(touched: Mapping[str, set[str]]) -> None:
    """Rebuild :class:`HsdsRef` rows (own fields and links) of the touched records."""
    for entity, ids in touched.items():
        model = MODELS[entity]
        fks = (*hsds.FOREIGN_KEYS[entity], *EXTRA_REFS.get(entity, ()))
        for chunk in _chunks(sorted(ids)):
            HsdsRef.objects.filter(entity=entity, record_id__in=chunk).delete()
            rows = set()
            for rid, data in model.objects.filter(hsds_id__in=chunk).values_list("hsds_id", "data"):
                for fk in fks:
                    value = data.get(fk)
                    if isinstance(value, str) and value:
                        rows.add((rid, fk, value))
            for rid, fk, value in HsdsLink.objects.filter(
                entity=entity, record_id__in=chunk
            ).values_list("record_id", "field", "value"):
                rows.add((rid, fk, value))
            HsdsRef.objects.bulk_create(
                [HsdsRef(entity=entity, record_id=r, field=f, value=v) for r, f, v in sorted(rows)],
                batch_size=CHUNK,
            )


def _affected_services(touched: Mapping[str, set[str]]) -> set[int]:
    """Pks of the services whose search rows may change when these records changed."""
    ids = set().union(*touched.values()) if touched else set()
    if not ids:
        return set()
    owners: set[str] = set(touched.get("service", set()))
    id_list = sorted(ids)
    for chunk in _chunks(id_list):
        # Records pointing at a touched record, and records a touched record points at.
        refs = HsdsRef.objects.filter(Q(value__in=chunk) | Q(record_id__in=chunk))
        for entity, rid, fk, value in refs.values_list("entity", "record_id", "field", "value"):
            if fk == "service_id":
                owners.add(value)
            if entity == "service":
                owners.add(rid)
    locations = touched.get("location", set()) | {
        v
        for v in HsdsRef.objects.filter(
            entity__in=("address", "accessibility", "schedule", "attribute", "language"),
            record_id__in=id_list[:50_000],
        ).values_list("value", flat=True)
    }
    pks: set[int] = set()
    for chunk in _chunks(sorted(owners)):
        pks |= set(Service.objects.filter(hsds_id__in=chunk).values_list("pk", flat=True))
    refs_set = sorted(locations | ids)
    for chunk in _chunks(refs_set):
        sal_services = ServiceAtLocation.objects.filter(
            Q(location_ref__in=chunk) | Q(hsds_id__in=chunk)
        ).values_list("service_ref", flat=True)
        pks |= set(Service.objects.filter(hsds_id__in=sal_services).values_list("pk", flat=True))
        pks |= set(
            ServiceTerm.objects.filter(term_ref__in=chunk).values_list("service_id", flat=True)
        )
        pks |= set(Service.objects.filter(organization_ref__in=chunk).values_list("pk", flat=True))
    return pks


# -- editors -------------------------------------------------------------------------------

#: Service fields an editor may change on the web form (HSDS names).
EDITABLE = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees_description",
    "eligibility_description",
    "application_process",
    "minimum_age",
    "maximum_age",
)


@transaction.atomic
def do_update_service(
    user: User, service: Service, changes: Mapping[str, Any], *, checked: bool = True
) -> Service:
    """Change some HSDS fields of a service; with ``checked`` its ``assured_date`` becomes today."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    before = dict(locked.data)
    data = dict(locked.data)
    for name, value in changes.items():
        if name not in EDITABLE:
            raise DirectoryError(f"field '{name}' cannot be changed here")
        if value in (None, ""):
            data.pop(name, None)
        else:
            data[name] = value
    if checked:
        data["assured_date"] = timezone.localdate().isoformat()
    data["last_modified"] = timezone.now().replace(microsecond=0).isoformat()
    fields = _changed_fields(before, data)
    locked.data = data
    refs = {"organization_id": locked.organization_ref} if locked.organization_ref else {}
    for k, v in Service.derive(data, refs).items():
        setattr(locked, k, v)
    locked.save()
    AssetChange.objects.create(
        entity="service",
        record_id=locked.hsds_id,
        action=AssetChange.Action.UPDATED
        if set(fields) - {"assured_date", "last_modified"}
        else AssetChange.Action.CHECKED,
        source="edit",
        user=user,
        fields=fields,
        before=before,
    )
    reindex_services([locked.pk])
    service.refresh_from_db()
    return locked


def do_mark_checked(user: User, service: Service) -> Service:
    """Record that an editor checked the service and its details are right today."""
    return do_update_service(user, service, {}, checked=True)


@transaction.atomic
def do_report_problem(user: User, service: Service, text: str) -> ProblemReport:
    text = text.strip()
    if not text:
        raise DirectoryError("Say what is wrong.")
    return ProblemReport.objects.create(service=service, reported_by=user, text=text[:5000])


@transaction.atomic
def do_resolve_problem(
    user: User, report: ProblemReport, *, status: str, resolution: str = ""
) -> ProblemReport:
    if status not in (ProblemReport.Status.FIXED, ProblemReport.Status.DISMISSED):
        raise DirectoryError("A report is resolved as fixed or as needing no change.")
    locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ProblemReport.Status.OPEN:
        raise DirectoryError("This report was resolved already.")
    locked.status = status
    locked.resolution = resolution.strip()
    locked.resolved_by = user
    locked.resolved_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def do_save_interest_statement(
    user: User,
    statement: InterestStatement | None,
    *,
    text: str,
    term_refs: list[str],
    position: int,
) -> InterestStatement:
    statement = statement or InterestStatement()
    statement.text = text.strip()
    statement.term_refs = sorted(set(term_refs))
    statement.position = position
    statement.save()
    return statement


# -- links to people -----------------------------------------------------------------------

LINKABLE_KINDS = frozenset({"place", "activity", "group", "service"})


def do_link_member_to_asset(
    user: User, member: MapMember, service: Service | None, *, expected_version: int | None
) -> MapMember:
    """Link a map member (place, activity, group or service) to an asset, or unlink (None).

    Goes through :func:`kith.maps.actions.do_update_member`: the map's version rules apply.
    """
    from kith.maps.actions import do_update_member

    if member.kind not in LINKABLE_KINDS:
        raise DirectoryError("Only a place, activity, group or service can be linked to an asset.")
    return do_update_member(
        user,
        member,
        {"asset_id": service.hsds_id if service is not None else ""},
        expected_version=expected_version,
    )


def review_due_before(months: int, today: dt.date | None = None) -> dt.date:
    """The date before which a service's last check is too old (``months`` months ago)."""
    today = today or timezone.localdate()
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day)
