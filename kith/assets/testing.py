"""Test helpers: a tiny directory (one of each main record) for URL and access tests."""

from __future__ import annotations

from kith.assets.models import InterestStatement, ProblemReport, Service
from kith.formats import hsds

IDS = {
    "organization": "org-1",
    "service": "svc-1",
    "location": "loc-1",
    "service_at_location": "sal-1",
    "taxonomy": "tax-1",
    "taxonomy_term": "term-1",
}


def sample_directory() -> hsds.Directory:
    d = hsds.Directory()
    d.organization["org-1"] = {"id": "org-1", "name": "Larkhill Friends", "description": "A group."}
    d.service["svc-1"] = {
        "id": "svc-1",
        "organization_id": "org-1",
        "name": "Larkhill Walking Group",
        "description": "A gentle walk.",
        "status": "active",
    }
    d.location["loc-1"] = {
        "id": "loc-1",
        "name": "Larkhill Park",
        "latitude": 53.4,
        "longitude": -1.9,
        "location_type": "physical",
    }
    d.service_at_location["sal-1"] = {"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"}
    d.taxonomy["tax-1"] = {"id": "tax-1", "name": "Activities", "description": "Things to do."}
    d.taxonomy_term["term-1"] = {
        "id": "term-1",
        "name": "Walking",
        "description": "Walks.",
        "taxonomy_id": "tax-1",
    }
    d.attribute["att-1"] = {
        "id": "att-1",
        "link_id": "svc-1",
        "link_type": "service",
        "taxonomy_term_id": "term-1",
    }
    return d


def sample_service() -> Service:
    """The sample directory's service (imported on first use)."""
    from kith.assets.actions import do_import_directory

    service = Service.objects.filter(hsds_id="svc-1").first()
    if service is None:
        do_import_directory(sample_directory(), source="test")
        service = Service.objects.get(hsds_id="svc-1")
    return service


def sample_report() -> ProblemReport:
    service = sample_service()
    report = service.problems.first()
    return report or ProblemReport.objects.create(
        service=service, text="The phone number is wrong."
    )


def sample_statement() -> InterestStatement:
    statement, _ = InterestStatement.objects.get_or_create(
        text="I would like to be more active", defaults={"term_refs": ["term-1"]}
    )
    return statement
