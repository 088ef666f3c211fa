"""Buildings (楼栋) beyond the chat: the households' import makes them (all or nothing), their
figures read the same on SQLite and PostgreSQL, and the dashboard shows the week by building."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.outbox.notifier import OutboxNotifier
from bot.services import buildings, digests, visits
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.periods import iso_week
from bot.services.kernel.roles import Actor
from storage.enums import VisitOutcome
from storage.models import Building, DoorVisit, Grid, HelpRequest, Household, VolunteerProfile
from tests.support import factories as f
from tests.support.dashboard import add_request, csrf_of, new_client, page, sign_in
from tests.support.town import payload, rows
from tests.test_import import count, run, seed


# ---------------------------------------------------------------- import
async def test_the_households_import_makes_buildings_in_each_grid_by_name(core):
    await seed(core)
    data = (
        "community,grid,building,address\n"
        "阳光社区,阳光一格,10栋,阳光路 10 号 101\n"
        "阳光社区,阳光一格,3栋,阳光路 3 号 101\n"
        "阳光社区,阳光一格,3栋,阳光路 3 号 102\n"
        "阳光社区,阳光二格,3栋,阳光路 33 号 101\n"  # another grid's 3栋 is another building
        "阳光社区,阳光二格,,阳光路 40 号 101\n"  # no building: as before
    ).encode()
    code, out = await run(core, "households", data=data)
    assert code == 0, out
    async with core.db.session() as s:
        grids = {g.id: g.name for g in (await s.execute(select(Grid))).scalars()}
        made = {(grids[b.grid_id], b.name): b.id for b in (await s.execute(select(Building))).scalars()}
        homes = {h.address: h.building_id for h in (await s.execute(select(Household))).scalars()}
    assert set(made) == {("阳光一格", "10栋"), ("阳光一格", "3栋"), ("阳光二格", "3栋")}
    assert homes["阳光路 3 号 101"] == homes["阳光路 3 号 102"] == made[("阳光一格", "3栋")]
    assert homes["阳光路 33 号 101"] == made[("阳光二格", "3栋")] and homes["阳光路 40 号 101"] is None
    assert homes["阳光路 1 号 101"] is None  # the earlier file had no building column
    # Chinese headers; a bad building name refuses the whole file, in the office's language
    data = (
        "社区,网格,楼栋,地址\n阳光社区,阳光一格,5栋,阳光路 5 号 1\n阳光社区,阳光一格," + "栋" * 60 + ",阳光路 5 号 2\n"
    )
    code, out = await run(core, "households", data=data.encode(), lang="zh-CN")
    assert code == 1 and "第 3 行" in out and "楼栋名称为一行" in out
    assert (
        await count(core.db, Building) == 3
        and await count(core.db, Household, Household.address.like("阳光路 5%")) == 0
    )
    code, out = await run(core, "households", data=data.encode(), lang="en")
    assert code == 1 and "line 3: building: A building's name is one line" in out


# ---------------------------------------------------------------- figures and heads, both databases
@pytest.fixture
async def blocks(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    ga, gb = await f.grid(any_db, com.id, "甲网格"), await f.grid(any_db, com.id, "乙网格")
    leader = await f.person(any_db, 10, "网格长", grid_id=ga.id)
    await f.leader(any_db, leader.id, ga.id)
    head = await f.person(any_db, 20, "楼栋长", grid_id=ga.id)
    await f.volunteer(any_db, head.id, ga.id)
    async with any_db.session() as s:
        b10, b3 = Building(grid_id=ga.id, name="10栋"), Building(grid_id=ga.id, name="3栋")
        s.add_all([b10, b3])
        await s.flush()
        homes = [
            Household(grid_id=ga.id, building_id=b3.id, address="3 栋 101"),
            Household(grid_id=ga.id, building_id=b3.id, address="3 栋 102"),
            Household(grid_id=ga.id, building_id=b10.id, address="10 栋 101"),
            Household(grid_id=ga.id, address="平房 1 号"),
            Household(grid_id=gb.id, address="乙 1 号"),  # grid B has no buildings
        ]
        s.add_all(homes)
        await s.flush()
    return core, ga, gb, b3, b10, homes, head


async def test_figures_by_building_and_heads_read_the_same_on_both_databases(blocks):
    core, ga, gb, b3, b10, homes, head = blocks
    leader, me = Actor(10, "网格长"), Actor(20, "楼栋长")
    granted = await buildings.grant_head(core, leader, 20, "3栋")
    assert (granted.person, granted.building, granted.grid) == ("楼栋长", "3栋", "甲网格")
    with pytest.raises(Conflict, match="buildings.already_head"):
        await buildings.grant_head(core, leader, 20, "3栋")
    [mine] = await buildings.headed_households(core, me)
    assert mine.name == "3栋" and [r.household.address for r in mine.rows] == ["3 栋 101", "3 栋 102"]
    listed = await buildings.buildings_of(core, leader)
    assert [(b.name, b.households, [n for _, n in b.heads]) for b in listed] == [
        ("3栋", 2, ["楼栋长"]),
        ("10栋", 1, []),
    ]

    week = iso_week(core.clock.now(), "Asia/Shanghai")
    async with core.db.session() as s:
        s.add(
            DoorVisit(
                household_id=homes[0].id, volunteer_id=head.id, grid_id=ga.id, week=week, outcome=VisitOutcome.met.value
            )
        )
        await s.execute(update(Household).where(Household.id == homes[1].id).values(erased_at=core.clock.now()))
    await add_request(core.db, ga.id, "A-1", "修灯", address="x", phone="13900000000")
    async with core.db.session() as s:
        await s.execute(update(HelpRequest).values(household_id=homes[2].id))
        lines = await buildings.building_lines(s, [ga.id, gb.id], week)
    assert gb.id not in lines  # a grid without buildings: no lines
    assert [(b.name, b.households, b.visited, b.open_problems) for b in lines[ga.id]] == [
        ("3栋", 1, 1, 0),  # the erased household no longer counts
        ("10栋", 1, 0, 1),
        ("", 1, 0, 0),  # the grid's households of no building
    ]
    removed = await buildings.remove_head(core, leader, listed[0].heads[0][0])
    assert removed.person == "楼栋长"
    with pytest.raises(NotAllowed):
        await buildings.headed_households(core, me)


# ---------------------------------------------------------------- dashboard
async def test_the_dashboard_shows_the_week_by_building_where_there_are_buildings(office, web_base):
    o = office
    async with o.db.session() as s:
        b = Building(grid_id=o.grid_a.id, name="3栋")
        s.add(b)
        await s.flush()
        s.add(Household(grid_id=o.grid_a.id, building_id=b.id, address="幸福里 3 栋 401"))
    async with new_client() as c:
        await sign_in(c, o.core, 1001)
        _, body = await page(c, f"{web_base}/dashboard/")
        assert "本周分楼栋情况" in body and "3栋" in body and "待解决问题" in body
        assert "幸福里 3 栋 401" not in body  # figures, not addresses
        csrf = await csrf_of(c, f"{web_base}/dashboard/")
        async with c.post(f"{web_base}/dashboard/lang", data={"lang": "en", "next": "/dashboard/", "csrf": csrf}) as r:
            assert r.status == 200
        _, body = await page(c, f"{web_base}/dashboard/")
        assert "This week by building" in body and "Visited this week" in body
    async with new_client() as c:  # grid B has no buildings: the page is as before
        await sign_in(c, o.core, 1002)
        _, body = await page(c, f"{web_base}/dashboard/")
        assert "本周分楼栋情况" not in body and "3栋" not in body


async def test_a_suspended_head_sees_no_address_of_their_building(blocks):
    core, ga, _, b3, _, homes, head = blocks
    leader, me = Actor(10, "网格长"), Actor(20, "楼栋长")
    await buildings.grant_head(core, leader, 20, "3栋")
    assert [i.household.address for i in (await visits.my_households(core, me)).items] == ["3 栋 101", "3 栋 102"]
    async with core.db.session() as s:
        await s.execute(
            update(VolunteerProfile).where(VolunteerProfile.person_id == head.id).values(status="suspended")
        )
    with pytest.raises(NotAllowed):
        await buildings.headed_households(core, me)
    assert (await visits.my_households(core, me)).items == []
    with pytest.raises(NotAllowed):
        await visits.household_details(core, me, homes[0].id)


async def test_the_weekly_digest_sent_to_the_leader_breaks_the_week_down_by_building(blocks):
    core, ga, _, b3, _, homes, head = blocks
    week = iso_week(core.clock.now(), "Asia/Shanghai")
    async with core.db.session() as s:
        s.add(
            DoorVisit(
                household_id=homes[0].id, volunteer_id=head.id, grid_id=ga.id, week=week, outcome=VisitOutcome.met.value
            )
        )
    await digests.send_weekly_digests(core, ga.community_id, week)
    [text] = [payload(r)["text"] for r in await rows(core.db, "digest:grid:") if r.key.endswith(":text")]
    assert "分楼栋" in text and "3栋：2 户 · 本周入户 1 户 · 待解决问题 0 件" in text
    assert "10栋：1 户 · 本周入户 0 户" in text and "未分楼栋：1 户" in text
    assert "3 栋 101" not in text  # figures, never addresses


async def test_buildings_kept_in_chat_read_the_same_on_both_databases(blocks):
    """Adding, renaming, moving a household and removing a building with households and a head."""
    core, ga, gb, b3, b10, homes, head = blocks
    leader = Actor(10, "网格长")
    added = await buildings.add_buildings(core, leader, ga.id, "5栋\n3栋、12栋")
    assert (added.added, added.existing) == (("5栋", "12栋"), ("3栋",))
    assert [n for _, n in await buildings.grid_buildings(core, leader, ga.id)] == ["3栋", "5栋", "10栋", "12栋"]
    with pytest.raises(NotAllowed):  # 乙网格 is not theirs
        await buildings.grid_buildings(core, leader, gb.id)
    with pytest.raises(InvalidInput, match="buildings.name_taken"):
        await buildings.rename_building(core, leader, b10.id, "3栋")
    renamed = await buildings.rename_building(core, leader, b10.id, "10号楼")
    assert (renamed.old, renamed.new) == ("10栋", "10号楼")

    moved = await buildings.move_household(core, leader, homes[3].id, b3.id)  # 平房 1 号 into 3栋
    assert moved.building == "3栋" and [n for _, n in moved.choices][0] == "3栋"
    with pytest.raises(Conflict):  # grid B has no such building
        await buildings.move_household(core, leader, homes[3].id, 987654)
    with pytest.raises(NotAllowed):  # grid B's household: not this leader's
        await buildings.household_place(core, leader, homes[4].id)

    await buildings.grant_head(core, leader, 20, "3栋")
    asked = await buildings.remove_building(core, leader, b3.id, confirmed=False)
    assert (asked.removed, asked.households, asked.heads) == (False, 3, ("楼栋长",))
    done = await buildings.remove_building(core, leader, b3.id, confirmed=True)
    assert done.removed and done.households == 3
    async with core.db.session() as s:
        assert {h.id: h.building_id for h in (await s.execute(select(Household))).scalars()}[homes[0].id] is None
        assert (await s.get(Building, b3.id)) is None
    with pytest.raises(Conflict, match="buildings.building_gone"):
        await buildings.remove_building(core, leader, b3.id, confirmed=True)
    with pytest.raises(NotAllowed):
        await buildings.headed_households(core, Actor(20, "楼栋长"))
    with pytest.raises(NotAllowed):  # someone who leads nothing
        await buildings.add_buildings(core, Actor(20, "楼栋长"), ga.id, "7栋")
