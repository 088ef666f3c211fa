"""Units claim (包联单位认领) on SQLite and PostgreSQL: 40 units and volunteers press at once and exactly
one wins each slot; the contact's members then hold the task as volunteers do (their release leaves
the unit's slot, their done and the resident's rating count as for anyone)."""

import asyncio

import pytest
from sqlalchemy import func, select

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, AlreadyYours, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import (
    ClaimResult,
    UnitClaimView,
    assign_member,
    claim_for_unit,
    claim_task,
    confirm_outcome,
    rate_request,
    release_task,
    report_done,
)
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import (
    Assignment,
    HelpRequest,
    OutboxMessage,
    Person,
    PointsEntry,
    Unit,
    UnitClaim,
    UnitCommunity,
    VolunteerProfile,
)
from tests.support import factories as f

VOLUNTEERS, UNITS = 25, 15  # 40 presses at once


@pytest.fixture
async def setup(any_db, clock, cfg: Config):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    cfg.requests.max_open_tasks_per_volunteer = 5
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    await f.person(any_db, 3001, "王奶奶", grid_id=grid.id)
    vols, contacts, units = [], [], []
    for i in range(VOLUNTEERS):
        p = await f.person(any_db, 5000 + i, f"志愿者{i}", grid_id=grid.id)
        await f.volunteer(any_db, p.id, grid.id)
        vols.append(Actor(5000 + i, f"志愿者{i}", language="zh-hans"))
    heads = [await f.person(any_db, 7000 + i, f"书记{i}") for i in range(UNITS)]
    async with any_db.session() as s:
        for i, p in enumerate(heads):
            u = Unit(name=f"单位{i}", contact_id=p.id)
            s.add(u)
            await s.flush()
            s.add(UnitCommunity(unit_id=u.id, community_id=com.id))
            contacts.append(Actor(7000 + i, f"书记{i}", language="zh-hans"))
            units.append(u.id)
    await f.bind(any_db, -1001, grid.id)
    return core, grid, vols, contacts, units


async def _request(core, slots=1):
    leader = await f.person(core.db, 1001 + slots * 10, "李网格长")
    who = Actor(3001, "王奶奶", language="zh-hans")
    if slots > 1:
        async with core.db.session() as s:
            grid_id = (await s.execute(select(HelpRequest.grid_id))).scalars().first()
        await f.leader(core.db, leader.id, grid_id or 1)
        who = Actor(leader.tg_user_id, "李网格长", language="zh-hans")
    return await create_request(
        core,
        who,
        RequestDraft("moving", "帮老人搬家", "today", None, "3 栋 401", None, slots),
        source="resident" if slots == 1 else "leader",
    )


async def _race(core, vols, contacts, request_id):
    presses = [claim_task(core, v, request_id) for v in vols] + [claim_for_unit(core, c, request_id) for c in contacts]
    return await asyncio.gather(*presses, return_exceptions=True)


async def _holders(core, request_id) -> tuple[int, int, int]:
    async with core.db.session() as s:
        r = await s.get(HelpRequest, request_id)
        people = await s.scalar(select(func.count()).select_from(Assignment).where(Assignment.request_id == request_id))
        held = await s.scalar(select(func.count()).select_from(UnitClaim).where(UnitClaim.request_id == request_id))
        return r.slots_taken, people, held


async def test_forty_units_and_volunteers_pressing_at_once_on_one_slot_exactly_one_wins(setup):
    core, _, vols, contacts, _ = setup
    req = await _request(core)
    results = await _race(core, vols, contacts, req.id)
    winners = [r for r in results if isinstance(r, ClaimResult | UnitClaimView)]
    losers = [r for r in results if isinstance(r, AlreadyTaken)]
    assert len(winners) == 1 and len(losers) == VOLUNTEERS + UNITS - 1, [type(r) for r in results]
    slots_taken, people, held = await _holders(core, req.id)
    assert slots_taken == 1 and people + held == 1


async def test_forty_presses_on_a_four_slot_task_fill_it_exactly(setup):
    core, _, vols, contacts, _ = setup
    req = await _request(core, slots=4)
    results = await _race(core, vols, contacts, req.id)
    winners = [r for r in results if isinstance(r, ClaimResult | UnitClaimView)]
    assert len(winners) == 4 and sum(isinstance(r, AlreadyTaken) for r in results) == VOLUNTEERS + UNITS - 4
    slots_taken, people, held = await _holders(core, req.id)
    assert slots_taken == 4 and people + held == 4
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "filled"


async def test_only_units_racing_one_unit_pressing_twice_holds_one_slot(setup):
    core, _, _, contacts, _ = setup
    req = await _request(core, slots=3)
    results = await asyncio.gather(
        *(claim_for_unit(core, contacts[0], req.id) for _ in range(10)), return_exceptions=True
    )
    assert sum(isinstance(r, UnitClaimView) for r in results) == 1
    assert all(isinstance(r, UnitClaimView | AlreadyYours) for r in results), results
    assert await _holders(core, req.id) == (1, 0, 1)


async def test_members_hold_the_units_task_as_volunteers_do(setup):
    core, grid, vols, contacts, units = setup
    async with core.db.session() as s:  # volunteers 0-2 are members of unit 0
        ids = (await s.execute(select(Person.id).where(Person.tg_user_id.in_([5000, 5001, 5002])))).scalars().all()
        for prof in (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id.in_(ids)))).scalars():
            prof.unit_id = units[0]
    req = await _request(core)
    claim = await claim_for_unit(core, contacts[0], req.id)
    assert [m.name for m in claim.members] == ["志愿者0", "志愿者1", "志愿者2"]
    with pytest.raises(NotAllowed):  # not the contact of this unit
        await assign_member(core, contacts[1], claim.claim_id, claim.members[0].person_id)
    with pytest.raises(NotAllowed):  # not a member
        await claim_for_unit(core, vols[3], req.id)
    view = await assign_member(core, contacts[0], claim.claim_id, claim.members[0].person_id)
    view = await assign_member(core, contacts[0], claim.claim_id, claim.members[1].person_id)
    assert [m.on_it for m in view.members] == [True, True, False]
    with pytest.raises(AlreadyYours):
        await assign_member(core, contacts[0], claim.claim_id, claim.members[0].person_id)
    async with core.db.session() as s:
        keys = set((await s.execute(select(OutboxMessage.key))).scalars())
    # each member got the details (with the address); the contact got the claim; the resident who is coming
    assert {k for k in keys if k.startswith("task-details:")} and f"unit-claimed:{claim.claim_id}" in keys
    assert sum(k.startswith("coming:") for k in keys) == 2
    # a member gives it back: the unit still holds the slot, the request stays filled
    await release_task(core, vols[1], req.id, "临时加班")
    assert await _holders(core, req.id) == (1, 2, 1)
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "filled"
    # the other member finishes: done reported; the resident confirms and rates; points as for anyone
    await report_done(core, vols[0], req.id, 3, None)
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "done_reported"
    resident = Actor(3001, "王奶奶", language="zh-hans")
    await confirm_outcome(core, resident, req.id, "done")
    await rate_request(core, resident, req.id, 5)
    async with core.db.session() as s:
        pts = (await s.execute(select(PointsEntry.person_id, PointsEntry.points))).all()
    assert {p for p, _ in pts} == {claim.members[0].person_id}


async def test_a_unit_claim_with_nobody_on_it_keeps_the_request_from_being_done(setup):
    core, _, vols, contacts, _ = setup
    req = await _request(core, slots=2)
    await claim_for_unit(core, contacts[0], req.id)
    await claim_task(core, vols[0], req.id)
    await report_done(core, vols[0], req.id, 1, None)
    async with core.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "filled"  # the unit still owes its part
