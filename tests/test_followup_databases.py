"""On SQLite and PostgreSQL: the care plans' daily run makes each occurrence once even when it runs
several times at once, and a meeting's item closed by two leaders at once asks its volunteer once."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.services.care import create_plan, mark_done, run_day
from bot.services.kernel.errors import Conflict
from bot.services.kernel.roles import Actor
from bot.services.meetings import close_item, record_decision
from bot.services.visits import record_visit
from storage.models import CareTask, OutboxMessage, VisitIssue
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
