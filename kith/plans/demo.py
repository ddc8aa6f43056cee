"""Demo plans and outcomes for the demo people (called by :func:`kith.demo.load_demo`).

For each demo person: what matters to them, a round of the cycle per map (the earlier rounds
reviewed, the last one open), goals in their words, steps with follow-ups (some didn't happen,
for the reasons people give; a current one, often a place suggested from their interests, some
overdue now), a reassessment schedule and two years of signed
ONS loneliness and ONS4 questionnaires, every three months. Workers get quarterly fidelity
self-assessments. Everything is deterministic (a fixed seed, dates counted back from today)
and loading twice changes nothing: a person who has goals already is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

SEED = 5_2026

INTERESTS = (
    ("I would like to get out into nature", ("outdoors", "gardening")),
    ("I'd like to do something creative again", ("creative", "music")),
    ("I want to meet people who get it", ("peer_support", "social")),
    ("I'd like to be a bit fitter", ("physical",)),
    ("I used to love reading", ("reading", "learning")),
    ("I want to feel useful", ("volunteering",)),
)
GOALS = {
    "groups": ("I want to get out of the house and meet people", ["connectedness", "hope"]),
    "crisis": ("I want to feel like myself again", ["identity", "hope"]),
    "reconnect": ("I'd like to sort things out with my brother", ["connectedness", "meaning"]),
    "stable": ("Keep doing what I'm doing and try one new thing", ["empowerment", "meaning"]),
}
#: loneliness level 1 (rarely) … 3 (often) at the start and the end of two years, per arc.
LONELINESS = {
    "groups": (2.6, 1.5),
    "crisis": (2.2, 1.9),
    "reconnect": (2.5, 1.7),
    "stable": (1.6, 1.4),
}


def _clamp(v: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(v)))


def _answers(rng: random.Random, level: float) -> tuple[dict[str, int], dict[str, int]]:
    """ONS loneliness and ONS4 answers for a loneliness level (1 rarely … 3 often)."""
    ons = {
        k: _clamp(level + rng.uniform(-0.5, 0.5), 1, 3)
        for k in ("lack_companionship", "left_out", "isolated")
    }
    ons["lonely"] = _clamp(1 + (level - 1) * 2 + rng.uniform(-0.6, 0.6), 1, 5)
    good = 10 - (level - 1) * 3.2
    ons4 = {
        "life_satisfaction": _clamp(good + rng.uniform(-1.5, 1), 0, 10),
        "worthwhile": _clamp(good + rng.uniform(-1, 1.5), 0, 10),
        "happiness": _clamp(good + rng.uniform(-2, 1), 0, 10),
        "anxiety": _clamp(1 + (level - 1) * 3 + rng.uniform(-1.5, 1.5), 0, 10),
    }
    return ons, ons4


def load_plans_demo(out: TextIO) -> dict[str, int]:
    with transaction.atomic():
        created = _load()
    if created["people"]:
        out.write(
            f"Demo plans: {created['goals']} goals, {created['actions']} steps, "
            f"{created['responses']} questionnaires for {created['people']} people.\n"
        )
    return created


def _load() -> dict[str, int]:
    from kith.accounts.models import CASELOAD_ROLES, User
    from kith.demo import member_key
    from kith.instruments import load_builtin
    from kith.maps.models import Map, MapMember, MapStatus
    from kith.outcomes.actions import do_create_response
    from kith.outcomes.models import Schedule
    from kith.people.models import Person
    from kith.plans.access import suggested_assets
    from kith.plans.actions import do_record_fidelity
    from kith.plans.fidelity import item_ids
    from kith.plans.forms import interest_term_choices
    from kith.plans.models import (
        Action,
        Cycle,
        FidelityAssessment,
        FollowUp,
        Goal,
        Interest,
    )

    today = timezone.localdate()
    ons, ons4 = load_builtin("ons-loneliness"), load_builtin("ons4")
    terms = dict(
        zip([c for c, _ in _codes()], [t for t, _ in interest_term_choices()], strict=True)
    )
    created = {"people": 0, "goals": 0, "actions": 0, "responses": 0}
    rng = random.Random(SEED)
    # References are encrypted in the database: pick the demo people out here, not in SQL.
    people = sorted(
        (p for p in Person.objects.all() if p.reference.startswith("DEMO-")),
        key=lambda p: p.reference,
    )
    for person in people:
        person_rng = random.Random(rng.random())
        if Goal.objects.filter(person=person).exists():
            continue
        from kith.demo import PEOPLE

        index = int(person.reference.split("-")[1]) - 1
        arc = PEOPLE[index][3] if 0 <= index < len(PEOPLE) else "stable"
        worker = person.key_worker
        created["people"] += 1
        for position, (text, codes) in enumerate(person_rng.sample(INTERESTS, 2), start=1):
            Interest.objects.create(
                person=person,
                text=text,
                term_ids=sorted(terms[c] for c in codes),
                position=position,
                created_by=worker,
            )
        maps = list(Map.objects.filter(person=person).order_by("date", "id"))
        # Rounds: one per map (assess at the map, review at the next one).
        cycles = []
        finals = [m for m in maps if m.status == MapStatus.FINAL]
        draft = next((m for m in maps if m.status != MapStatus.FINAL), None)
        for number, the_map in enumerate(finals, start=1):
            nxt = finals[number] if number < len(finals) else None
            reviewing = nxt is None and draft is not None
            stage = "closed" if nxt is not None else ("review" if reviewing else "support")
            review = nxt or (draft if reviewing else None)
            cycle = Cycle.objects.create(
                person=person,
                number=number,
                stage=stage,
                assess_on=the_map.date,
                plan_on=the_map.date + dt.timedelta(days=7),
                support_on=the_map.date + dt.timedelta(days=14),
                review_on=review.date if review else None,
                closed_on=nxt.date if nxt else None,
                review_map=review,
                questionnaires_due=["ons-loneliness", "ons4"] if review else [],
                review_note=(
                    "Talked through the new map together; keep going with what is working."
                    if nxt
                    else ""
                ),
                created_by=worker,
            )
            cycles.append(cycle)
        wording, chime = GOALS.get(arc, GOALS["stable"])
        first = cycles[0] if cycles else None
        goal = Goal.objects.create(
            person=person,
            cycle=first,
            wording=wording,
            owner=person_rng.choice(["person", "both"]),
            chime=chime,
            target_date=today + dt.timedelta(days=90),
            created_by=worker,
        )
        created["goals"] += 1
        start = first.support_on if first else today - dt.timedelta(days=200)
        # A new connection: the first asset-linked member on a later map, else a made-up one.
        linked = (
            MapMember.objects.filter(map__person=person)
            .exclude(asset_id="")
            .order_by("map__date", "id")
            .first()
        )
        asset_id = linked.asset_id if linked else ""
        asset_name = linked.label if linked else "Larkhill community garden"
        new = Action.objects.create(
            goal=goal,
            description=f"Go along to {asset_name}",
            kind="new",
            asset_id=asset_id,
            asset_name=asset_name,
            due_date=start + dt.timedelta(days=7),
            follow_up_by=start + dt.timedelta(days=14),
            created_by=worker,
        )
        created["actions"] += 1
        if asset_id or person_rng.random() < 0.5:
            # Didn't go the first time (a common reason), went with a buddy the second time.
            barrier = person_rng.choice(["transport", "anxiety", "cost", "motivation"])
            FollowUp.objects.create(
                action=new,
                date=start + dt.timedelta(days=13),
                happened="no",
                barriers=[barrier],
                next_step="replan",
                next_follow_up=start + dt.timedelta(days=28),
                notes="Try again with a peer supporter as a buddy.",
                was_due=start + dt.timedelta(days=14),
                recorded_by=worker,
            )
            FollowUp.objects.create(
                action=new,
                date=start + dt.timedelta(days=26 + person_rng.randint(0, 6)),
                happened="yes",
                company="peer",
                next_step="done",
                notes="Went with a buddy and wants to go again.",
                was_due=start + dt.timedelta(days=28),
                recorded_by=worker,
            )
            new.status = "done"
            new.follow_up_by = start + dt.timedelta(days=28)
            new.save(update_fields=["status", "follow_up_by"])
        if (
            arc == "reconnect"
            and MapMember.objects.filter(map__person=person, key=member_key("Brother Sol")).exists()
        ):
            Action.objects.create(
                goal=goal,
                description="Send Sol a message",
                kind="reconnect",
                member_key=member_key("Brother Sol"),
                member_label="Brother Sol",
                due_date=start + dt.timedelta(days=10),
                status="done",
                created_by=worker,
            )
            created["actions"] += 1
        # A current step; for some people its follow-up is overdue. For most it is a place
        # suggested from what matters to them (so their "My connections" PDF says how to get
        # there and when it is open).
        late = person_rng.random() < 0.4
        suggested = suggested_assets(person, size=3)
        if suggested and person_rng.random() < 0.7:
            service = suggested[person_rng.randrange(len(suggested))].hit.service
            step = {
                "description": f"Try {service.name} once",
                "kind": "new",
                "asset_id": service.hsds_id,
                "asset_name": service.name,
            }
        else:
            step = {
                "description": person_rng.choice(
                    [
                        "Look at the library's events list together",
                        "Ring the walking group about Saturday",
                        "Try the drop-in café once",
                    ]
                ),
                "kind": "other",
            }
        Action.objects.create(
            goal=goal,
            **step,
            due_date=today - dt.timedelta(days=10) if late else today + dt.timedelta(days=10),
            follow_up_by=today - dt.timedelta(days=3) if late else today + dt.timedelta(days=17),
            created_by=worker,
        )
        created["actions"] += 1
        # Two years of questionnaires, every three months.
        lo_start, lo_end = LONELINESS.get(arc, LONELINESS["stable"])
        begin = today - dt.timedelta(days=730)
        for step in range(9):
            date = begin + dt.timedelta(days=90 * step + person_rng.randint(0, 8))
            if date > today:
                break
            level = lo_start + (lo_end - lo_start) * step / 8
            if arc == "crisis" and 3 <= step <= 4:
                level = min(3.0, level + 0.8)
            a1, a2 = _answers(person_rng, level)
            do_create_response(worker, person, ons, date=date, answers=a1, sign=True)
            do_create_response(worker, person, ons4, date=date, answers=a2, sign=True)
            created["responses"] += 2
        for instrument_id in ("ons-loneliness", "ons4"):
            Schedule.objects.get_or_create(
                person=person,
                instrument_id=instrument_id,
                defaults={"every_months": 3, "start_on": begin},
            )
    # Quarterly fidelity self-assessments for the caseload workers, over two years.
    items = item_ids()
    for user in User.objects.filter(
        memberships__role__in=CASELOAD_ROLES, username__in=["ana", "sam", "ben", "lee"]
    ).distinct():
        if FidelityAssessment.objects.filter(user=user).exists():
            continue
        user_rng = random.Random(f"{SEED}-{user.username}")
        team = user.memberships.filter(role__in=CASELOAD_ROLES).first().team
        for q in range(8):
            date = today - dt.timedelta(days=730 - 91 * q)
            base = 1.0 + q * 0.2
            answers = {i: _clamp(base + user_rng.uniform(-0.8, 0.8), 0, 3) for i in items}
            do_record_fidelity(user, team, date, answers)
    return created


def _codes() -> Any:
    from kith.plans.forms import INTEREST_TERMS

    return INTEREST_TERMS
