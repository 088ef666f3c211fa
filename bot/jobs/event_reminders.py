"""Event reminders to those signed up: the day before (window: from 24 h to 1 h before the start)
and an hour before (window: from 1 h before to the start). A moved event is reminded again."""

from __future__ import annotations

from datetime import datetime

from bot.services.events import DAY_BEFORE, HOUR_BEFORE, events_starting, send_event_reminders, stamp
from bot.services.kernel.core import Core
from bot.services.kernel.periods import aware

from . import Due, Job, open_at

DAY = "event-reminder-day"
HOUR = "event-reminder-hour"


def reminder_windows(starts: datetime) -> dict[str, tuple[datetime, datetime]]:
    return {DAY: (starts - DAY_BEFORE, starts - HOUR_BEFORE), HOUR: (starts - HOUR_BEFORE, starts)}


async def _due(core: Core, now: datetime, which: str) -> list[Due]:
    async with core.db.session() as s:
        events = await events_starting(s, now, now + DAY_BEFORE + HOUR_BEFORE)
    out = []
    for e in events:
        starts = aware(e.starts_at)
        opens, closes = reminder_windows(starts)[which]
        d = Due(which, f"e{e.id}:{stamp(starts)}", opens, closes, (e.id,))
        if open_at(d, now):
            out.append(d)
    return out


async def due_day(core: Core, now: datetime) -> list[Due]:
    return await _due(core, now, DAY)


async def due_hour(core: Core, now: datetime) -> list[Due]:
    return await _due(core, now, HOUR)


async def run_day(core: Core, d: Due) -> int:
    return await send_event_reminders(core, d.args[0], "day")


async def run_hour(core: Core, d: Due) -> int:
    return await send_event_reminders(core, d.args[0], "hour")


DAY_JOB = Job(DAY, due_day, run_day)
HOUR_JOB = Job(HOUR, due_hour, run_hour)
