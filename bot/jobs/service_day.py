"""The monthly red service day (schedule.service_day_rule, e.g. "first mon", at service_day_time):
announced to every approved volunteer of each community the day before at that time. Window:
until the service day itself begins, so a late announcement still comes before it starts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.services.events import send_service_day
from bot.services.kernel.config import ScheduleConfig
from bot.services.kernel.core import Core
from bot.services.kernel.periods import local_at, service_days_near, zone

from . import Due, Job, communities, open_at

NAME = "service-day"


def announcement_windows(sc: ScheduleConfig, tz: str, now: datetime) -> list[tuple[date, datetime, datetime]]:
    """(service day, opens, closes) for this month's and next month's service days."""
    z, at = zone(tz), sc.at("service_day_time")
    return [
        (day, local_at(day - timedelta(days=1), at, z), local_at(day, at, z))
        for day in service_days_near(now, z, sc.service_day_rule)
    ]


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        for day, opens, closes in announcement_windows(core.cfg.schedule, tz, now):
            d = Due(NAME, f"c{cid}:{day.isoformat()}", opens, closes, (cid, day))
            if open_at(d, now):
                out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, day = d.args
    return await send_service_day(core, community_id, day)


JOB = Job(NAME, due, run)
