"""The weekly digest (schedule.digest_day at digest_time, community time; default Monday 08:00)
of the previous ISO week, to each grid leader and the community's admins. Window: 48 hours, so
a digest delayed by downtime still arrives while it is news, and never a week late."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

from bot.services.digests import CityWeek, city_week, send_weekly_digests
from bot.services.kernel.config import ScheduleConfig
from bot.services.kernel.core import Core
from bot.services.kernel.periods import last_weekly, previous_week, week_of_day, zone
from bot.views.digests import chart_preparer
from storage.db import Database

from . import Due, Job, communities, open_at

NAME = "weekly-digest"
WINDOW = timedelta(hours=48)
# Each community's run takes its digests from one computation of the whole city's week
# (digests.city), made by the first run and used by the next ones for this long.
CITY_WEEK_FOR = timedelta(minutes=10)
_city: WeakKeyDictionary[Database, CityWeek] = WeakKeyDictionary()


def digest_window(sc: ScheduleConfig, tz: str, now: datetime) -> tuple[str, datetime, datetime]:
    """(the week digested, opens, closes) of the latest digest time at or before `now`."""
    day, opens = last_weekly(now, zone(tz), sc.digest_day, sc.at("digest_time"))
    return digested_week(day), opens, opens + WINDOW


def digested_week(day: date) -> str:
    """The last full ISO week before the digest day."""
    return previous_week(week_of_day(day))


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        week, opens, closes = digest_window(core.cfg.schedule, tz, now)
        d = Due(NAME, f"c{cid}:{week}", opens, closes, (cid, week))
        if open_at(d, now):
            out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, week = d.args
    city = _city.get(core.db)
    if city is None or city.week != week or core.clock.now() - city.made_at > CITY_WEEK_FOR:
        city = _city[core.db] = await city_week(core, week)
    prepare = chart_preparer(core.cfg.bot.default_locale)
    return await send_weekly_digests(core, community_id, week, prepare=prepare, city=city)


JOB = Job(
    NAME,
    due,
    run,
    report_of_past=lambda d: (
        f"`redvest digest --community {d.args[0]} --week {d.args[1]}` prints the week so far without sending it"
    ),
)
