"""Friday morning (schedule.visit_day at visit_morning, community time): each paired volunteer
gets their households with a log button each. Window: until visit_evening that day, when the
evening reminder (which carries the same buttons) takes over."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.services.kernel.config import ScheduleConfig
from bot.services.kernel.core import Core
from bot.services.kernel.periods import last_weekly, local_at, local_midnight, week_of_day, zone
from bot.services.visits import send_visit_lists

from . import Due, Job, communities, open_at

NAME = "visit-list"


def morning_window(sc: ScheduleConfig, tz: str, now: datetime) -> tuple[date, datetime, datetime]:
    """(visit date, opens, closes) of the latest visit morning at or before `now`."""
    z = zone(tz)
    day, opens = last_weekly(now, z, sc.visit_day, sc.at("visit_morning"))
    closes = (
        local_at(day, sc.at("visit_evening"), z)
        if sc.at("visit_evening") > sc.at("visit_morning")
        else local_midnight(day + timedelta(days=1), z)
    )
    return day, opens, closes


def evening_window(sc: ScheduleConfig, tz: str, now: datetime) -> tuple[date, datetime, datetime]:
    """(visit date, opens, closes) of the latest visit evening: open until the day ends."""
    z = zone(tz)
    day, opens = last_weekly(now, z, sc.visit_day, sc.at("visit_evening"))
    return day, opens, local_midnight(day + timedelta(days=1), z)


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        day, opens, closes = morning_window(core.cfg.schedule, tz, now)
        d = Due(NAME, f"c{cid}:{week_of_day(day)}", opens, closes, (cid, week_of_day(day)))
        if open_at(d, now):
            out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, week = d.args
    return await send_visit_lists(core, community_id, week)


JOB = Job(NAME, due, run)
