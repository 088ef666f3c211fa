"""Care plans for the office (the dashboard's page and the export): a row a plan of the grids, with
its household by number and its kind of need (never its address or phone), how often, who does it,
when it was last done and is next due, and how many were done and missed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural_key
from bot.services.places import paired_names
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Household, Person

from .facts import CareRow, Rule
from .plans import from_day


def _status(plan: CarePlan) -> str:
    return "ended" if not plan.active else ("paused" if plan.paused_at is not None else "active")


async def care_rows(
    core: Core,
    grid_ids: list[int],
    *,
    since: date | None = None,
    until: date | None = None,
    ended_since: datetime | None = None,
) -> list[CareRow]:
    """The plans of the grids (running and paused; ended ones too if they ended at or after
    `ended_since`), grid by grid and household by household. Done and missed count the occurrences
    due from `since` to `until` (every one when not given)."""
    if not grid_ids:
        return []
    live = col(CarePlan.active) == True  # noqa: E712
    if ended_since is not None:
        live = or_(live, col(CarePlan.ended_at) >= ended_since)
    async with core.db.session() as s:
        rows = (
            await s.execute(
                select(CarePlan, Household, col(Person.name))
                .join(Household, col(Household.id) == col(CarePlan.household_id))
                .outerjoin(Person, col(Person.id) == col(CarePlan.volunteer_id))
                .where(col(CarePlan.grid_id).in_(grid_ids), col(Household.erased_at).is_(None), live)
            )
        ).all()
        ids = [stored_id(p.id) for p, _, _ in rows]
        counted = select(col(CareTask.plan_id), col(CareTask.status), func.count()).where(
            col(CareTask.plan_id).in_(ids)
        )
        if since is not None:
            counted = counted.where(col(CareTask.due_on) >= since.isoformat())
        if until is not None:
            counted = counted.where(col(CareTask.due_on) <= until.isoformat())
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for plan_id, status, n in (
            await s.execute(counted.group_by(col(CareTask.plan_id), col(CareTask.status)))
        ).all():
            counts[plan_id][status] = int(n)
        last = dict(
            (
                await s.execute(
                    select(col(CareTask.plan_id), func.max(col(CareTask.due_on)))
                    .where(col(CareTask.plan_id).in_(ids), col(CareTask.status) == CareStatus.done.value)
                    .group_by(col(CareTask.plan_id))
                )
            ).all()
        )
        paired = await paired_names(s, [stored_id(h.id) for _, h, _ in rows])
        firsts = {g: await from_day(s, g, core.clock.now()) for g in {p.grid_id for p, _, _ in rows}}
    out = []
    for plan, hh, name in sorted(rows, key=lambda r: (r[0].grid_id, natural_key(r[1].address), r[0].id or 0)):
        status = _status(plan)
        rule = Rule(plan.weekday, plan.every_days, date.fromisoformat(plan.starts_on))
        done_on = last.get(stored_id(plan.id))
        out.append(
            CareRow(
                stored_id(plan.id),
                plan.grid_id,
                stored_id(hh.id),
                hh.care_flags,
                plan.what,
                plan.weekday,
                plan.every_days,
                name or next(iter(paired.get(stored_id(hh.id), [])), None),
                status,
                date.fromisoformat(done_on) if done_on else None,
                rule.next_from(firsts[plan.grid_id]) if status == "active" else None,
                counts[stored_id(plan.id)].get(CareStatus.done.value, 0),
                counts[stored_id(plan.id)].get(CareStatus.missed.value, 0),
            )
        )
    return out
