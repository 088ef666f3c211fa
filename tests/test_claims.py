"""The atomic claim on SQLite and PostgreSQL: 40 volunteers press Accept at once."""

import asyncio
import json

import pytest
from sqlalchemy import func, select

from bot.i18n import join_list
from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, Conflict, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests.claiming import ClaimResult, claim_task
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.tasks import release_task
from storage import claims
from storage.models import Assignment, AuditEntry, HelpRequest, OutboxMessage, Person
from tests.support import factories as f

N = 40


@pytest.fixture
async def setup(any_db, clock, cfg: Config):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    cfg.requests.max_open_tasks_per_volunteer = 5
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    resident = await f.person(any_db, 3001, "王奶奶", grid_id=grid.id)
    vols = []
    for i in range(N):
        p = await f.person(any_db, 5000 + i, f"志愿者{i}", grid_id=grid.id)
        await f.volunteer(any_db, p.id, grid.id)
        vols.append(Actor(5000 + i, f"志愿者{i}", language="zh-hans"))
    leader = await f.person(any_db, 1001, "李网格长", grid_id=grid.id)
    await f.leader(any_db, leader.id, grid.id)
    await f.bind(any_db, -1001, grid.id)
    return core, grid, resident, vols


async def _request(core, slots=1):
    who = Actor(3001, "王奶奶", language="zh-hans") if slots == 1 else Actor(1001, "李网格长", language="zh-hans")
    return await create_request(
        core,
        who,
        RequestDraft("moving", "搬家", "today", None, "3 栋 401", None, slots),
        source="resident" if slots == 1 else "leader",
    )


async def test_forty_concurrent_claims_on_a_one_slot_task_exactly_one_wins(setup):
    core, _, _, vols = setup
    req = await _request(core)
    results = await asyncio.gather(*(claim_task(core, v, req.id) for v in vols), return_exceptions=True)
    winners = [r for r in results if isinstance(r, ClaimResult)]
    losers = [r for r in results if isinstance(r, AlreadyTaken)]
    assert len(winners) == 1 and len(losers) == N - 1, [type(r) for r in results]
    assert all(e.key == "task.error.taken" and e.params["code"] == req.code for e in losers)
    async with core.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("filled", 1)
        assert await s.scalar(select(func.count()).select_from(Assignment)) == 1
        assert (
            await s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "task.claim")) == 1
        )
        # one details message for the winner and one "who is coming" for the resident, nothing for the others
        keys = set((await s.execute(select(OutboxMessage.key))).scalars())
        assert sum(k.startswith("task-details:") for k in keys) == 1 and sum(k.startswith("coming:") for k in keys) == 1


async def test_forty_concurrent_claims_on_a_four_slot_task_fill_it_exactly(setup):
    core, _, _, vols = setup
    req = await _request(core, slots=4)
    results = await asyncio.gather(*(claim_task(core, v, req.id) for v in vols), return_exceptions=True)
    winners = [r for r in results if isinstance(r, ClaimResult)]
    assert len(winners) == 4 and sum(isinstance(r, AlreadyTaken) for r in results) == N - 4
    assert sorted(w.slots_left for w in winners) == [0, 1, 2, 3] and sum(w.filled for w in winners) == 1
    async with core.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("filled", 4)
        people = (await s.execute(select(Assignment.volunteer_id))).scalars().all()
        assert len(people) == len(set(people)) == 4
        # the card's edit that is still to be sent names all four, in the order they took the task
        names = (
            (
                await s.execute(
                    select(Person.name).join(Assignment, Assignment.volunteer_id == Person.id).order_by(Assignment.id)
                )
            )
            .scalars()
            .all()
        )
        edits = (
            (
                await s.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.card_ref == f"request:{req.id}", OutboxMessage.kind == "edit"
                    )
                )
            )
            .scalars()
            .all()
        )
        pending = [e for e in edits if e.status == "pending"]
        assert len(edits) == 4 and len(pending) == 1, [(e.status, e.last_error) for e in edits]
        assert join_list("zh-CN", names) in json.loads(pending[0].payload)["text"]


async def test_the_same_volunteer_pressing_twice_at_once_holds_one_slot(setup):
    core, _, _, vols = setup
    req = await _request(core, slots=3)
    results = await asyncio.gather(*(claim_task(core, vols[0], req.id) for _ in range(10)), return_exceptions=True)
    assert sum(isinstance(r, ClaimResult) for r in results) == 1
    assert all(isinstance(r, (ClaimResult, Conflict)) for r in results), results
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).slots_taken == 1


async def test_one_volunteer_pressing_accept_on_eight_tasks_at_once_gets_no_more_than_the_limit(setup):
    """Each press reads the volunteer's load before it waits for their lock; the take checks it again."""
    core, _, _, vols = setup
    reqs = [await _request(core, slots=2) for _ in range(8)]
    results = await asyncio.gather(*(claim_task(core, vols[0], r.id) for r in reqs), return_exceptions=True)
    won = [r for r in results if isinstance(r, ClaimResult)]
    refused = [r for r in results if isinstance(r, NotAllowed)]
    assert len(won) == 5 and len(refused) == 3, results
    assert {e.key for e in refused} == {"task.error.too_many"}
    async with core.db.session() as s:
        me = (await s.execute(select(Person.id).where(Person.tg_user_id == vols[0].tg_user_id))).scalar_one()
        assert await s.scalar(select(func.count()).select_from(Assignment).where(Assignment.volunteer_id == me)) == 5
        claimed = (await s.execute(select(AuditEntry).where(AuditEntry.action == "task.claim"))).scalars().all()
        assert sorted(json.loads(e.detail)["slots_taken"] for e in claimed) == [1] * 5
        assert {e.entity_id for e in claimed} == {r.request.id for r in won} and {e.actor_id for e in claimed} == {me}


async def test_storage_take_slot_under_forty_sessions(setup):
    core, _, _, _ = setup
    req = await _request(core, slots=2)
    async with core.db.session() as s:
        people = list((await s.execute(select(Person.id).where(Person.tg_user_id >= 5000))).scalars())

    async def one(pid):
        async with core.db.session() as s:
            return await claims.take_slot(s, req.id, pid, core.clock.now())

    slots = await asyncio.gather(*(one(pid) for pid in people))
    taken = [x for x in slots if x is not None]
    assert len(taken) == 2 and {x.slots_taken for x in taken} == {1, 2}


async def test_release_frees_the_slot_and_a_released_press_cannot_release_twice(setup):
    core, _, _, vols = setup
    req = await _request(core)
    await claim_task(core, vols[0], req.id)
    await release_task(core, vols[0], req.id, "生病了")
    with pytest.raises(NotAllowed):
        await release_task(core, vols[0], req.id, "再来一次")
    again = await claim_task(core, vols[1], req.id)
    assert again.filled and again.slots_left == 0


async def test_an_accept_edits_the_leaders_private_copies_when_the_grid_has_no_group(any_db, clock, cfg: Config):
    """No volunteer group: the card went to the leaders; the accept edits each copy, naming the taker."""
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    await f.person(any_db, 3001, "王奶奶", grid_id=grid.id)
    for tg, name in ((1001, "李网格长"), (1002, "赵网格长")):
        leader = await f.person(any_db, tg, name, grid_id=grid.id)
        await f.leader(any_db, leader.id, grid.id)
    vol = await f.person(any_db, 5000, "志愿者甲", grid_id=grid.id)
    await f.volunteer(any_db, vol.id, grid.id)
    req = await create_request(
        core,
        Actor(3001, "王奶奶", language="zh-hans"),
        RequestDraft("moving", "搬家", "today", None, "3 栋 401", None, 1),
        source="resident",
    )
    await claim_task(core, Actor(5000, "志愿者甲", language="zh-hans"), req.id)
    async with core.db.session() as s:
        edits = (
            (
                await s.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.kind == "edit", OutboxMessage.card_ref.like(f"request-lead:{req.id}:%")
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(e.card_ref for e in edits) == [f"request-lead:{req.id}:1001", f"request-lead:{req.id}:1002"]
    assert all("志愿者甲" in json.loads(e.payload)["text"] for e in edits)
