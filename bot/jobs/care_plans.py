"""Care plans, every day at 07:00 (community time): the occurrences of earlier days still not done are
flagged to the grid's leaders as missed (a day's end plus the night: the grace a late "done" needs),
then the day's occurrences are made and sent to whoever does each. Window: until the day ends, so a
bot started late still sends the day's tasks; the rows and outbox keys keep it exactly once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.services.care import SENT_AT, run_day
from bot.services.kernel.core import Core
from bot.services.kernel.periods import local_at, local_midnight, zone

from . import Due, Job, communities, open_at

NAME = "care-plans"
AT = SENT_AT


def day_window(tz: str, now: datetime) -> tuple[date, datetime, datetime]:
    """(the day, opens, closes) of the latest 07:00 at or before `now` in the zone."""
    z = zone(tz)
    day = now.astimezone(z).date()
    if now < local_at(day, AT, z):
        day -= timedelta(days=1)
    return day, local_at(day, AT, z), local_midnight(day + timedelta(days=1), z)


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        day, opens, closes = day_window(tz, now)
        d = Due(NAME, f"c{cid}:{day.isoformat()}", opens, closes, (cid, day))
        if open_at(d, now):
            out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, day = d.args
    return await run_day(core, community_id, day)


JOB = Job(NAME, due, run)
