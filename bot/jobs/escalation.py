"""Every schedule.escalation_check_minutes: requests nobody accepted in time go up (grid leader,
then admins), done tasks the resident never confirmed are confirmed, requests forwarded to a
department (吹哨) past their reply deadline go to the admins, and the contact of a unit's claim with
nobody on it after requests.unit_claim_remind_hours is reminded once. Each is idempotent.
Window: the current interval only (a missed check is not worth replaying; the next one covers it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.services.kernel.core import Core
from bot.services.referrals import escalate_overdue_referrals
from bot.services.requests import auto_confirm_due, escalate_overdue, remind_waiting_unit_claims

from . import Due, Job

log = logging.getLogger(__name__)
NAME = "escalation-check"
CHECKS = (escalate_overdue, auto_confirm_due, escalate_overdue_referrals, remind_waiting_unit_claims)


def bucket(now: datetime, minutes: int) -> tuple[datetime, datetime]:
    step = minutes * 60
    start = datetime.fromtimestamp(int(now.timestamp()) // step * step, UTC)
    return start, start + timedelta(seconds=step)


async def due(core: Core, now: datetime) -> list[Due]:
    opens, closes = bucket(now, core.cfg.schedule.escalation_check_minutes)
    return [Due(NAME, opens.strftime("%Y-%m-%dT%H:%M"), opens, closes)]


async def run(core: Core, d: Due) -> int:
    done = 0
    for check in CHECKS:
        done += await check(core)
    return done


JOB = Job(NAME, due, run)
