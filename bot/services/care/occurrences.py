"""Each day's occurrences of the care plans (the daily job), and the volunteer's "done".

`run_day(core, community_id, day)` first marks every occurrence of an earlier day that is still not
done as missed and tells the grid's leaders, then makes the day's occurrences and tells whoever does
each one. Both are idempotent: an occurrence is one row per (plan, day) and each message has its
outbox key, so a re-run after a restart adds only what is missing."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import Table, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.ids import row_id, stored_id
from bot.services.kernel.roles import Actor, can_lead, ensure_person, leaders_of
from bot.services.kernel.text import clean_text
from bot.services.places import paired_volunteers
from storage import audit
from storage.enums import CareStatus
from storage.models import CarePlan, CareTask, Grid, Household, Person
from storage.upsert import per_dialect

from .facts import NOTE_MAX, CareDone, DueTask, Rule, TaskSettled
from .notices import CareMissed, CareTaskDue

_CT = cast(Table, inspect(CareTask).local_table)
_INSERT_TASK = per_dialect(
    lambda insert: insert(_CT).on_conflict_do_nothing(index_elements=["plan_id", "due_on"]).returning(_CT.c.id)
)


async def run_day(core: Core, community_id: int, day: date) -> int:
    """Flag the misses of the days before `day`, then make `day`'s occurrences. Messages queued."""
    return await flag_missed(core, community_id, day) + await make_tasks(core, community_id, day)


async def make_tasks(core: Core, community_id: int, day: date) -> int:
    now, sent = core.clock.now(), 0
    async with core.db.session() as s:
        plans = (
            await s.execute(
                select(CarePlan, Household)
                .join(Household, col(Household.id) == col(CarePlan.household_id))
                .join(Grid, col(Grid.id) == col(CarePlan.grid_id))
                .where(
                    col(Grid.community_id) == community_id,
                    col(CarePlan.active) == True,  # noqa: E712
                    col(CarePlan.paused_at).is_(None),
                    col(Household.erased_at).is_(None),
                )
                .order_by(col(CarePlan.id))
            )
        ).all()
        for plan, hh in plans:
            if not Rule(plan.weekday, plan.every_days, date.fromisoformat(plan.starts_on)).due_on(day):
                continue
            doer = await s.get(Person, plan.volunteer_id) if plan.volunteer_id else None
            doer = doer or next(iter(await paired_volunteers(s, stored_id(hh.id))), None)
            conn = await s.connection()
            values = dict(
                plan_id=plan.id,
                household_id=hh.id,
                grid_id=hh.grid_id,
                due_on=day.isoformat(),
                volunteer_id=doer.id if doer else None,
                status=CareStatus.due.value,
                created_at=now,
            )
            row = (await conn.execute(_INSERT_TASK[conn.dialect.name], values)).first()
            task_id = (
                row[0]
                if row
                else await s.scalar(
                    select(col(CareTask.id)).where(
                        col(CareTask.plan_id) == plan.id, col(CareTask.due_on) == day.isoformat()
                    )
                )
            )
            if task_id is None:
                continue
            readers = [doer] if doer is not None else await leaders_of(s, hh.grid_id)
            for p in readers:
                if p.tg_user_id is None:
                    continue
                notice = CareTaskDue(
                    chat_id=p.tg_user_id,
                    language=p.language,
                    task_id=task_id,
                    what=plan.what,
                    address=hh.address,
                    members=hh.members,
                    day=day,
                    unassigned=doer is None,
                )
                sent += await core.notifier.send(s, f"care-task:{task_id}:{p.id}", notice)
    return sent


async def flag_missed(core: Core, community_id: int, day: date) -> int:
    """Occurrences of days before `day` still not done: missed, and the grid's leaders told."""
    now, sent = core.clock.now(), 0
    async with core.db.session() as s:
        rows = (
            await s.execute(
                select(CareTask, col(CarePlan.what), Household, col(Person.name))
                .join(CarePlan, col(CarePlan.id) == col(CareTask.plan_id))
                .join(Household, col(Household.id) == col(CareTask.household_id))
                .join(Grid, col(Grid.id) == col(CareTask.grid_id))
                .outerjoin(Person, col(Person.id) == col(CareTask.volunteer_id))
                .where(
                    col(Grid.community_id) == community_id,
                    col(CareTask.status) == CareStatus.due.value,
                    col(CareTask.due_on) < day.isoformat(),
                )
                .order_by(col(CareTask.id))
            )
        ).all()
        for task, what, hh, name in rows:
            await s.execute(
                update(CareTask)
                .where(col(CareTask.id) == task.id, col(CareTask.status) == CareStatus.due.value)
                .values(status=CareStatus.missed.value, missed_at=now)
            )
            await audit.record(s, None, "care.missed", "care_task", task.id)
            if hh.erased_at is not None:
                continue
            for leader in await leaders_of(s, task.grid_id):
                if leader.tg_user_id is None:
                    continue
                notice = CareMissed(
                    chat_id=leader.tg_user_id,
                    language=leader.language,
                    task_id=stored_id(task.id),
                    what=what,
                    household_id=stored_id(hh.id),
                    address=hh.address,
                    day=date.fromisoformat(task.due_on),
                    volunteer=name,
                )
                sent += await core.notifier.send(s, f"care-missed:{task.id}:{leader.id}", notice, urgent=True)
    return sent


async def _task_of(s: AsyncSession, me: Person, task_id: int) -> CareTask:
    """The occurrence, still waiting, of this volunteer (or of a grid they lead)."""
    task = await s.get(CareTask, row_id(task_id))
    if task is None:
        raise NotFound("care.error.no_task")
    if task.volunteer_id != me.id and not await can_lead(s, me, task.grid_id):
        raise NotAllowed("care.error.not_yours")
    if task.status != CareStatus.due.value:
        raise TaskSettled()
    return task


async def task_to_do(core: Core, actor: Actor, task_id: int) -> DueTask:
    """The occurrence a "done" press is about, if it is still waiting (else TaskSettled: a stale press)."""
    async with core.db.session() as s:
        task = await _task_of(s, await ensure_person(s, actor), task_id)
        plan = await s.get(CarePlan, task.plan_id)
        hh = await s.get(Household, task.household_id)
        return DueTask(
            stored_id(task.id), plan.what if plan else "", hh.address if hh else "", date.fromisoformat(task.due_on)
        )


def check_note(text: str | None) -> str | None:
    return clean_text(text, max_len=NOTE_MAX, key="care.error.bad_note", required=False) or None


async def mark_done(core: Core, actor: Actor, task_id: int, note: str | None = None) -> CareDone:
    """The volunteer (or a leader of the grid) did the occurrence: once, atomically, with their note."""
    now, note = core.clock.now(), check_note(note)
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        task = await _task_of(s, me, task_id)
        done = await s.execute(
            update(CareTask)
            .where(col(CareTask.id) == task.id, col(CareTask.status) == CareStatus.due.value)
            .values(status=CareStatus.done.value, done_at=now, done_by=me.id, note=note)
            .returning(col(CareTask.id))
        )
        if done.first() is None:
            raise TaskSettled()
        await audit.record(s, me.id, "care.done", "care_task", task.id)
        plan = await s.get(CarePlan, task.plan_id)
        hh = await s.get(Household, task.household_id)
        return CareDone(stored_id(task.id), plan.what if plan else "", hh.address if hh else "", note)
