"""A volunteer's care: the occurrences waiting for them (due, with their "done" button), the next
one of each plan they do, and the plans (named on the plan, or as the household's paired volunteer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor, ensure_person
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Household, Pairing

from .facts import MAX_PLANS, DueTask, Rule
from .plans import from_day


@dataclass(frozen=True)
class MyCare:
    due: list[DueTask]
    plans: list[tuple[str, str, int | None, int | None]]  # (what, address, weekday, every_days)
    upcoming: list[DueTask] = field(default_factory=list)  # the next of each running plan, soonest first
    paused: int = 0  # of the plans, how many are paused


async def care_work(core: Core, actor: Actor) -> MyCare:
    """Everything care asks of this person now (empty if nothing: /tasks lists it beside their requests)."""
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
        upcoming = []
        for p, address in plans:
            if p.paused_at is None:
                first = await from_day(s, p.grid_id, core.clock.now())
                day = Rule(p.weekday, p.every_days, date.fromisoformat(p.starts_on)).next_from(first)
                upcoming.append(DueTask(0, p.what, address, day))
    return MyCare(
        [DueTask(stored_id(t.id), what, address, date.fromisoformat(t.due_on)) for t, what, address in due],
        [(p.what, address, p.weekday, p.every_days) for p, address in plans if p.paused_at is None],
        sorted(upcoming, key=lambda u: u.day),
        sum(1 for p, _ in plans if p.paused_at is not None),
    )


async def my_care(core: Core, actor: Actor) -> MyCare:
    """A volunteer's /care: refused (with what to do) when care asks nothing of them."""
    mine = await care_work(core, actor)
    if not mine.due and not mine.plans and not mine.paused:
        raise NotAllowed("care.error.nothing")
    return mine
