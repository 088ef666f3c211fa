"""双报告: on the first day of each month at 09:00 (the installation's time zone, `bot.timezone`),
each paired unit's contact gets the report of the month before. One period per month for all units
(a unit may be paired with communities in several places); the outbox key per unit and month makes
a second run after a restart queue nothing new. Window: three days, so downtime on the first still
delivers it, and never a month late."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.services.kernel.core import Core
from bot.services.kernel.periods import local_at, zone
from bot.services.units import previous_month, send_unit_reports

from . import Due, Job, open_at

NAME = "unit-report"
AT = time(9, 0)
WINDOW = timedelta(days=3)


def report_window(tz: str, now: datetime) -> tuple[str, datetime, datetime]:
    """(the month reported, opens, closes) of this month's report."""
    z = zone(tz)
    local = now.astimezone(z)
    first = date(local.year, local.month, 1)
    opens = local_at(first, AT, z)
    return previous_month(first), opens, opens + WINDOW


async def due(core: Core, now: datetime) -> list[Due]:
    month, opens, closes = report_window(core.cfg.bot.timezone, now)
    d = Due(NAME, f"units:{month}", opens, closes, (month,))
    return [d] if open_at(d, now) else []


async def run(core: Core, d: Due) -> int:
    (month,) = d.args
    return await send_unit_reports(core, month)


JOB = Job(
    NAME,
    due,
    run,
    report_of_past=lambda d: f"`redvest report units --month {d.args[0]}` writes the month so far without sending it",
)
