"""Daily data retention at schedule.retention_time (bot.timezone): personal details of requests
closed longer than requests.retention_days are erased. Window: the whole day after that time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.services.kernel.core import Core
from bot.services.kernel.periods import aware, local_at, zone
from bot.services.people import run_retention

from . import Due, Job

NAME = "retention"


def retention_window(at: time, tz: str, now: datetime) -> tuple[str, datetime, datetime]:
    """(local date, opens, closes) of the latest retention time at or before `now`."""
    z = zone(tz)
    day = aware(now).astimezone(z).date()
    if local_at(day, at, z) > now:
        day -= timedelta(days=1)
    opens = local_at(day, at, z)
    return day.isoformat(), opens, local_at(day + timedelta(days=1), at, z)


async def due(core: Core, now: datetime) -> list[Due]:
    period, opens, closes = retention_window(core.cfg.schedule.at("retention_time"), core.cfg.bot.timezone, now)
    return [Due(NAME, period, opens, closes)]


async def run(core: Core, d: Due) -> int:
    result = await run_retention(core)
    return result.requests_erased


JOB = Job(NAME, due, run)
