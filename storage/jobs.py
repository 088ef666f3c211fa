"""Which scheduled periods are done: one JobRun row per (job, period), written when the
period's fan-out is fully in the outbox. The scheduler's memory is never trusted for this."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .models import JobRun
from .rows import affected
from .upsert import insert_ignore


async def done_periods(session: AsyncSession, job: str, periods: Iterable[str]) -> set[str]:
    """The subset of `periods` of `job` already marked done."""
    wanted = list(periods)
    if not wanted:
        return set()
    rows = await session.execute(
        select(col(JobRun.period)).where(col(JobRun.job) == job, col(JobRun.period).in_(wanted))
    )
    return set(rows.scalars())


async def is_done(session: AsyncSession, job: str, period: str) -> bool:
    return bool(await done_periods(session, job, [period]))


async def mark_done(session: AsyncSession, job: str, period: str, now: datetime) -> bool:
    """Record the period as done; False if another scheduler already did."""
    return await insert_ignore(session, JobRun, dict(job=job, period=period, done_at=now), ["job", "period"])


async def forget_before(session: AsyncSession, job: str, before: datetime) -> int:
    """Drop old rows of a frequent job (e.g. the five-minute escalation check)."""
    result = await session.execute(delete(JobRun).where(col(JobRun.job) == job, col(JobRun.done_at) < before))
    return affected(result)


async def last_success(session: AsyncSession) -> dict[str, datetime]:
    """When each job last finished a period (for the metrics: an alert when one stops running)."""
    rows = await session.execute(select(col(JobRun.job), func.max(col(JobRun.done_at))).group_by(col(JobRun.job)))
    return {job: at for job, at in rows.all() if at is not None}
