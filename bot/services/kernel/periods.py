"""Calendar arithmetic in a community's time zone: ISO weeks, weekly and monthly occurrences.

Everything returned for SQL is aware UTC (SQLite stores datetimes without their offset, so a
local value would be read back as if it were UTC). All functions are pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import DEFAULT_TIME_ZONE

DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_WEEK_RE = re.compile(r"^([0-9]{4})-W([0-9]{2})$")


def zone(name: str | None, fallback: str = DEFAULT_TIME_ZONE) -> ZoneInfo:
    """The community's zone; an unknown name falls back (to `bot.timezone`'s default) rather than failing a job."""
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def aware(when: datetime) -> datetime:
    """Values read back from SQLite have no zone; every stored value is UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def local_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` o'clock on `day` in `tz`, as aware UTC. A wall time skipped by a DST change
    resolves to the same offset as before the change (02:30 on a spring-forward day is 03:30)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return local_at(day, time(0, 0), tz)


def iso_week(when: datetime, tz: ZoneInfo | str | None) -> str:
    """The ISO week of `when` in the zone, e.g. `2026-W47`."""
    z = tz if isinstance(tz, ZoneInfo) else zone(tz)
    year, week, _ = aware(when).astimezone(z).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[int, int]:
    """`2026-W47` -> (2026, 47); ValueError for anything else (including week 53 of a 52-week year)."""
    m = _WEEK_RE.match((text or "").strip())
    if not m:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W47")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{text!r}: year {year} has no week {week}") from None
    return year, week


@dataclass(frozen=True)
class WeekRange:
    week: str
    start: datetime  # Monday 00:00 local, as UTC
    end: datetime  # the next Monday 00:00 local, as UTC
    monday: date


def week_range(week: str, tz: ZoneInfo | str | None) -> WeekRange:
    z = tz if isinstance(tz, ZoneInfo) else zone(tz)
    year, num = parse_week(week)
    monday = date.fromisocalendar(year, num, 1)
    return WeekRange(week, local_midnight(monday, z), local_midnight(monday + timedelta(days=7), z), monday)


def previous_week(week: str) -> str:
    year, num = parse_week(week)
    y, w, _ = (date.fromisocalendar(year, num, 1) - timedelta(days=7)).isocalendar()
    return f"{y}-W{w:02d}"


def week_of_day(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def last_weekly(now: datetime, tz: ZoneInfo, day: str, at: time) -> tuple[date, datetime]:
    """The latest occurrence of weekday `day` at `at` (local) that is <= now: (local date, UTC start)."""
    today = aware(now).astimezone(tz).date()
    for back in range(0, 8):
        d = today - timedelta(days=back)
        if d.weekday() == DAY_INDEX[day]:
            start = local_at(d, at, tz)
            if start <= now:
                return d, start
    raise AssertionError("a weekday recurs within eight days")  # pragma: no cover


def nth_weekday(year: int, month: int, rule: str) -> date:
    """The date of a rule like `first mon` or `last fri` in that month."""
    which, day = rule.split()
    target = DAY_INDEX[day]
    if ORDINALS[which] > 0:
        first = date(year, month, 1)
        offset = (target - first.weekday()) % 7
        return first + timedelta(days=offset + 7 * (ORDINALS[which] - 1))
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - target) % 7)


def service_days_near(now: datetime, tz: ZoneInfo, rule: str) -> list[date]:
    """This month's and next month's service days (local dates) around `now`."""
    local = aware(now).astimezone(tz).date()
    nxt = date(local.year + (local.month == 12), local.month % 12 + 1, 1)
    return [nth_weekday(local.year, local.month, rule), nth_weekday(nxt.year, nxt.month, rule)]


def next_week(week: str) -> str:
    year, num = parse_week(week)
    y, w, _ = (date.fromisocalendar(year, num, 1) + timedelta(days=7)).isocalendar()
    return f"{y}-W{w:02d}"
