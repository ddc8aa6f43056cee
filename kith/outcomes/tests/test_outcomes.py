"""Responses (validation, scoring, signing, amendments), schedules, licensed text and charts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kith.accounts.testing import World, make_person
from kith.instruments import InstrumentError, load_builtin
from kith.outcomes import charts, registry
from kith.outcomes.access import due_for_person, due_for_user
from kith.outcomes.actions import (
    ResponseLocked,
    do_amend_response,
    do_create_response,
    do_set_schedule,
    do_sign_response,
    do_update_response,
)
from kith.outcomes.models import Amendment, LicensedText, Response, add_months

TODAY = dt.date.today()
ONS = load_builtin("ons-loneliness")
ONS4 = load_builtin("ons4")

#: A made-up licensed-text file for LSNS-6 (the shape of docs/instruments.md; not the real text).
LSNS_TEXT = {
    "kith": "instrument-text",
    "format_version": 1,
    "instrument": "lsns6",
    "licence": {"holder": "Example Trust", "terms": "Made-up terms", "expires": "2030-01-01"},
    "items": {f"lsns6_{i}": f"Example item {i}" for i in range(1, 7)},
    "response_sets": {"count6": {str(v): f"Option {v}" for v in range(6)}},
}


def test_scores_are_stored_with_the_answers(world: World) -> None:
    person = make_person(world.north)
    # ONS (2018) guidance: hardly ever 1, some of the time 2, often 3; summed 3 to 9.
    r = do_create_response(
        world["ana"],
        person,
        ONS,
        date=TODAY,
        answers={"lack_companionship": 2, "left_out": 2, "isolated": 3, "lonely": 4},
        sign=True,
    )
    assert r.total == 7 and r.band == "Lonely (6 to 9)" and r.is_signed
    assert r.score["items"]["lonely"]["label"] == "Some of the time"
    w = do_create_response(
        world["ana"],
        person,
        ONS4,
        date=TODAY,
        answers={"life_satisfaction": 8, "worthwhile": 7, "happiness": 6, "anxiety": 3},
    )
    assert w.total is None and w.score["total"] is None  # never summed
    assert w.score["items"]["anxiety"]["band"]["label"] == "Low"


def test_validation_range_and_required(world: World) -> None:
    person = make_person(world.north)
    with pytest.raises(InstrumentError, match=r"anxiety.*11 is not an answer"):
        do_create_response(world["ana"], person, ONS4, date=TODAY, answers={"anxiety": 11})
    with pytest.raises(InstrumentError, match="not an item"):
        do_create_response(world["ana"], person, ONS4, date=TODAY, answers={"mood": 1})
    assert not Response.objects.exists()
    # A draft may be incomplete; signing needs every required question.
    draft = do_create_response(world["ana"], person, ONS, date=TODAY, answers={"left_out": 1})
    assert draft.total is None
    with pytest.raises(
        InstrumentError, match="before signing: lack_companionship, isolated, lonely"
    ):
        do_sign_response(world["ana"], draft)
    draft.refresh_from_db()
    assert not draft.is_signed
    with pytest.raises(InstrumentError, match="before signing"):
        do_create_response(
            world["ana"], person, ONS4, date=TODAY, answers={"anxiety": 2}, sign=True
        )


def test_signed_responses_change_only_by_amendment(world: World) -> None:
    person = make_person(world.north)
    answers = {"lack_companionship": 1, "left_out": 1, "isolated": 1, "lonely": 1}
    r = do_create_response(world["ana"], person, ONS, date=TODAY, answers=answers)
    r = do_update_response(
        world["ana"], r, ONS, date=TODAY, answers={**answers, "isolated": 2}, sign=True
    )
    assert r.is_signed and r.signed_by == world["ana"] and r.total == 4
    with pytest.raises(ResponseLocked):
        do_update_response(world["ana"], r, ONS, date=TODAY, answers=answers)
    with pytest.raises(ResponseLocked):
        do_sign_response(world["ana"], r)
    with pytest.raises(ValueError, match="Say why"):
        do_amend_response(world["sam"], r, ONS, answers=answers, reason=" ")
    with pytest.raises(InstrumentError, match="stay complete"):
        do_amend_response(world["sam"], r, ONS, answers={"left_out": 1}, reason="typo")
    r.refresh_from_db()
    assert r.total == 4 and not Amendment.objects.exists()
    a = do_amend_response(
        world["sam"], r, ONS, answers={**answers, "isolated": 3}, reason="Entered the wrong box"
    )
    r.refresh_from_db()
    assert r.total == 5 and r.is_signed
    assert (a.changed_by, a.reason) == (world["sam"], "Entered the wrong box")
    assert a.before["total"] == 4 and a.after["total"] == 5
    assert a.changed_items() == [{"item": "isolated", "before": 2, "after": 3}]


def test_schedule_feeds_the_due_list(world: World) -> None:
    person = make_person(world.north, "Due")
    closed = make_person(world.north, "Closed", status="closed")
    other = make_person(world.south, "Other")
    start = TODAY - dt.timedelta(days=200)
    for p in (person, closed, other):
        do_set_schedule(world["ana"], p, "ons-loneliness", every_months=3, start_on=start)
    do_set_schedule(world["ana"], person, "ons4", every_months=6, start_on=TODAY + dt.timedelta(90))
    assert [d.instrument_id for d in due_for_person(person, TODAY)] == ["ons-loneliness"]
    assert due_for_person(person, TODAY)[0].due_on == start
    answers = {"lack_companionship": 1, "left_out": 1, "isolated": 1, "lonely": 1}
    done = TODAY - dt.timedelta(days=10)
    do_create_response(world["ana"], person, ONS, date=done, answers=answers, sign=True)
    assert due_for_person(person, TODAY) == []
    nxt = due_for_person(person, TODAY + dt.timedelta(days=200))
    assert {(d.instrument_id, d.due_on) for d in nxt} == {
        ("ons-loneliness", add_months(done, 3)),
        ("ons4", TODAY + dt.timedelta(90)),
    }
    assert [d.person_name for d in due_for_user(world["ana"], TODAY)] == []
    assert [d.person_name for d in due_for_user(world["ben"], TODAY)] == ["Other"]
    assert due_for_user(world["dee"], TODAY) == []
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)


def test_load_instrument_command(world: World, tmp_path: Path) -> None:
    good = tmp_path / "lsns6.json"
    good.write_text(json.dumps(LSNS_TEXT))
    with pytest.raises(CommandError, match="organisation"):
        call_command("load_instrument", str(good), "--organisation", "Nope")
    assert (
        registry.available(world.org.pk)[
            [a.id for a in registry.available(world.org.pk)].index("lsns6")
        ].usable
        is False
    )
    call_command("load_instrument", str(good))
    text = LicensedText.objects.get(organisation=world.org, instrument_id="lsns6")
    assert text.licence_holder == "Example Trust" and text.licence_expires == dt.date(2030, 1, 1)
    inst = registry.instrument_for(world.org.pk, "lsns6")
    assert inst.item("lsns6_3").text == "Example item 3"
    bad = dict(LSNS_TEXT, items={**LSNS_TEXT["items"], "lsns6_7": "extra"})
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps({**bad, "licence": {"holder": "Changed", "terms": "x"}}))
    with pytest.raises(CommandError, match=r"bad\.json.*lsns6_7"):
        call_command("load_instrument", str(bad_file))
    text.refresh_from_db()
    assert text.licence_holder == "Example Trust"  # nothing changed
    open_file = tmp_path / "ons.json"
    open_file.write_text(json.dumps({**LSNS_TEXT, "instrument": "ons4"}))
    with pytest.raises(CommandError, match="open instrument"):
        call_command("load_instrument", str(open_file))


def test_charts_are_accessible_svg() -> None:
    svg = charts.line_chart(
        "Loneliness <score>",
        "From 3 to 9",
        [charts.Series("Score", [(dt.date(2025, 1, 1), 7), (dt.date(2025, 6, 1), 5)])],
        y_range=(3, 9),
        bands=[charts.BandArea(3, 5, "Not lonely"), charts.BandArea(6, 9, "Lonely")],
    )
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Loneliness &lt;score&gt;" in svg and "Not lonely" in svg
    bars = charts.stacked_bars("Circles", "d", [("Jan 2025", {"A": 2, "B": 1})], ["A", "B"])
    assert bars.count("<rect") >= 3 and 'aria-labelledby="' in bars
    assert "No scores yet" in charts.line_chart("t", "d", [], y_range=(0, 10))
