"""Friday evening (visit_evening, community time): volunteers with visits not yet logged get a
reminder with a log button for each. Window: until the end of the visit day."""

from __future__ import annotations

from datetime import datetime

from bot.services.kernel.core import Core
from bot.services.kernel.periods import week_of_day
from bot.services.visits import send_visit_reminders

from . import Due, Job, communities, open_at
from .visit_list import evening_window

NAME = "visit-reminder"


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        day, opens, closes = evening_window(core.cfg.schedule, tz, now)
        d = Due(NAME, f"c{cid}:{week_of_day(day)}", opens, closes, (cid, week_of_day(day)))
        if open_at(d, now):
            out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, week = d.args
    return await send_visit_reminders(core, community_id, week)


JOB = Job(NAME, due, run)
