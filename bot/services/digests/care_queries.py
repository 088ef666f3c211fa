"""Care plans in the digest: the week's occurrences (days of the digested ISO week, the community's
calendar), how many were done, and the ones missed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.periods import week_range
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Person

from .figures import CareMissLine, DigestFigures
from .grouping import keyed, scope_key

MAX_MISSED = 10


async def care_tasks(s: AsyncSession, scope: str, keys: list[int], week: str, out: dict[int, DigestFigures]) -> None:
    monday = week_range(week, "UTC").monday
    first, last = monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    key, _ = scope_key(scope, col(CareTask.grid_id))
    stmt = (
        select(
            key,
            col(CareTask.status),
            col(CareTask.household_id),
            col(CarePlan.what),
            col(CareTask.due_on),
            col(Person.name),
        )
        .select_from(CareTask)
        .join(CarePlan, col(CarePlan.id) == col(CareTask.plan_id))
        .outerjoin(Person, col(Person.id) == col(CareTask.volunteer_id))
    )
    stmt, key = keyed(stmt, scope, col(CareTask.grid_id), keys)
    stmt = stmt.where(col(CareTask.due_on) >= first, col(CareTask.due_on) <= last).order_by(
        col(CareTask.due_on), col(CareTask.id)
    )
    missed: dict[int, list[CareMissLine]] = defaultdict(list)
    for k, status, household_id, what, due_on, name in (await s.execute(stmt)).all():
        f = out[k]
        f.care_due += 1
        f.care_done += status == CareStatus.done.value
        if status == CareStatus.missed.value:
            f.care_missed_total += 1
            if len(missed[k]) < MAX_MISSED:
                missed[k].append(CareMissLine(household_id, what, date.fromisoformat(due_on), name))
    for k, lines in missed.items():
        out[k].care_missed = lines
