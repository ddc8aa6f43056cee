"""The demo data set: a fictional service to try Kith with (``kith demo`` calls :func:`load_demo`).

Everything here is made up: the service, its teams, workers, the people supported and every
place and group on their maps. The data are deterministic (a fixed seed): the same people, maps and
members every time, with dates counted back from the day of loading (so some reviews are due
and some are not whenever the demo is loaded). Loading twice changes nothing: existing users, teams and people (found by their demo reference)
are left as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

PASSWORD = "kith-demo"
ORGANISATION = "Riverbend Wellbeing Service (demo)"
#: Length of each person's story: their maps span at most this many days before loading.
SPAN_DAYS = 540
SEED = 20260101

#: username, first name, last name, [(team, role)], superuser
USERS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...], bool], ...] = (
    ("ana", "Ana", "Whitlow", (("North", "practitioner"),), False),
    ("sam", "Sam", "Ferrand", (("North", "practitioner"),), False),
    ("ben", "Ben", "Okorie", (("South", "practitioner"),), False),
    ("lee", "Lee", "Marchetti", (("North", "team_lead"),), False),
    (
        "dee",
        "Dee",
        "Hollins",
        (("North", "directory_editor"), ("South", "directory_editor")),
        False,
    ),
    ("admin", "Alex", "Admin", (("North", "admin"), ("South", "admin")), True),
)

PEOPLE: tuple[tuple[str, str, str, str], ...] = (
    # display name, pronouns, team, arc
    ("Rowan T.", "they/them", "North", "groups"),
    ("Marnie K.", "she/her", "North", "crisis"),
    ("J.D.", "he/him", "North", "reconnect"),
    ("Tobias W.", "he/him", "North", "groups"),
    ("Priya S.", "she/her", "North", "stable"),
    ("Ellis M.", "he/him", "North", "crisis"),
    ("Nadia F.", "she/her", "North", "groups"),
    ("Owen L.", "he/him", "North", "reconnect"),
    ("Grace P.", "she/her", "North", "crisis"),
    ("Kit B.", "they/them", "North", "groups"),
    ("Harriet O.", "she/her", "North", "stable"),
    ("Amir R.", "he/him", "North", "groups"),
    ("Lou C.", "", "North", "crisis"),
    ("Wren A.", "she/her", "North", "reconnect"),
    ("Callum E.", "he/him", "North", "groups"),
    ("Sunita V.", "she/her", "North", "stable"),
    ("Fen H.", "they/them", "South", "groups"),
    ("Dorothy N.", "she/her", "South", "crisis"),
    ("Mo Y.", "he/him", "South", "groups"),
    ("Iris G.", "she/her", "South", "reconnect"),
    ("Patrick Z.", "he/him", "South", "stable"),
    ("Bea J.", "she/her", "South", "crisis"),
    ("Tariq D.", "he/him", "South", "groups"),
    ("Min Q.", "she/her", "South", "groups"),
    ("R.S.", "", "South", "crisis"),
    ("Ossie U.", "he/him", "South", "reconnect"),
    ("Lena X.", "she/her", "South", "stable"),
)

FAMILY = ("Mum", "Dad", "Sister Jo", "Brother Kai", "Nan", "Auntie Pat", "Cousin Lu", "Son Alfie")
FRIENDS = ("Friend Dani", "Friend Chris", "Mel from school", "Neighbour Viv", "Old workmate Stu")
PETS = ("Biscuit the dog", "Pepper the cat", "Budgie Bo")
PLACES = ("Fenwick Lane café", "Larkhill park", "Brookmere library")
PROFESSIONALS = ("Care coordinator", "GP", "Peer support worker")
#: Groups, places and activities a person may join, each with someone they meet there.
GROUPS = (
    ("Hollow Oak walking group", "group", "Walking buddy Ray"),
    ("Larkhill community garden", "place", "Jas from the garden"),
    ("Tuesday pottery class", "activity", "Noor from pottery"),
    ("Riverbend hearing voices group", "group", "Tam from the voices group"),
    ("Brookmere library book club", "group", "Eli from book club"),
    ("Saturday parkrun at Larkhill", "activity", "Running mate Bex"),
)


def member_key(label: str) -> str:
    """The demo member key of ``label``: opaque like the app's own keys (keys are stored
    unencrypted, so they must not carry a name) and the same on every load."""
    return "m" + hashlib.sha256(f"kith-demo:{label}".encode()).hexdigest()[:10]


@dataclass
class Draft:
    """One map being composed: members by key (dicts of core fields) and ties by pair."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    ties: set[tuple[str, str]] = field(default_factory=set)

    def add(self, label: str, **fields: Any) -> str:
        key = member_key(label)
        fields.setdefault("kind", "person")
        self.members[key] = {"key": key, "label": label, **fields}
        return key

    def remove(self, key: str) -> None:
        self.members.pop(key, None)
        self.ties = {t for t in self.ties if key not in t}

    def tie(self, a: str, b: str) -> None:
        if a != b and a in self.members and b in self.members:
            self.ties.add((min(a, b), max(a, b)))

    def copy(self) -> Draft:
        return Draft({k: dict(v) for k, v in self.members.items()}, set(self.ties))


def _first_map(rng: random.Random, arc: str) -> Draft:
    d = Draft()
    family = rng.sample(FAMILY, rng.randint(1, 3))
    for i, label in enumerate(family):
        d.add(
            label,
            relationship="family",
            circle=1 if i == 0 else 2,
            contact=rng.choice(["daily", "weekly", "monthly"]),
            support_received=rng.sample(["emotional", "practical", "companionship"], 2),
            support_given=["emotional"] if rng.random() < 0.5 else [],
            feeling=rng.choice(["positive", "positive", "mixed"]),
        )
    friends = rng.sample(FRIENDS, 3 if arc == "crisis" else rng.randint(0, 2))
    for label in friends:
        d.add(
            label,
            relationship="neighbour" if label.startswith("Neighbour") else "friend",
            circle=rng.choice([2, 3]),
            contact=rng.choice(["weekly", "monthly", "less"]),
            support_received=["companionship"],
            support_given=["companionship"],
            feeling="positive",
        )
    for label in PROFESSIONALS[: rng.randint(1, 2)]:
        d.add(
            label,
            relationship="professional",
            circle=2,
            contact="monthly",
            support_received=["information", "practical"],
            feeling=rng.choice(["positive", "mixed"]),
        )
    if rng.random() < 0.5:
        d.add(
            rng.choice(PETS),
            kind="pet",
            circle=1,
            contact="daily",
            support_received=["companionship"],
            feeling="positive",
        )
    if rng.random() < 0.6:
        d.add(rng.choice(PLACES), kind="place", circle=3, contact=rng.choice(["weekly", "monthly"]))
    if arc == "reconnect":
        d.add(
            "Brother Sol",
            relationship="family",
            circle=3,
            contact="never",
            feeling="mixed",
            wish="reconnect",
        )
    keys = list(d.members)
    fam = [k for k in keys if d.members[k].get("relationship") == "family"]
    for a in fam:
        for b in fam:
            d.tie(a, b)
    pros = [k for k in keys if d.members[k].get("relationship") == "professional"]
    if len(pros) == 2:
        d.tie(*pros)
    friends_keys = [k for k in keys if d.members[k].get("relationship") in ("friend", "neighbour")]
    for a, b in pairwise(friends_keys):
        if rng.random() < 0.6:
            d.tie(a, b)
    if fam and friends_keys and rng.random() < 0.4:
        d.tie(fam[0], friends_keys[0])
    return d


def _next_map(rng: random.Random, arc: str, step: int, before: Draft) -> Draft:
    d = before.copy()
    if arc == "crisis" and step == 1:
        # A crisis: friends drift away, contact thins, services move to the centre.
        for key in [
            k for k, m in d.members.items() if m.get("relationship") in ("friend", "neighbour")
        ][:2]:
            d.remove(key)
        for m in d.members.values():
            if m.get("relationship") == "professional":
                m["circle"], m["contact"] = 1, "weekly"
            elif m.get("relationship") == "family" and m.get("circle") == 2:
                m["circle"], m["contact"] = 3, "less"
        d.add(
            "Home treatment team",
            kind="service",
            relationship="professional",
            circle=1,
            contact="daily",
            support_received=["practical", "information"],
        )
        d.tie(member_key("Care coordinator"), member_key("Home treatment team"))
    elif arc == "crisis":
        # Recovery: the crisis service steps back, one new connection through a group.
        d.remove(member_key("Home treatment team"))
        label, kind, friend = GROUPS[(step + len(d.members)) % len(GROUPS)]
        g = d.add(
            label,
            kind=kind,
            circle=3,
            contact="weekly",
            support_received=["companionship"],
            feeling="positive",
        )
        f = d.add(
            friend,
            relationship="peer",
            circle=3,
            contact="weekly",
            support_received=["companionship"],
            support_given=["companionship"],
            feeling="positive",
        )
        d.tie(g, f)
        for m in d.members.values():
            if m.get("relationship") == "professional":
                m["circle"], m["contact"] = 2, "monthly"
    elif arc == "groups":
        # Joining groups: new places and peers, and the professionals move outwards.
        label, kind, friend = GROUPS[(step * 2 + len(d.members)) % len(GROUPS)]
        g = d.add(
            label,
            kind=kind,
            circle=3 if step == 1 else 2,
            contact="weekly",
            support_received=["companionship"],
            feeling="positive",
        )
        f = d.add(
            friend,
            relationship="peer",
            circle=3 if step == 1 else 2,
            contact="weekly",
            support_received=["companionship", "emotional"],
            support_given=["companionship"],
            feeling="positive",
        )
        d.tie(g, f)
        if step >= 2:
            for m in d.members.values():
                if m.get("relationship") == "professional":
                    m["circle"], m["contact"] = 3, "less"
    elif arc == "reconnect":
        sol_key = member_key("Brother Sol")
        if sol_key in d.members:
            sol = d.members[sol_key]
            sol.update(circle=3 if step == 1 else 2, contact="monthly" if step == 1 else "weekly")
            if step >= 2:
                sol.update(wish="none", feeling="positive", support_received=["emotional"])
                for k in list(d.members):
                    if d.members[k].get("relationship") == "family":
                        d.tie(sol_key, k)
    else:  # stable: small shifts of contact and feeling
        keys = sorted(d.members)
        if keys:
            m = d.members[keys[step % len(keys)]]
            if m.get("kind") == "person":
                m["contact"] = rng.choice(["daily", "weekly", "monthly"])
    return d


def _map_dates(rng: random.Random, count: int, end: dt.date) -> list[dt.date]:
    """``count`` dates over the last 18 months: the first early on, the last in the last four."""
    first = rng.randrange(0, 90, 5)
    last = rng.randrange(SPAN_DAYS - 120, SPAN_DAYS, 5)
    middle = sorted(rng.sample(range(first + 30, last - 30, 10), count - 2))
    start = end - dt.timedelta(days=SPAN_DAYS)
    return [start + dt.timedelta(days=d) for d in (first, *middle, last)]


def load_demo(stdout: TextIO | None = None) -> dict[str, int]:
    """Create the demo service if it is not there yet; print the demo logins.

    Sets Django up and applies migrations first if needed, so ``kith demo`` works on a fresh
    data folder. Returns the number of users, people and maps created by this call (all 0
    the second time).
    """
    from django.apps import apps

    if not apps.ready:
        from kith.server import setup_django

        setup_django()
    _migrate_if_needed()
    result = _load(stdout or sys.stdout)
    from kith.assets.demo import load_demo_directory

    load_demo_directory(stdout or sys.stdout)
    from kith.plans.demo import load_plans_demo

    load_plans_demo(stdout or sys.stdout)
    return result


def _migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


@transaction.atomic
def _load(out: TextIO) -> dict[str, int]:
    from django.contrib.auth.hashers import make_password

    from kith.accounts.models import Membership, Organisation, Team, User
    from kith.maps.models import Map, MapMember, MapStatus, MapTie
    from kith.network import Member
    from kith.people.models import (
        REVIEW_INTERVAL,
        ConsentHow,
        LawfulBasis,
        Person,
        SpecialCategoryCondition,
    )

    created = {"users": 0, "people": 0, "maps": 0}
    org, _ = Organisation.objects.get_or_create(name=ORGANISATION)
    teams = {
        name: Team.objects.get_or_create(organisation=org, name=name)[0]
        for name in ("North", "South")
    }
    users: dict[str, User] = {}
    password_hash = ""
    for username, first, last, roles, superuser in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, organisation=org)
            user.is_staff = user.is_superuser = superuser
            # One hash for all: the demo password is public anyway, and hashing is slow.
            password_hash = password_hash or make_password(PASSWORD)
            user.password = password_hash
            user.save()
            created["users"] += 1
        for team_name, role in roles:
            Membership.objects.get_or_create(user=user, team=teams[team_name], role=role)
        users[username] = user

    workers = {"North": [users["ana"], users["sam"]], "South": [users["ben"]]}
    rng = random.Random(SEED)
    end = timezone.localdate()
    # References are encrypted in the database: compare them here, not in SQL.
    loaded = {(p.team_id, p.reference) for p in Person.objects.only("team", "reference")}
    for index, (name, pronouns, team_name, arc) in enumerate(PEOPLE, start=1):
        # Every person draws from the generator whether or not they exist, so a partial load
        # followed by a full one gives the same data as one full load.
        person_rng = random.Random(rng.random())
        reference = f"DEMO-{index:03d}"
        team = teams[team_name]
        if (team.pk, reference) in loaded:
            continue
        count = 2 + person_rng.randint(0, 2)
        dates = _map_dates(person_rng, count, end)
        person = Person.objects.create(
            team=team,
            display_name=name,
            reference=reference,
            pronouns=pronouns,
            birth_year=1950 + person_rng.randint(0, 55),
            key_worker=workers[team_name][index % len(workers[team_name])],
            consent_date=dates[0],
            consent_by="the person",
            consent_how=person_rng.choice([ConsentHow.VERBAL, ConsentHow.WRITTEN]),
            consent_recorded_by=workers[team_name][index % len(workers[team_name])],
            # What a council or NHS mental-health service usually records (docs/security.md).
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_category_condition=SpecialCategoryCondition.HEALTH_SOCIAL_CARE,
        )
        created["people"] += 1
        drafts = [_first_map(person_rng, arc)]
        for step in range(1, count):
            drafts.append(_next_map(person_rng, arc, step, drafts[-1]))
        last_is_draft = index % 5 == 0
        previous: Map | None = None
        for number, (date, draft) in enumerate(zip(dates, drafts, strict=True)):
            final = not (last_is_draft and number == count - 1)
            worker = person.key_worker
            the_map = Map.objects.create(
                person=person,
                date=date,
                status=MapStatus.FINAL if final else MapStatus.DRAFT,
                version=1,
                based_on=previous,
                created_by=worker,
                finalised_by=worker if final else None,
                finalised_at=timezone.make_aware(dt.datetime.combine(date, dt.time(15, 0)))
                if final
                else None,
                notes="Mapped together at a home visit." if number == 0 else "Review.",
            )
            rows = MapMember.objects.bulk_create(
                [
                    MapMember(map=the_map, **MapMember.fields_from_member(Member(**fields)))
                    for fields in draft.members.values()
                ]
            )
            by_key = {m.key: m for m in rows}
            if any(m.pk is None for m in rows):
                by_key = {m.key: m for m in the_map.members.all()}
            MapTie.objects.bulk_create(
                [MapTie(map=the_map, a=by_key[a], b=by_key[b]) for a, b in sorted(draft.ties)]
            )
            the_map.to_network()
            created["maps"] += 1
            previous = the_map
            if final:
                person.next_review = date + REVIEW_INTERVAL
        person.save(update_fields=["next_review"])

    if created["users"] or created["people"]:
        out.write(
            f"Demo loaded: {created['users']} users, {created['people']} people, "
            f"{created['maps']} maps.\n"
        )
    else:
        out.write("The demo data are already loaded; nothing changed.\n")
    out.write(login_text())
    return created


def login_text() -> str:
    lines = [f"Demo logins (password for all: {PASSWORD}):"]
    roles = {
        "ana": "practitioner, team North",
        "sam": "practitioner, team North",
        "ben": "practitioner, team South",
        "lee": "team lead, team North",
        "dee": "directory editor",
        "admin": "admin (user and team management at /admin/)",
    }
    lines += [f"  {name:<6} {text}" for name, text in roles.items()]
    return "\n".join(lines) + "\n"
