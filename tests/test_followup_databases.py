"""On SQLite and PostgreSQL: the care plans' daily run makes each occurrence once even when it runs
several times at once, a care task marked done four times at once keeps one note, a plan paused by two
leaders at once pauses once, and a meeting's item closed by two leaders at once asks its volunteer once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.services.care import create_plan, mark_done, pause_plan, run_day
from bot.services.kernel.errors import Conflict
from bot.services.kernel.roles import Actor
from bot.services.meetings import close_item, record_decision
from bot.services.visits import record_visit
from storage.models import AuditEntry, CareTask, OutboxMessage, VisitIssue
from tests.support import factories as f
from tests.support.town import core_on, seed_town


async def _count(db, model, *where) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_care_occurrences_are_made_once_when_the_day_runs_five_times_at_once(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    town = await seed_town(any_db)
    leader = Actor(town.leader.tg_user_id, town.leader.name)
    today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    homes = [h for hs in town.homes.values() for h in hs]
    for h in homes:
        await create_plan(core, leader, h.id, "测量血压", every_days=1)
    await asyncio.gather(*(run_day(core, town.community.id, today) for _ in range(5)), return_exceptions=False)
    assert await _count(any_db, CareTask) == len(homes)
    assert await _count(any_db, OutboxMessage, OutboxMessage.key.startswith("care-task:")) == len(homes)
    async with any_db.session() as s:
        task = (await s.execute(select(CareTask).order_by(CareTask.id))).scalars().first()
    vol = next(p for p in town.vols if p.id == task.volunteer_id)
    results = await asyncio.gather(
        *(mark_done(core, Actor(vol.tg_user_id, vol.name), task.id) for _ in range(4)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


async def test_two_leaders_closing_one_item_at_once_ask_the_volunteer_once(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    town = await seed_town(any_db)
    second = await f.person(any_db, 77001, "第二网格长", grid_id=town.grid.id)
    await f.leader(any_db, second.id, town.grid.id)
    vol = town.vols[0]
    home = town.homes[vol.id][0]
    await record_visit(core, Actor(vol.tg_user_id, vol.name), home.id, "needs_help", "门锁坏了", ["safety"])
    async with any_db.session() as s:
        issue = (await s.execute(select(VisitIssue))).scalars().one()
    leaders = [Actor(town.leader.tg_user_id, town.leader.name), Actor(77001, "第二网格长")]
    await record_decision(core, leaders[0], issue.id, "请物业换锁")
    results = await asyncio.gather(*(close_item(core, a, issue.id) for a in leaders * 2), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    assert await _count(any_db, OutboxMessage, OutboxMessage.key == f"meet-tell:{issue.id}") == 1


async def test_a_care_plan_paused_by_two_leaders_at_once_pauses_once_and_a_done_keeps_one_note(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    town = await seed_town(any_db)
    second = await f.person(any_db, 77002, "第二网格长", grid_id=town.grid.id)
    await f.leader(any_db, second.id, town.grid.id)
    leaders = [Actor(town.leader.tg_user_id, town.leader.name), Actor(77002, "第二网格长")]
    vol = town.vols[0]
    home = town.homes[vol.id][0]
    plan = await create_plan(core, leaders[0], home.id, "测量血压", every_days=1)
    today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    await run_day(core, town.community.id, today)
    async with any_db.session() as s:
        task = (await s.execute(select(CareTask).where(CareTask.plan_id == plan.id))).scalars().one()
    me = Actor(vol.tg_user_id, vol.name)
    notes = [f"第 {i} 条备注" for i in range(4)]
    results = await asyncio.gather(*(mark_done(core, me, task.id, n) for n in notes), return_exceptions=True)
    [won] = [r for r in results if not isinstance(r, Exception)]
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    async with any_db.session() as s:
        stored = await s.get(CareTask, task.id)
    assert (stored.status, stored.note) == ("done", won.note)
    results = await asyncio.gather(*(pause_plan(core, a, plan.id) for a in leaders * 2), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    assert await _count(any_db, AuditEntry, AuditEntry.action == "care.plan_paused") == 1
    await run_day(core, town.community.id, today + timedelta(days=1))
    assert await _count(any_db, CareTask, CareTask.plan_id == plan.id) == 1  # paused: nothing made
