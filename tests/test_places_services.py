"""The people-and-places services on SQLite and PostgreSQL alike (no Telegram involved)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.outbox.notifier import OutboxNotifier
from bot.services import places
from bot.services.exchange.imports import import_csv
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.people import residents, rosters, signup, volunteers
from bot.services.places import groups, households, pairings
from bot.views.exchange import import_vocabulary
from storage.enums import ChatKind, VolunteerStatus
from storage.models import ChatBinding, Household, OutboxMessage, Pairing
from tests.support import factories as f

DATA = Path(__file__).parent / "data"
ADMIN, LEADER_A, LEADER_B, VOL, NEWBIE = (
    Actor(9001, "书记"),
    Actor(1001, "李"),
    Actor(1002, "赵"),
    Actor(2001, "张"),
    Actor(4001, "新"),
)


@pytest.fixture
async def setup(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    ga, gb = await f.grid(any_db, com.id, "第一网格"), await f.grid(any_db, com.id, "第二网格")
    await f.person(any_db, 9001, "书记", superadmin=True)
    for tg, grid in ((1001, ga), (1002, gb)):
        p = await f.person(any_db, tg, "leader")
        await f.leader(any_db, p.id, grid.id)
    vol = await f.person(any_db, 2001, "张志愿", grid_id=ga.id)
    await f.volunteer(any_db, vol.id, ga.id)
    return core, com, ga, gb, vol


def draft(grid_id: int, **over) -> dict:
    return {
        "name": "新人",
        "phone": "13912345678",
        "grid_id": grid_id,
        "work_group": "retired",
        "party_member": True,
        "skills": ["haircut", "elder_care"],
        "availability": "周末",
        "consent": True,
        **over,
    }


async def test_sign_up_approve_and_the_rules_around_it(setup):
    core, com, ga, gb, _ = setup
    with pytest.raises(InvalidInput):
        await signup.submit_signup(core, NEWBIE, draft(ga.id, consent=False))
    with pytest.raises(InvalidInput):
        await signup.submit_signup(core, NEWBIE, draft(ga.id, skills=["flying"]))
    prof = await signup.submit_signup(core, NEWBIE, draft(ga.id))
    assert prof.status == "pending" and prof.skills == "elder_care,haircut"
    with pytest.raises(Conflict):
        await signup.submit_signup(core, NEWBIE, draft(ga.id))  # already waiting
    async with core.db.session() as s:
        cards = (
            (await s.execute(select(OutboxMessage).where(OutboxMessage.key.like(f"volunteer:{prof.id}:%"))))
            .scalars()
            .all()
        )
    assert [c.chat_id for c in cards] == [1001]  # grid A's leader only
    with pytest.raises(NotAllowed):
        await volunteers.approve_volunteer(core, LEADER_B, prof.id)
    approved = await volunteers.approve_volunteer(core, LEADER_A, prof.id)
    assert approved.status == "approved" and approved.decided_at is not None
    with pytest.raises(Conflict) as e:
        await volunteers.approve_volunteer(core, ADMIN, prof.id)
    assert e.value.key == "volunteers.already_approved"
    await volunteers.suspend_volunteer(core, LEADER_A, prof.id)
    await volunteers.reinstate_volunteer(core, ADMIN, prof.id)
    left = await signup.leave_programme(core, NEWBIE)
    assert left.status == "left"
    again = await signup.submit_signup(core, NEWBIE, draft(gb.id))  # people who left may sign up again
    assert again.id == prof.id and again.status == "pending" and again.grid_id == gb.id


async def test_lists_and_paging(setup):
    core, com, ga, gb, _ = setup
    for i in range(5):
        p = await f.person(core.db, 50_000 + i, f"队员{i}")
        await f.volunteer(core.db, p.id, ga.id, status=VolunteerStatus.pending if i < 2 else VolunteerStatus.approved)
    assert len(await rosters.pending_volunteers(core, LEADER_A)) == 2
    assert await rosters.pending_volunteers(core, LEADER_B) == []
    page, total = await rosters.grid_volunteers(core, LEADER_A, offset=2, limit=2)
    assert total == 4 and len(page) == 2
    with pytest.raises(NotAllowed):
        await rosters.grid_volunteers(core, VOL)
    over = await places.overview(core, ADMIN)
    grid_a = next(g for g in over[0].grids if g.grid.id == ga.id)
    assert (grid_a.volunteers, grid_a.pending, grid_a.leaders) == (4, 2, ["leader"])


async def test_binding_replaces_and_refuses_other_grids(setup):
    core, com, ga, gb, _ = setup
    await groups.bind_chat(
        core, LEADER_A, chat_id=-10, title="一", grid_id=ga.id, kind=ChatKind.volunteers, bot_is_member=True
    )
    result = await groups.bind_chat(
        core,
        LEADER_A,
        chat_id=-11,
        title="二",
        grid_id=ga.id,
        kind=ChatKind.volunteers,
        bot_is_member=True,
        invite_link="https://t.me/+abc",
    )
    assert result.replaced_title == "一"
    async with core.db.session() as s:
        assert (await places.volunteer_group_of(s, ga.id)).chat_id == -11
    # the same chat as residents group: it moves (still grid A, so allowed)
    moved = await groups.bind_chat(
        core, LEADER_A, chat_id=-11, title="二", grid_id=ga.id, kind=ChatKind.residents, bot_is_member=True
    )
    assert moved.binding.kind == "residents"
    with pytest.raises(NotAllowed):
        await groups.bind_chat(
            core, LEADER_B, chat_id=-11, title="二", grid_id=gb.id, kind=ChatKind.volunteers, bot_is_member=True
        )
    with pytest.raises(NotAllowed):
        await groups.unbind_chat(core, LEADER_B, -11)
    assert await groups.chat_migrated(core, -11, -100011)
    async with core.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(ChatBinding)) == 1


async def test_households_pairs_and_what_a_volunteer_sees(setup):
    core, com, ga, gb, vol = setup
    h1 = await households.add_household(
        core,
        LEADER_A,
        ga.id,
        {"address": "1 栋 101", "members": "王", "member_count": "1", "care_flags": ["elderly_alone"]},
    )
    hb = await households.add_household(
        core, LEADER_B, gb.id, {"address": "9 栋 909", "members": "赵", "member_count": 2}
    )
    with pytest.raises(Conflict):
        await households.add_household(
            core, LEADER_A, ga.id, {"address": "1 栋 101", "members": "x", "member_count": 1}
        )
    with pytest.raises(NotAllowed):
        await households.add_household(
            core, LEADER_A, gb.id, {"address": "9 栋 910", "members": "x", "member_count": 1}
        )
    with pytest.raises(Conflict):
        await pairings.pair(core, LEADER_A, vol.id, [h1.id, hb.id])  # one household of another grid: none paired
    assert await households.households_of_volunteer(core, VOL) == []
    made = await pairings.pair(core, LEADER_A, vol.id, [h1.id, h1.id])
    assert len(made) == 1 and await pairings.pair(core, LEADER_A, vol.id, [h1.id]) == []
    assert [h.id for h in await households.households_of_volunteer(core, VOL)] == [h1.id]
    pairing, _ = await pairings.unpair(core, ADMIN, made[0].id)
    with pytest.raises(Conflict):
        await pairings.unpair(core, LEADER_A, pairing.id)
    await pairings.pair(core, LEADER_A, vol.id, [h1.id])  # paired again: the same row, active again
    async with core.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Pairing)) == 1


async def test_residents_choose_and_places_need_admins(setup):
    core, com, ga, gb, _ = setup
    assert await residents.grid_of(core, NEWBIE) is None
    with pytest.raises(residents.NoGrid):
        await residents.require_grid(core, NEWBIE)
    await residents.choose_grid(core, NEWBIE, gb.id)
    assert (await residents.grid_of(core, NEWBIE)).id == gb.id
    with pytest.raises(NotAllowed):
        await places.create_grid(core, LEADER_A, com.id, "第三网格")
    with pytest.raises(NotAllowed):
        await places.create_community(core, LEADER_A, "X")
    grid = await places.create_grid(core, ADMIN, com.id, "第三网格")
    person = await places.set_leader(core, ADMIN, grid.id, 2001)
    assert person.name == "张志愿"


async def test_import_on_both_databases(setup):
    core, *_ = setup
    for kind in ("communities", "grids", "households", "volunteers"):
        result = await import_csv(core, kind, (DATA / f"{kind}.csv").read_bytes(), vocabulary=import_vocabulary())
        assert result.ok, result.errors
    bad = await import_csv(
        core, "households", (DATA / "households_bad.csv").read_bytes(), vocabulary=import_vocabulary()
    )
    assert [e.line for e in bad.errors] == [3, 4, 5, 6, 7, 9, 10]
    async with core.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Household)) == 4
