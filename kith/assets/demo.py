"""The demo directory: a fictional area, Riverbend, and its community assets.

Every name, place and postcode here is made up (postcodes use the non-geographic ``ZZ`` area).
The data are deterministic (fixed seed, ids derived from names) and the import is by id, so
loading twice changes nothing. :func:`build_directory` returns HSDS records; ``kith demo``
calls :func:`load_demo_directory`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any, TextIO

from kith.assets.terms import kith_id
from kith.formats import hsds

SEED = 20260404
NAMESPACE = uuid.UUID("0b7a3c1e-2f4d-4e5a-8b6c-9d0e1f2a3b4c")
#: Centre of the fictional area (the numbers place it nowhere in particular).
CENTRE = (53.40, -1.90)
NEIGHBOURHOODS = (
    ("Larkhill", 0.000, 0.000, "ZZ1"),
    ("Brookmere", 0.030, 0.045, "ZZ2"),
    ("Hollow Oak", -0.028, 0.050, "ZZ3"),
    ("Fenwick", 0.035, -0.040, "ZZ4"),
    ("Kestrel Vale", -0.030, -0.050, "ZZ5"),
    ("Millbrook", 0.060, 0.005, "ZZ6"),
    ("Ashby Cross", -0.060, 0.000, "ZZ7"),
    ("Thornfield", 0.005, 0.095, "ZZ8"),
)

TAXONOMIES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "kith-interest": (
        "Interests: what a person may like to do (Kith, GENIE-style)",
        [
            ("creative", "Arts and crafts"),
            ("music", "Music and singing"),
            ("outdoors", "Outdoors and nature"),
            ("gardening", "Gardening"),
            ("physical", "Walking, sport and exercise"),
            ("social", "Meeting people"),
            ("learning", "Learning and courses"),
            ("volunteering", "Volunteering and helping others"),
            ("peer_support", "Peer support"),
            ("food", "Food and cooking"),
            ("faith", "Faith and spirituality"),
            ("reading", "Reading and writing"),
            ("games", "Games and quizzes"),
            ("advice", "Money, housing and work advice"),
        ],
    ),
    "kith-asset-type": (
        "Asset type after Asset-Based Community Development",
        [
            ("association", "Association or group"),
            ("institution", "Institution"),
            ("physical_space", "Physical space"),
            ("economic", "Economic"),
            ("cultural", "Cultural"),
        ],
    ),
    "kith-access-route": (
        "How people get to the service",
        [("signpost_only", "Signpost only"), ("referral_route", "Referral needed")],
    ),
    "kith-practical": (
        "Practical notes",
        [
            ("free", "Free"),
            ("quiet", "Quiet"),
            ("peer_led", "Peer-led"),
            ("women_only", "Women only"),
            ("wheelchair", "Wheelchair access"),
            ("hearing_loop", "Hearing loop"),
            ("near_transport", "Near public transport"),
        ],
    ),
}

#: (activity, interests, asset type, description, day pattern, hours)
ACTIVITIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "Walking Group",
        ("physical", "outdoors", "social"),
        "association",
        "A gentle walk of an hour or so, at the pace of the slowest walker, with a cuppa after.",
    ),
    (
        "Community Garden",
        ("gardening", "outdoors", "volunteering"),
        "physical_space",
        "Grow vegetables and flowers together; no experience needed, tools provided.",
    ),
    (
        "Pottery Class",
        ("creative", "learning"),
        "cultural",
        "Hand-building and wheel pottery for beginners in a small friendly group.",
    ),
    (
        "Hearing Voices Group",
        ("peer_support",),
        "association",
        "A peer-led group for people who hear voices or have unusual experiences.",
    ),
    (
        "Book Club",
        ("reading", "social"),
        "cultural",
        "Read a book a month and talk about it over tea; books lent free.",
    ),
    (
        "Parkrun",
        ("physical", "outdoors"),
        "association",
        "A free, timed 5 km run or walk every Saturday morning; volunteers welcome.",
    ),
    (
        "Community Choir",
        ("music", "social"),
        "cultural",
        "Sing together for joy; no auditions and no need to read music.",
    ),
    (
        "Men's Shed",
        ("creative", "social", "volunteering"),
        "association",
        "Make, mend and chat in a workshop space; woodwork and repairs.",
    ),
    (
        "Cook and Eat",
        ("food", "learning", "social"),
        "association",
        "Cook a healthy meal on a budget together, then sit down and eat it.",
    ),
    (
        "Art Studio Drop-in",
        ("creative",),
        "cultural",
        "Open studio with paints, pastels and clay; a quiet space to create.",
    ),
    (
        "Volunteer Centre",
        ("volunteering",),
        "institution",
        "Find a volunteering role that suits you; we help you get started.",
    ),
    (
        "Library Craft Café",
        ("creative", "social", "reading"),
        "physical_space",
        "Knitting, crochet and crafts in the library, with free tea.",
    ),
    (
        "Money Advice Service",
        ("advice",),
        "institution",
        "Free confidential help with debt, benefits and budgeting.",
    ),
    (
        "Peer Support Café",
        ("peer_support", "social"),
        "association",
        "A relaxed café run by people with lived experience of mental distress.",
    ),
    (
        "Quiz Night",
        ("games", "social"),
        "economic",
        "A friendly pub quiz with soft drinks; teams made up on the night.",
    ),
    (
        "Faith Community Lunch",
        ("faith", "food", "social"),
        "institution",
        "A free hot lunch for anyone, every week, whatever your faith or none.",
    ),
    (
        "Conservation Volunteers",
        ("outdoors", "volunteering", "physical"),
        "association",
        "Look after local woods and ponds: hedge-laying, path-mending, litter-picks.",
    ),
    (
        "Adult Learning Courses",
        ("learning",),
        "institution",
        "Short courses in computing, English, maths and confidence building.",
    ),
    (
        "Creative Writing Group",
        ("reading", "creative"),
        "cultural",
        "Write poems and stories in a supportive group; share if you want to.",
    ),
    (
        "Board Games Club",
        ("games", "social"),
        "association",
        "Board games for all abilities; learn new games or teach your own.",
    ),
    (
        "Swimming Sessions",
        ("physical",),
        "physical_space",
        "Quiet swimming sessions with changing support and a lifeguard.",
    ),
    (
        "Food Bank",
        ("food", "advice"),
        "economic",
        "Emergency food parcels and signposting; a warm welcome and a chat.",
    ),
    (
        "Bike Repair Workshop",
        ("learning", "physical", "volunteering"),
        "economic",
        "Learn to fix your bike, or refurbish donated bikes for others.",
    ),
    (
        "Women's Wellbeing Circle",
        ("peer_support", "social"),
        "association",
        "A women-only space to talk, relax and try new activities.",
    ),
)
ORG_KINDS = ("Trust", "Association", "Community Hub", "Friends Group", "Collective", "Project")
ORG_WORDS = (
    "Heron",
    "Willow",
    "Lantern",
    "Meadow",
    "Copper",
    "Bramble",
    "Kingfisher",
    "Harbour",
    "Oakleaf",
    "Sparrow",
    "Juniper",
    "Fernway",
    "Hazel",
    "Rowan",
    "Tansy",
)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Groups on the demo people's maps (kith/demo.py) that are also in the directory.
MAPPED_GROUPS = (
    ("Hollow Oak walking group", "Hollow Oak", "Walking Group"),
    ("Larkhill community garden", "Larkhill", "Community Garden"),
    ("Tuesday pottery class", "Brookmere", "Pottery Class"),
    ("Riverbend hearing voices group", "Larkhill", "Hearing Voices Group"),
    ("Brookmere library book club", "Brookmere", "Book Club"),
    ("Saturday parkrun at Larkhill", "Larkhill", "Parkrun"),
)
INTEREST_STATEMENTS = (
    ("I would like to do something creative", ["creative", "music", "reading"]),
    ("I would like to get out into nature", ["outdoors", "gardening"]),
    ("I would like to be more active", ["physical"]),
    ("I don't see other people very often", ["social", "peer_support", "games", "food"]),
    ("I would like to help other people", ["volunteering"]),
    ("I would like to learn something new", ["learning"]),
    ("I would like to meet people who understand what I have been through", ["peer_support"]),
    ("I would like help with money or housing", ["advice"]),
    ("I would like somewhere to belong", ["faith", "social"]),
)


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def _box(lat: float, lon: float, half: float) -> str:
    ring = [
        [lon - half * 1.6, lat - half],
        [lon + half * 1.6, lat - half],
        [lon + half * 1.6, lat + half],
        [lon - half * 1.6, lat + half],
        [lon - half * 1.6, lat - half],
    ]
    return json.dumps(
        {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}
    )


def postcodes() -> list[tuple[str, float, float]]:
    """Fictional postcode centroids: four per neighbourhood."""
    out = []
    for _name, dlat, dlon, outward in NEIGHBOURHOODS:
        for i, (a, b) in enumerate(((0, 0), (0.006, 0.006), (-0.006, 0.004), (0.004, -0.007))):
            out.append((f"{outward} {i + 1}AA", CENTRE[0] + dlat + a, CENTRE[1] + dlon + b))
    return out


def build_directory(organisations: int = 120, services: int = 312) -> hsds.Directory:
    """The demo directory as HSDS records (deterministic)."""
    rng = random.Random(SEED)
    d = hsds.Directory()
    term_ids: dict[tuple[str, str], str] = {}
    for tax_name, (description, terms) in TAXONOMIES.items():
        tid = kith_id(tax_name)
        d.taxonomy[tid] = {"id": tid, "name": tax_name, "description": description, "version": "1"}
        for code, label in terms:
            term_id = kith_id(tax_name, code)
            term_ids[(tax_name, code)] = term_id
            d.taxonomy_term[term_id] = {
                "id": term_id,
                "code": code,
                "name": label,
                "description": f"{label} ({tax_name})",
                "taxonomy_id": tid,
            }
    today = dt.date.today()
    org_ids = []
    for n in range(organisations):
        hood = NEIGHBOURHOODS[n % len(NEIGHBOURHOODS)][0]
        name = f"{hood} {ORG_WORDS[n % len(ORG_WORDS)]} {ORG_KINDS[(n // 8) % len(ORG_KINDS)]}"
        oid = _id("organization", name)
        org_ids.append(oid)
        d.organization[oid] = {
            "id": oid,
            "name": name,
            "description": f"A community organisation in {hood} (fictional, for the Kith demo).",
            "email": f"hello{n}@example.org",
            "website": f"https://example.org/{n}",
        }
    plan: list[tuple[str, str, str]] = [(hood, act, "") for _, hood, act in MAPPED_GROUPS]
    combos = [
        (hood[0], act[0], variant)
        for variant in ("", " (evenings)", " (weekends)")
        for hood in NEIGHBOURHOODS
        for act in ACTIVITIES
    ]
    rng.shuffle(combos)
    for combo in sorted(combos, key=lambda c: c[2] != ""):  # plain names first
        if len(plan) >= services:
            break
        if combo not in plan:
            plan.append(combo)
    activities = {a[0]: a for a in ACTIVITIES}
    hoods = {h[0]: h for h in NEIGHBOURHOODS}
    for n, (hood, act, variant) in enumerate(plan):
        _, interests, asset_type, blurb = activities[act]
        _, dlat, dlon, outward = hoods[hood]
        name = f"{hood} {act}{variant}"
        sid = _id("service", name)
        oid = org_ids[n % organisations]
        checked = today - dt.timedelta(days=rng.randrange(0, 600))
        record: dict[str, Any] = {
            "id": sid,
            "organization_id": oid,
            "name": name,
            "description": blurb,
            "email": f"service{n}@example.org",
            "status": "active" if n % 41 else "inactive",
            "assured_date": checked.isoformat(),
            "last_modified": f"{checked.isoformat()}T09:00:00Z",
        }
        if act in ("Parkrun", "Swimming Sessions") or n % 9 == 0:
            record["minimum_age"] = 16
        if n % 23 == 0:
            record["minimum_age"], record["maximum_age"] = 16, 25
            record["eligibility_description"] = "For young people aged 16 to 25."
        paid = act in ("Pottery Class", "Swimming Sessions", "Quiz Night") or n % 11 == 0
        record["fees_description"] = "£3 a session; ask about concessions." if paid else "Free."
        d.service[sid] = record
        cid = _id("cost", sid)
        d.cost_option[cid] = {
            "id": cid,
            "service_id": sid,
            "option": "Per session" if paid else "Free",
            "currency": "GBP",
            "amount": 3 if paid else 0,
        }
        lid = _id("location", name)
        lat = round(CENTRE[0] + dlat + rng.uniform(-0.012, 0.012), 6)
        lon = round(CENTRE[1] + dlon + rng.uniform(-0.018, 0.018), 6)
        d.location[lid] = {
            "id": lid,
            "location_type": "physical",
            "organization_id": oid,
            "name": f"{hood} {rng.choice(['Community Centre', 'Library', 'Church Hall', 'Park', 'Hub', 'Sports Centre'])}",
            "latitude": lat,
            "longitude": lon,
            "transportation": "Bus stop outside." if n % 3 else "",
        }
        if not d.location[lid]["transportation"]:
            del d.location[lid]["transportation"]
        aid = _id("address", lid)
        d.address[aid] = {
            "id": aid,
            "location_id": lid,
            "address_1": f"{1 + n % 90} {rng.choice(['High Street', 'Mill Lane', 'Church Road', 'Park Row'])}",
            "city": hood,
            "state_province": "Riverbend",
            "postal_code": f"{outward} {1 + n % 4}AA",
            "country": "GB",
            "address_type": "physical",
        }
        if n % 2 == 0:
            acc = _id("accessibility", lid)
            d.accessibility[acc] = {
                "id": acc,
                "location_id": lid,
                "description": "Step-free access throughout; accessible toilet."
                + (" Hearing loop at reception." if n % 4 == 0 else ""),
            }
        salid = _id("sal", sid, lid)
        d.service_at_location[salid] = {"id": salid, "service_id": sid, "location_id": lid}
        day = rng.randrange(7)
        start = rng.choice([9, 10, 10, 13, 14, 18])
        schid = _id("schedule", sid)
        schedule: dict[str, Any] = {
            "id": schid,
            "service_id": sid,
            "freq": "WEEKLY",
            "byday": DAYS[day],
            "opens_at": f"{start:02d}:00",
            "closes_at": f"{start + 2:02d}:00",
            "description": f"Every {('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')[day]}, {start:02d}:00 to {start + 2:02d}:00.",
        }
        if act in (
            "Money Advice Service",
            "Volunteer Centre",
            "Food Bank",
            "Adult Learning Courses",
        ):
            schedule = {
                "id": schid,
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:30",
                "closes_at": "16:30",
                "description": "Weekdays 09:30 to 16:30; closed on bank holidays.",
                "kith_opening_hours": "Mo-Fr 09:30-16:30; PH off",
            }
        d.schedule[schid] = schedule
        attrs = [("kith-interest", i) for i in interests] + [("kith-asset-type", asset_type)]
        attrs.append(
            (
                "kith-access-route",
                "referral_route"
                if act in ("Money Advice Service", "Hearing Voices Group")
                else "signpost_only",
            )
        )
        if not paid:
            attrs.append(("kith-practical", "free"))
        if act in ("Hearing Voices Group", "Peer Support Café"):
            attrs.append(("kith-practical", "peer_led"))
        if act == "Women's Wellbeing Circle":
            attrs.append(("kith-practical", "women_only"))
        if act in ("Art Studio Drop-in", "Swimming Sessions", "Book Club"):
            attrs.append(("kith-practical", "quiet"))
        for tax, code in attrs:
            atid = _id("attribute", sid, tax, code)
            d.attribute[atid] = {
                "id": atid,
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_ids[(tax, code)],
            }
        if act in ("Money Advice Service", "Food Bank") and n % 2 == 0:
            said = _id("area", sid)
            d.service_area[said] = {
                "id": said,
                "service_id": sid,
                "name": "All of Riverbend",
                "description": "Phone and home visits anywhere in Riverbend.",
                "extent": _box(CENTRE[0], CENTRE[1], 0.09),
                "extent_type": "geojson",
            }
        pid = _id("phone", sid)
        d.phone[pid] = {"id": pid, "service_id": sid, "number": f"01632 {960000 + n:06d}"[:12]}
    return d


def load_demo_directory(out: TextIO) -> dict[str, int]:
    """Import the demo directory, postcodes and interest statements (idempotent)."""
    from django.db import transaction

    from kith.assets.actions import do_import_directory
    from kith.assets.models import InterestStatement, Postcode, Service
    from kith.demo import member_key
    from kith.maps.models import MapMember

    with transaction.atomic():
        summary = do_import_directory(build_directory(), source="kith demo")
        for code, lat, lon in postcodes():
            Postcode.objects.get_or_create(
                postcode=code, defaults={"latitude": lat, "longitude": lon}
            )
        for position, (text, codes) in enumerate(INTEREST_STATEMENTS):
            InterestStatement.objects.get_or_create(
                text=text,
                defaults={
                    "term_refs": [kith_id("kith-interest", c) for c in codes],
                    "position": position,
                },
            )
        # The groups on the demo people's maps are in the directory: link them (by their demo
        # key: labels are encrypted in the database).
        for label, hood, act in MAPPED_GROUPS:
            service = Service.objects.filter(hsds_id=_id("service", f"{hood} {act}")).first()
            if service is not None:
                MapMember.objects.filter(key=member_key(label), asset_id="").update(
                    asset_id=service.hsds_id
                )
    created = sum(summary.created.values())
    if created:
        out.write(
            f"Demo directory: {summary.created.get('service', 0)} services from "
            f"{summary.created.get('organization', 0)} organisations.\n"
        )
    return {"records": created}
