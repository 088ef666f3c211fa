"""The weekly digest (schedule.digest_day at digest_time, community time; default Monday 08:00)
of the previous ISO week, to each grid leader and the community's admins. Window: 48 hours, so
a digest delayed by downtime still arrives while it is news, and never a week late."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.services.digests import send_weekly_digests
from bot.services.kernel.config import ScheduleConfig
from bot.services.kernel.core import Core
from bot.services.kernel.periods import last_weekly, previous_week, week_of_day, zone
from bot.views.digests import chart_preparer

from . import Due, Job, communities, open_at

NAME = "weekly-digest"
WINDOW = timedelta(hours=48)


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
    return await send_weekly_digests(core, community_id, week, prepare=chart_preparer(core.cfg.bot.default_locale))


JOB = Job(NAME, due, run)
