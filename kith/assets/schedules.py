"""When a service is open: HSDS 3 schedules (RRULE fields) and OpenStreetMap ``opening_hours``.

HSDS schedules stay the published truth; ``kith_opening_hours`` (an OSM opening_hours string,
evaluated with the maintained ``opening-hours-py`` library and the UK bank-holiday calendar)
says what RRULE fields cannot, such as "PH off". :func:`weekly_slots` turns both into weekly
opening slots for an indexed prefilter; :func:`is_open` decides for a given date and time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The country whose public holidays "PH" means (ISO code).
COUNTRY = "GB"


def minutes(value: Any) -> int | None:
    """'10:00', '10:00:00', '10:00:00Z' → 600; anything else → None."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    parts = value.strip().rstrip("Z").split("+")[0].split(":")
    try:
        hours, mins = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None
    if not (0 <= hours <= 24 and 0 <= mins < 60):
        return None
    return min(hours * 60 + mins, 1440)


def _days(byday: Any) -> list[tuple[int, int | None]]:
    """'MO,TU' → [(0, None), (1, None)]; '1TU,-1FR' → [(1, 1), (4, -1)] (weekday, ordinal)."""
    if not isinstance(byday, str):
        return []
    out = []
    for part in byday.upper().replace(" ", "").split(","):
        if len(part) < 2 or part[-2:] not in DAYS:
            continue
        ordinal = part[:-2]
        try:
            out.append((DAYS.index(part[-2:]), int(ordinal) if ordinal else None))
        except ValueError:
            continue
    return out


def _osm(expression: str) -> Any:
    import opening_hours

    return opening_hours.OpeningHours(expression, country=COUNTRY)


def check_opening_hours(expression: str) -> str | None:
    """None if the OSM opening_hours string parses, else the parser's first line."""
    try:
        _osm(expression)
    except Exception as error:  # the library raises its own ParserError
        return str(error).splitlines()[0]
    return None


def weekly_slots(schedules: Iterable[dict[str, Any]]) -> set[tuple[int, int, int]]:
    """(weekday, opens, closes) for every weekly opening the schedules state (a superset)."""
    slots: set[tuple[int, int, int]] = set()
    for s in schedules:
        osm = s.get("kith_opening_hours")
        if isinstance(osm, str) and osm.strip():
            slots |= _osm_slots(osm)
            continue
        opens, closes = minutes(s.get("opens_at")), minutes(s.get("closes_at"))
        if opens is None:
            continue
        if closes is None or closes <= opens:
            closes = 1440
        freq = str(s.get("freq") or "WEEKLY").upper()
        days = [d for d, _ in _days(s.get("byday"))]
        if not days and freq == "DAILY":
            days = list(range(7))
        for day in days:
            slots.add((day, opens, closes))
    return slots


def _osm_slots(expression: str) -> set[tuple[int, int, int]]:
    """Openings over the four weeks from a fixed Monday with no bank holiday (2025-06-02)."""
    try:
        oh = _osm(expression)
    except Exception:
        return set()
    start = dt.datetime(2025, 6, 2)
    out: set[tuple[int, int, int]] = set()
    for begin, end, state, *_ in oh.intervals(start, start + dt.timedelta(days=28)):
        if str(state).upper().endswith("OPEN") and end is not None:
            day = begin
            while day < end:
                stop = min(end, dt.datetime.combine(day.date() + dt.timedelta(days=1), dt.time()))
                out.add(
                    (
                        day.weekday(),
                        day.hour * 60 + day.minute,
                        1440 if stop.date() > day.date() else stop.hour * 60 + stop.minute,
                    )
                )
                day = stop
    return out


def _ordinal_matches(day: dt.date, ordinal: int) -> bool:
    if ordinal > 0:
        return (day.day - 1) // 7 + 1 == ordinal
    following = day + dt.timedelta(days=7 * -ordinal)
    return (
        following.month != day.month
        and (day + dt.timedelta(days=7 * (-ordinal - 1))).month == day.month
    )


def _rrule_open(s: dict[str, Any], at: dt.datetime) -> bool:
    day = at.date()
    start, end = s.get("valid_from") or s.get("dtstart"), s.get("valid_to") or s.get("until")
    if isinstance(start, str) and start[:10] > day.isoformat():
        return False
    if isinstance(end, str) and end[:10] < day.isoformat():
        return False
    opens, closes = minutes(s.get("opens_at")), minutes(s.get("closes_at"))
    if opens is None:
        return False
    if closes is None or closes <= opens:
        closes = 1440
    now = at.hour * 60 + at.minute
    if not opens <= now < closes:
        return False
    freq = str(s.get("freq") or "WEEKLY").upper()
    days = _days(s.get("byday"))
    if freq == "DAILY" and not days:
        return True
    for weekday, ordinal in days:
        if weekday != day.weekday():
            continue
        if ordinal is None or freq != "MONTHLY" or _ordinal_matches(day, ordinal):
            return True
    return False


def is_open(schedules: Iterable[dict[str, Any]], at: dt.datetime) -> bool:
    """Whether any schedule says the service is open at ``at`` (local wall-clock time)."""
    naive = at.replace(tzinfo=None)
    for s in schedules:
        osm = s.get("kith_opening_hours")
        if isinstance(osm, str) and osm.strip():
            try:
                if _osm(osm).is_open(naive):
                    return True
            except Exception:
                pass
            continue
        if _rrule_open(s, naive):
            return True
    return False


def describe(s: dict[str, Any]) -> str:
    """A plain-English line for one schedule."""
    osm = s.get("kith_opening_hours")
    if isinstance(osm, str) and osm.strip():
        return f"{s.get('description') or ''} (opening hours: {osm})".strip()
    if s.get("description"):
        return str(s["description"])
    days = ", ".join(DAY_NAMES[d] for d, _ in _days(s.get("byday")))
    opens, closes = s.get("opens_at") or "", s.get("closes_at") or ""
    return f"{days} {str(opens)[:5]}–{str(closes)[:5]}".strip()
