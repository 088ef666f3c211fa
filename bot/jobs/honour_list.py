"""The monthly honour list (好人榜): on the 1st at 09:00 (community time) the past month's list goes
to the community's volunteer groups. Window: three days, so a list delayed by downtime still comes
while it is the month's news. Exactly once per community and month (JobRun, and the outbox keys)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from bot.services.honour import previous_month, publish_honour_list
from bot.services.kernel.core import Core
from bot.services.kernel.periods import aware, local_at, zone

from . import Due, Job, communities, open_at

NAME = "honour-list"
AT = time(9, 0)
WINDOW = timedelta(days=3)
log = logging.getLogger(__name__)


def honour_window(tz: str, now: datetime) -> tuple[str, datetime, datetime]:
    """(the month honoured, opens, closes) of this month's list: the 1st at 09:00, for last month."""
    local = aware(now).astimezone(zone(tz))
    first = date(local.year, local.month, 1)
    opens = local_at(first, AT, zone(tz))
    return previous_month(f"{first.year:04d}-{first.month:02d}"), opens, opens + WINDOW


async def due(core: Core, now: datetime) -> list[Due]:
    out = []
    for cid, tz in await communities(core):
        month, opens, closes = honour_window(tz, now)
        d = Due(NAME, f"c{cid}:{month}", opens, closes, (cid, month))
        if open_at(d, now):
            out.append(d)
    return out


async def run(core: Core, d: Due) -> int:
    community_id, month = d.args
    if core.clock.now() < d.opens:  # `redvest jobs run` looks ahead: a month not over yet is not listed
        raise RuntimeError(f"{month} is not over yet; its honour list goes out at {d.opens.isoformat()}")
    return await publish_honour_list(core, community_id, month)


JOB = Job(
    NAME,
    due,
    run,
    report_of_past=lambda d: f"the dashboard shows the month so far (/dashboard/honour?month={d.args[1]})",
)
