"""Practitioner search: text, taxonomy, distance, open at a time, needs, free, age; ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from kith.assets import geo, schedules
from kith.assets.demo import CENTRE, postcodes
from kith.assets.models import ServiceIndex, ServiceTerm, TaxonomyTerm
from kith.assets.search import Query, normalise_postcode, postcode_point, search

pytestmark = pytest.mark.django_db


def test_text_search_uses_the_full_text_index(demo_directory: None) -> None:
    found = search(Query(text="potter"), per_page=50)  # prefix of "pottery"
    assert found.total >= 1
    assert all("Pottery" in h.service.name for h in found.hits)
    walk = search(Query(text="walking group larkhill")).hits
    assert walk[0].service.name.startswith("Larkhill Walking Group")
    assert search(Query(text="zzqqxx")).total == 0


def test_taxonomy_distance_and_ranking(demo_directory: None) -> None:
    term = TaxonomyTerm.objects.get(code="outdoors")
    lat, lon = CENTRE
    results = search(Query(term_refs=[term.hsds_id], lat=lat, lon=lon, radius_km=3), per_page=200)
    assert results.total > 0
    distances = [h.distance_km for h in results.hits if not h.covers]
    assert distances == sorted(distances) and max(distances) <= 3  # type: ignore[type-var]
    for h in results.hits:
        assert ServiceTerm.objects.filter(service=h.service, term_ref=term.hsds_id).exists()
    # Services whose area covers the point come first, whatever the distance.
    advice = TaxonomyTerm.objects.get(code="advice")
    ranked = search(Query(term_refs=[advice.hsds_id], lat=lat, lon=lon, radius_km=2), per_page=200)
    covers = [h.covers for h in ranked.hits]
    assert any(covers) and covers == sorted(covers, reverse=True)


def test_open_at_uses_schedules_and_bank_holidays(demo_directory: None) -> None:
    monday_10 = dt.datetime(2026, 5, 11, 10, 30)  # an ordinary Monday
    bank_holiday = dt.datetime(2026, 5, 4, 10, 30)  # Early May bank holiday
    advice = TaxonomyTerm.objects.get(code="advice")
    q = Query(term_refs=[advice.hsds_id], open_at=monday_10)
    open_monday = {h.service.name for h in search(q, per_page=200).hits}
    assert any("Money Advice" in n for n in open_monday)
    q.open_at = bank_holiday
    open_holiday = {h.service.name for h in search(q, per_page=200).hits}
    assert not any("Money Advice" in n for n in open_holiday)  # "PH off"
    q.open_at = dt.datetime(2026, 5, 11, 3, 0)
    assert search(q).total == 0


def test_schedule_rules() -> None:
    weekly = {"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "10:00", "closes_at": "12:00"}
    assert schedules.is_open([weekly], dt.datetime(2026, 3, 3, 11, 0))  # Tuesday
    assert not schedules.is_open([weekly], dt.datetime(2026, 3, 3, 12, 0))
    assert not schedules.is_open([weekly], dt.datetime(2026, 3, 4, 11, 0))
    monthly = {"freq": "MONTHLY", "byday": "1TU", "opens_at": "18:00", "closes_at": "20:00"}
    assert schedules.is_open([monthly], dt.datetime(2026, 3, 3, 19, 0))  # first Tuesday
    assert not schedules.is_open([monthly], dt.datetime(2026, 3, 10, 19, 0))
    last = {"freq": "MONTHLY", "byday": "-1FR", "opens_at": "18:00", "closes_at": "20:00"}
    assert schedules.is_open([last], dt.datetime(2026, 3, 27, 19, 0))
    assert not schedules.is_open([last], dt.datetime(2026, 3, 20, 19, 0))
    osm = {"kith_opening_hours": "Mo-Fr 09:00-17:00; PH off"}
    assert schedules.is_open([osm], dt.datetime(2026, 12, 24, 10, 0))
    assert not schedules.is_open([osm], dt.datetime(2026, 12, 25, 10, 0))
    assert schedules.weekly_slots([osm]) == {(d, 540, 1020) for d in range(5)}
    assert schedules.check_opening_hours("Mo-Fr 09:00-17:00") is None
    assert schedules.check_opening_hours("whenever") is not None


def test_needs_free_and_age(demo_directory: None) -> None:
    free = search(Query(free_only=True), per_page=500).hits
    assert free and all(
        ServiceIndex.objects.filter(service=h.service, free=True).exists() for h in free
    )
    loop = search(Query(needs={"hearing_loop", "wheelchair"}), per_page=500).hits
    assert loop and all(
        ServiceIndex.objects.filter(service=h.service, hearing_loop=True, wheelchair=True).exists()
        for h in loop
    )
    young = search(Query(age=14), per_page=500).hits
    assert young and all((h.service.minimum_age or 0) <= 14 for h in young)
    old = {h.service.pk for h in search(Query(age=40), per_page=500).hits}
    assert all(
        (h.service.maximum_age or 200) >= 40 for h in search(Query(age=40), per_page=500).hits
    )
    assert old


def test_postcodes(tmp_path, db: None) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    assert normalise_postcode("zz11aa") == "ZZ1 1AA"
    assert normalise_postcode("not a postcode") == ""
    path = tmp_path / "onspd.csv"
    path.write_text(
        "pcd,pcds,lat,long,oslaua\n"
        "ZZ1  1AA,ZZ1 1AA,53.400000,-1.900000,E0\n"
        "ZZ9  9ZZ,ZZ9 9ZZ,99.999999,0.000000,E0\n"
    )
    call_command("import_postcodes", str(path))
    assert postcode_point("zz1 1aa") == (53.4, -1.9)
    assert postcode_point("ZZ9 9ZZ") is None  # no grid reference in the file
    call_command("import_postcodes", str(path))  # idempotent
    bad = tmp_path / "bad.csv"
    bad.write_text("pcds,lat,long\nZZ1 2AB,north,-1.9\n")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_postcodes", str(bad))
    assert postcode_point("ZZ1 2AB") is None


def test_geometry() -> None:
    assert geo.distance_km(53.4, -1.9, 53.4, -1.9) == 0
    assert 110 < geo.distance_km(53.0, -1.9, 54.0, -1.9) < 112
    square = [[[(-2.0, 53.0), (-1.0, 53.0), (-1.0, 54.0), (-2.0, 54.0), (-2.0, 53.0)]]]
    assert geo.covers(square, 53.5, -1.5) and not geo.covers(square, 54.5, -1.5)
    assert geo.cell(53.40, -1.90) in geo.cells_near(53.40, -1.90, 1)
    assert geo.polygons("not json") is None
    assert postcodes()[0][0] == "ZZ1 1AA"
