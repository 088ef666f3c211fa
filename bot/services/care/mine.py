"""A volunteer's care: the occurrences waiting for them (due, with their "done" button) and the plans
they do (named on the plan, or as the household's paired volunteer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor, ensure_person
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Household, Pairing

from .facts import MAX_PLANS


@dataclass(frozen=True)
class DueTask:
    task_id: int
    what: str
    address: str
    day: date


@dataclass(frozen=True)
class MyCare:
    due: list[DueTask]
    plans: list[tuple[str, str, int | None, int | None]]  # (what, address, weekday, every_days)


async def my_care(core: Core, actor: Actor) -> MyCare:
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        due = (
            await s.execute(
                select(CareTask, col(CarePlan.what), col(Household.address))
                .join(CarePlan, col(CarePlan.id) == col(CareTask.plan_id))
                .join(Household, col(Household.id) == col(CareTask.household_id))
                .where(
                    col(CareTask.volunteer_id) == me.id,
                    col(CareTask.status) == CareStatus.due.value,
                    col(Household.erased_at).is_(None),
                )
                .order_by(col(CareTask.due_on), col(CareTask.id))
                .limit(MAX_PLANS)
            )
        ).all()
        paired = select(col(Pairing.household_id)).where(
            col(Pairing.volunteer_id) == me.id,
            col(Pairing.active) == True,  # noqa: E712
        )
        plans = (
            await s.execute(
                select(CarePlan, col(Household.address))
                .join(Household, col(Household.id) == col(CarePlan.household_id))
                .where(
                    col(CarePlan.active) == True,  # noqa: E712
                    col(Household.erased_at).is_(None),
                    or_(
                        col(CarePlan.volunteer_id) == me.id,
                        col(CarePlan.volunteer_id).is_(None) & col(CarePlan.household_id).in_(paired),
                    ),
                )
                .order_by(col(CarePlan.id))
                .limit(MAX_PLANS)
            )
        ).all()
    if not due and not plans:
        raise NotAllowed("care.error.nothing")
    return MyCare(
        [DueTask(stored_id(t.id), what, address, date.fromisoformat(t.due_on)) for t, what, address in due],
        [(p.what, address, p.weekday, p.every_days) for p, address in plans],
    )
