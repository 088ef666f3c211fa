"""A leader's changes to a running care plan: its card (the plan, its latest "done" and its counts),
pause, resume, a new frequency, the end. Each is one conditional UPDATE, so two presses (or two
leaders) change it once and a stale button finds the plan moved on (a Conflict: nothing changes).
Pausing or ending calls off the plan's occurrence still waiting, so nobody is asked for it or told
it was missed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.roles import Actor
from storage import audit
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Household, Person

from .facts import LastDone, PlanCard, PlanEnded, PlanPaused, PlanRunning
from .plans import check_rule, from_day, household_led, plan_fact


async def _load(s: AsyncSession, actor: Actor, plan_id: int) -> tuple[Person, Household, CarePlan]:
    plan = await s.get(CarePlan, row_id(plan_id))
    if plan is None:
        raise NotFound("care.error.no_plan")
    me, hh = await household_led(s, actor, plan.household_id)
    return me, hh, plan


async def _card(s: AsyncSession, core: Core, plan: CarePlan, hh: Household) -> PlanCard:
    volunteer = await s.get(Person, plan.volunteer_id) if plan.volunteer_id else None
    last = (
        await s.execute(
            select(col(CareTask.due_on), col(Person.name), col(CareTask.note))
            .outerjoin(Person, col(Person.id) == col(CareTask.done_by))
            .where(col(CareTask.plan_id) == plan.id, col(CareTask.status) == CareStatus.done.value)
            .order_by(col(CareTask.due_on).desc())
            .limit(1)
        )
    ).first()
    counts: dict[str, int] = {
        status: int(n)
        for status, n in (
            await s.execute(
                select(col(CareTask.status), func.count())
                .where(col(CareTask.plan_id) == plan.id)
                .group_by(col(CareTask.status))
            )
        ).all()
    }
    return PlanCard(
        plan_fact(plan, hh, volunteer.name if volunteer else None, await from_day(s, hh.grid_id, core.clock.now())),
        hh.care_flags,
        LastDone(date.fromisoformat(last[0]), last[1], last[2]) if last else None,
        counts.get(CareStatus.done.value, 0),
        counts.get(CareStatus.missed.value, 0),
    )


async def plan_card(core: Core, actor: Actor, plan_id: int, *, live: bool = False) -> PlanCard:
    """The plan as it is now, for a leader of its grid; `live`: refused once it has ended (a step
    towards a change: an old button)."""
    async with core.db.session() as s:
        _, hh, plan = await _load(s, actor, plan_id)
        if live and not plan.active:
            raise PlanEnded()
        return await _card(s, core, plan, hh)


async def _change(
    core: Core, actor: Actor, plan_id: int, event: str, when: Sequence[ColumnElement[bool]], values: dict[str, Any]
) -> PlanCard:
    """UPDATE the plan if it is still as the button found it (`when`); else the Conflict that says why."""
    async with core.db.session() as s:
        me, hh, plan = await _load(s, actor, plan_id)
        changed = await s.execute(
            update(CarePlan)
            .where(col(CarePlan.id) == plan.id, col(CarePlan.active) == True, *when)  # noqa: E712
            .values(**values)
            .returning(col(CarePlan.id))
        )
        if changed.first() is None:
            await s.refresh(plan)  # as it is now (another press may have changed it meanwhile)
            if not plan.active:
                raise PlanEnded()
            raise PlanRunning() if plan.paused_at is None else PlanPaused()
        if event in ("care.plan_paused", "care.plan_ended"):
            await s.execute(
                update(CareTask)
                .where(col(CareTask.plan_id) == plan.id, col(CareTask.status) == CareStatus.due.value)
                .values(status=CareStatus.called_off.value)
            )
        await audit.record(s, me.id, event, "care_plan", plan.id)
        await s.refresh(plan)
        return await _card(s, core, plan, hh)


async def pause_plan(core: Core, actor: Actor, plan_id: int) -> PlanCard:
    """No occurrences until resumed (the household is away, in hospital); today's waiting one is called off."""
    now = core.clock.now()
    return await _change(
        core, actor, plan_id, "care.plan_paused", [col(CarePlan.paused_at).is_(None)], {"paused_at": now}
    )


async def resume_plan(core: Core, actor: Actor, plan_id: int) -> PlanCard:
    when = [col(CarePlan.paused_at).is_not(None)]
    return await _change(core, actor, plan_id, "care.plan_resumed", when, {"paused_at": None})


async def change_rule(
    core: Core, actor: Actor, plan_id: int, *, weekday: int | None = None, every_days: int | None = None
) -> PlanCard:
    """A new frequency from the next day still to come (every N days counts from it); a paused plan
    keeps its pause. Occurrences already made stay as they are."""
    check_rule(weekday, every_days)
    async with core.db.session() as s:
        _, hh, _ = await _load(s, actor, plan_id)
        starts = await from_day(s, hh.grid_id, core.clock.now())
    values = {"weekday": weekday, "every_days": every_days, "starts_on": starts.isoformat()}
    return await _change(core, actor, plan_id, "care.plan_rule", [], values)


async def end_plan(core: Core, actor: Actor, plan_id: int) -> PlanCard:
    """No more occurrences, for good (the plan stays in the records); the waiting one is called off."""
    now = core.clock.now()
    return await _change(core, actor, plan_id, "care.plan_ended", [], {"active": False, "ended_at": now})
