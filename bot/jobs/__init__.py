"""Scheduled jobs, one module each. A job says which periods are due at a given moment (each with
an explicit window: it runs late after downtime while the window is open, never after it closes)
and runs one period. Whether a period is done is read from the database (JobRun), never from
the scheduler's memory; the fan-out itself is exactly-once through the outbox keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.models import Community


@dataclass(frozen=True)
class Due:
    job: str
    period: str  # what makes this run unique, e.g. "c3:2026-W47"
    opens: datetime  # the window, aware UTC: runs when opens <= now < closes
    closes: datetime
    args: tuple[Any, ...] = field(default=())


@dataclass(frozen=True)
class Job:
    name: str
    due: Callable[[Core, datetime], Awaitable[list[Due]]]
    run: Callable[[Core, Due], Awaitable[int]]
    # A report on a period that must be over first (a week's digest, a month's report): `redvest jobs
    # run` does not run it before its window opens (it would send half a period's figures and mark
    # the period done, so the real one never went). It says what shows the period so far instead.
    report_of_past: Callable[[Due], str] | None = None


async def communities(core: Core) -> list[tuple[int, str]]:
    """(id, time zone) of every community: calendar jobs are cut in each one's own zone."""
    async with core.db.session() as s:
        rows = (await s.execute(select(col(Community.id), col(Community.timezone)).order_by(col(Community.id)))).all()
        return [(cid, tz) for cid, tz in rows if cid is not None]


def open_at(due: Due, now: datetime) -> bool:
    return due.opens <= now < due.closes


def all_jobs() -> list[Job]:
    """Every job, in the order a tick runs them (time-critical first, the heavy digest late)."""
    from . import (
        care_plans,
        digest,
        escalation,
        event_reminders,
        honour_list,
        retention,
        service_day,
        unit_reports,
        visit_list,
        visit_overview,
        visit_reminder,
    )

    return [
        escalation.JOB,
        event_reminders.DAY_JOB,
        event_reminders.HOUR_JOB,
        visit_list.JOB,
        visit_reminder.JOB,
        visit_overview.JOB,
        service_day.JOB,
        care_plans.JOB,
        digest.JOB,
        unit_reports.JOB,
        honour_list.JOB,
        retention.JOB,
    ]
