"""The public Open Referral API: every response validates against the official schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from kith.assets.demo import postcodes
from kith.assets.models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from kith.formats import hsds

pytestmark = pytest.mark.django_db


def _get(path: str, **params: Any) -> Any:
    response = Client().get(path, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def _valid(value: Any, entity: str) -> None:
    for profile in ("hsds",):
        errors = hsds.validate(value, entity, profile)  # type: ignore[arg-type]
        assert [str(e) for e in errors[:5]] == []


def test_root(shared_data: Path) -> None:
    body = _get("/openreferral/")
    assert body["version"] == "3.0"
    import json

    from jsonschema import Draft202012Validator

    spec = json.loads((shared_data / "hsds" / "schema" / "openapi.json").read_text())
    schema = spec["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema).iter_errors(body)) == []


def test_lists_and_records_validate(shared_data: Path, demo_directory: None) -> None:
    page = _get("/openreferral/services", per_page=25, page=2)
    assert page["total_items"] == Service.objects.count()
    assert page["page_number"] == 2 and page["size"] == 25 and not page["first_page"]
    assert page["total_pages"] == -(-page["total_items"] // 25)
    _valid(page, "service")
    one = _get(f"/openreferral/services/{page['contents'][0]['id']}")
    assert one["service_at_locations"][0]["location"]["latitude"]
    assert any(a["taxonomy_term"]["name"] for a in one["attributes"])
    _valid(one, "service")

    sals = _get("/openreferral/service_at_locations", per_page=10)
    assert sals["total_items"] == ServiceAtLocation.objects.count()
    _valid(sals, "service_at_location")
    _valid(
        _get(f"/openreferral/service_at_locations/{sals['contents'][0]['id']}"),
        "service_at_location",
    )

    orgs = _get("/openreferral/organizations", per_page=7)
    assert orgs["total_items"] == Organization.objects.count() == 120
    _valid(orgs, "organization")
    _valid(_get(f"/openreferral/organizations/{orgs['contents'][0]['id']}"), "organization")

    taxes = _get("/openreferral/taxonomies")
    assert taxes["total_items"] == Taxonomy.objects.count()
    _valid(taxes, "taxonomy")
    terms = _get("/openreferral/taxonomy_terms", per_page=100)
    assert terms["total_items"] == TaxonomyTerm.objects.count()
    _valid(terms, "taxonomy_term")
    _valid(_get(f"/openreferral/taxonomy_terms/{terms['contents'][0]['id']}"), "taxonomy_term")
    _valid(_get(f"/openreferral/taxonomies/{taxes['contents'][0]['id']}"), "taxonomy")


def test_official_examples_are_served_as_published(shared_data: Path) -> None:
    import json

    path = shared_data / "hsds" / "examples" / "service_full.json"
    call_command("import_assets", str(path))
    raw = json.loads(path.read_text())
    assert _get(f"/openreferral/services/{raw['id']}") == raw


def test_filters(demo_directory: None) -> None:
    creative = TaxonomyTerm.objects.get(code="creative")
    page = _get("/openreferral/services", taxonomy_term_id=creative.hsds_id, per_page=200)
    names = [s["name"] for s in page["contents"]]
    assert names and all(
        ("Pottery" in n or "Art" in n or "Craft" in n or "Shed" in n or "Writing" in n)
        for n in names
    )
    found = _get("/openreferral/services", search="pottery")
    assert found["total_items"] >= 1 and all("Pottery" in s["name"] for s in found["contents"])
    org = Organization.objects.order_by("name").first()
    assert org is not None
    mine = _get("/openreferral/services", organization_id=org.hsds_id, per_page=200)
    assert {s["organization_id"] for s in mine["contents"]} == {org.hsds_id}
    assert _get("/openreferral/services", modified_after="2999-01-01")["empty"] is True
    code, lat, lon = postcodes()[0]
    near = _get("/openreferral/service_at_locations", postcode=code, proximity=1500, per_page=500)
    from kith.assets.geo import distance_km

    assert near["total_items"] > 0
    for sal in near["contents"]:
        loc = sal["location"]
        d = distance_km(lat, lon, loc["latitude"], loc["longitude"])
        covered = Service.objects.get(hsds_id=sal["service_id"]).area_cells.exists()
        assert d <= 1.5 or covered
    monday = _get(
        "/openreferral/services", day="MO", start_time="10:00", end_time="11:00", per_page=500
    )
    assert monday["total_items"] > 0
    from kith.assets.models import ServiceSlot

    for s in monday["contents"]:
        assert ServiceSlot.objects.filter(
            service__hsds_id=s["id"], weekday=0, opens__lte=600, closes__gte=660
        ).exists()


def test_errors_cors_and_read_only(demo_directory: None) -> None:
    client = Client()
    bad = client.get("/openreferral/services", {"per_page": "lots"})
    assert bad.status_code == 400 and "per_page" in bad.json()["detail"]
    assert client.get("/openreferral/services", {"postcode": "ZZ9 9ZZ"}).status_code == 400
    assert client.get("/openreferral/services/nope").status_code == 404
    post = client.post("/openreferral/services", {})
    assert post.status_code == 405 and post["Access-Control-Allow-Origin"] == "*"
    options = client.options("/openreferral/services")
    assert options.status_code == 204 and "GET" in options["Access-Control-Allow-Methods"]


def test_private_individuals_are_never_published(demo_directory: None) -> None:
    from kith.assets.actions import do_import_directory
    from kith.assets.export import load_directory
    from kith.assets.terms import ASSET_TYPE, kith_id

    d = hsds.Directory()
    term = kith_id(ASSET_TYPE, "individual")
    d.taxonomy_term[term] = {
        "id": term,
        "name": "Individual",
        "description": "A person",
        "taxonomy_id": kith_id(ASSET_TYPE),
    }
    d.service["person-1"] = {
        "id": "person-1",
        "name": "Mrs Example, who teaches knitting",
        "status": "active",
    }
    d.attribute["a-1"] = {
        "id": "a-1",
        "link_id": "person-1",
        "link_type": "service",
        "taxonomy_term_id": term,
    }
    do_import_directory(d, source="test")
    assert Service.objects.get(hsds_id="person-1").is_private
    assert Client().get("/openreferral/services/person-1").status_code == 404
    listed = _get("/openreferral/services", search="knitting", per_page=500)
    assert "person-1" not in {s["id"] for s in listed["contents"]}
    assert "person-1" not in load_directory().service
