"""Buildings (楼栋) kept in chat, end to end through the sandbox: a leader adds, renames and removes
a grid's buildings from /buildings (removing one with households asks first and moves them to no
building), /addhousehold asks the building in grids that have some (and nothing more in grids that
have none), a household's screen puts it into a building, a building head gets their building's
households on Friday, and what is kept survives a restart. Chinese and English."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.scheduler import run_due
from bot.services.kernel.clock import FakeClock
from bot.services.kernel.core import Core
from storage.models import AuditEntry, Building, BuildingHead, DoorVisit, Household, Person
from tests.support import factories as f
from tests.support.harness import TgUser, buttons_of, text_of
from tests.support.town import at, log_visit
from tests.support.waiting import settle
from tests.test_reminders import VISITS


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def in_english(w, u: TgUser) -> TgUser:
    u.lang = "en"
    await w.sb.add_user(u.id, u.name, language_code="en")
    return u


async def buildings_of(db, grid_id: int) -> dict[str, int]:
    async with db.session() as s:
        found = await s.execute(select(Building).where(Building.grid_id == grid_id))
        return {b.name: b.id for b in found.scalars()}


async def building_of(db, household_id: int) -> int | None:
    async with db.session() as s:
        h = await s.get(Household, household_id)
        return h.building_id


def data_of(message: dict) -> list[str]:
    return [b["callback_data"] for b in buttons_of(message)]


async def test_a_leader_adds_renames_and_removes_buildings_in_chat(world):
    w = world
    leader = w.leader
    await leader.send("/buildings")
    empty = await leader.reply()
    assert "还没有楼栋" in text_of(empty) and [b["text"] for b in buttons_of(empty)] == ["➕ 添加楼栋"]
    await leader.press("➕ 添加楼栋")
    assert "请发送要添加到第一网格的楼栋名称" in text_of(await leader.reply())
    await leader.send("3栋\n10栋、5栋")
    added = await leader.reply(contains="已在第一网格添加 3 栋")
    assert "3栋、10栋和5栋" in text_of(added)
    await leader.press("➕ 继续添加")
    await leader.reply(contains="请发送要添加到第一网格")
    await leader.send("3栋\n" + "<b>7栋</b>")  # one it has, one new (shown as typed, never as markup)
    again = text_of(await leader.reply(contains="第一网格已有：3栋"))
    assert "添加 1 栋：<b>7栋</b>" in again
    assert set(await buildings_of(w.db, w.grid_a.id)) == {"3栋", "10栋", "5栋", "<b>7栋</b>"}

    await leader.send("/buildings")
    listing = await leader.reply()
    text = text_of(listing)
    assert text.index("3栋：") < text.index("5栋：") < text.index("10栋：")  # natural order
    assert ["🏢 3栋", "🏢 5栋", "🏢 10栋"] == [b["text"] for b in buttons_of(listing)][:3]

    # rename: a name the grid has is refused and asked again; then the new one
    await leader.press("🏢 5栋", message=listing)
    screen = text_of(await leader.reply(edited=True, contains="5栋（第一网格）"))
    assert "住户：0 户" in screen and "楼栋长：暂无" in screen
    await leader.press("✏️ 改名")
    await leader.reply(contains="请发送5栋（第一网格）的新名称")
    await leader.send("10栋")
    assert "第一网格已有名为“10栋”的楼栋" in text_of(await leader.reply(contains="❗"))
    await leader.send("5号楼")
    assert "5栋 已改名为 5号楼（第一网格）" in text_of(await leader.reply(contains="改名"))
    assert "5号楼" in await buildings_of(w.db, w.grid_a.id)

    # remove: an empty building at once
    b = await buildings_of(w.db, w.grid_a.id)
    await leader.send("/buildings")
    await leader.press("🏢 5号楼", message=await leader.reply())
    await leader.reply(edited=True, contains="5号楼（第一网格）")
    await leader.press("🗑 删除")
    assert "已删除5号楼（第一网格）" in text_of(await leader.reply(edited=True, contains="已删除"))
    assert "5号楼" not in await buildings_of(w.db, w.grid_a.id)

    # remove a building with a household and a head: asked first; "keep" keeps it
    async with w.db.session() as s:
        await s.execute(update(Household).where(Household.id == w.household.id).values(building_id=b["3栋"]))
    await w.volunteers[1].send("/start")
    await w.volunteers[1].reply()
    await leader.send("/buildinghead 2002 3栋")
    await leader.reply(contains="现在负责3栋")
    await leader.send("/buildings")
    await leader.press("🏢 3栋", message=await leader.reply())
    await leader.reply(edited=True, contains="住户：1 户")
    await leader.press("🗑 删除")
    ask = await leader.reply(edited=True, contains="删除3栋（第一网格）？")
    assert "这栋楼有 1 户" in text_of(ask) and "楼栋长 王志愿 将不再负责" in text_of(ask)
    await leader.press("保留")
    await leader.reply(edited=True, contains="住户：1 户")
    assert "3栋" in await buildings_of(w.db, w.grid_a.id)
    await leader.press("🗑 删除")
    ask = await leader.reply(edited=True, contains="删除3栋（第一网格）？")
    await leader.press("🗑 删除，1 户改为未分楼栋", message=ask)
    done = text_of(await leader.reply(edited=True, contains="已删除3栋"))
    assert "1 户改为未分楼栋" in done
    await w.volunteers[1].reply(contains="您不再负责3栋（第一网格）")  # its head is told privately
    assert "3栋" not in await buildings_of(w.db, w.grid_a.id) and await building_of(w.db, w.household.id) is None
    async with w.db.session() as s:
        assert (await s.execute(select(BuildingHead))).scalars().all() == []
        assert (await s.get(Household, w.household.id)).erased_at is None  # the household stays
        actions = [a.action for a in (await s.execute(select(AuditEntry))).scalars()]
    assert actions.count("building.create") == 4 and "building.rename" in actions and "building.remove" in actions
    # the question's button again: the building is gone, nothing changes
    answer = await leader.press("x", message=ask, data=f"bld:rmy:{b['3栋']}", force=True)
    assert answer["show_alert"] and "这栋楼已被删除" in answer["text"]

    # another grid's leader: grid A's buildings are not theirs to touch
    await w.leader_b.send("/buildings")
    theirs = await w.leader_b.reply(contains="还没有楼栋")
    answer = await w.leader_b.press("x", message=theirs, data=f"bld:rm:{b['10栋']}", force=True)
    assert answer["show_alert"] and "由网格长管理" in answer["text"]
    assert "10栋" in await buildings_of(w.db, w.grid_a.id)
    # nor can a volunteer begin adding buildings to grid A
    await w.volunteers[2].send("/buildings")
    refused = await w.volunteers[2].reply(contains="由网格长管理")
    answer = await w.volunteers[2].press("x", message=refused, data=f"bld:add:{w.grid_a.id}", force=True)
    assert answer["show_alert"] and "由网格长管理" in answer["text"]


async def test_in_english_buildings_households_and_the_household_screen(world):
    w = world
    leader = await in_english(w, w.leader_b)  # grid B: no buildings yet
    home = await f.household(w.db, w.grid_b.id, "平安里 7 栋 102", members="陈阿姨")
    await leader.send("/buildings")
    await leader.reply(contains="Your grids have no buildings yet")
    await leader.press("➕ Add buildings")
    await leader.reply(contains="Send the name of the building to add to 第二网格")
    await leader.send("🏢")
    assert "A building's name is one line" in text_of(await leader.reply(contains="❗"))
    await leader.send("/cancel")
    await leader.reply(contains="no building was changed")
    await leader.press("➕ Add buildings")
    await leader.reply(contains="Send the name")
    await leader.send("Block A、Block B")
    assert "Added 2 buildings to 第二网格: Block A and Block B" in text_of(await leader.reply(contains="Added"))
    blocks = await buildings_of(w.db, w.grid_b.id)

    # /addhousehold now asks the building first: "no building" is a choice
    await leader.send("/addhousehold")
    ask = await leader.reply(contains="Which building of 第二网格")
    assert [b["text"] for b in buttons_of(ask)] == ["Block A", "Block B", "▫️ no building"]
    await leader.press("no building")
    await leader.reply(edited=True, contains="What is the address?")
    await leader.send("平安里 8 栋 101")
    await leader.reply(contains="Who lives there")
    await leader.send("Mr Chen")
    await leader.reply(contains="How many")
    await leader.send("1")
    await leader.reply(contains="care")
    await leader.press("Done")
    summary = await leader.reply(edited=True, contains="Please check")
    assert "Building: no building" in text_of(summary)
    await leader.press("Save")
    await leader.reply(edited=True, contains="Household saved")
    async with w.db.session() as s:
        new = (await s.execute(select(Household).where(Household.address == "平安里 8 栋 101"))).scalar_one()
    assert new.building_id is None

    # the household's screen, from /households: put it into Block B
    await leader.send("/households")
    listing = await leader.reply(contains="平安里 7 栋 102")
    assert f"visit:info:{home.id}" in data_of(listing)
    await leader.press("x", message=listing, data=f"visit:info:{home.id}")
    screen = await leader.reply(contains=f"#{home.id}")
    assert "Building: no building" in text_of(screen)
    await leader.press("🏢 Building", message=screen)
    picker = await leader.reply(edited=True, contains=f"Which building is household #{home.id}")
    assert "Now: no building" in text_of(picker) and "✅ ▫️ no building" in [b["text"] for b in buttons_of(picker)]
    await leader.press("Block B", message=picker)
    moved = await leader.reply(edited=True, contains="is now in: Block B (第二网格)")
    assert await building_of(w.db, home.id) == blocks["Block B"]
    await leader.press("« The household", message=moved)
    assert "Building: Block B" in text_of(await leader.reply(contains=f"#{home.id}"))

    # removing Block B asks first, in English; the old picker then changes nothing
    await leader.send("/buildings")
    await leader.press("🏢 Block B", message=await leader.reply())
    await leader.reply(edited=True, contains="Households: 1")
    await leader.press("🗑 Remove")
    ask = await leader.reply(edited=True, contains="Remove Block B (第二网格)?")
    assert "It has 1 household: it will then belong to no building" in text_of(ask)
    await leader.press("🗑 Remove; 1 household to no building", message=ask)
    assert "1 household now belongs to no building" in text_of(await leader.reply(edited=True, contains="Removed"))
    assert await building_of(w.db, home.id) is None
    answer = await leader.press("x", message=picker, data=f"bld:mv:{home.id}:{blocks['Block B']}", force=True)
    assert answer["show_alert"] and "That building has been removed" in answer["text"]
    assert await building_of(w.db, home.id) is None


async def test_addhousehold_in_a_grid_with_buildings_asks_which_building(world):
    w = world
    leader = w.leader
    async with w.db.session() as s:
        s.add_all([Building(grid_id=w.grid_a.id, name="10栋"), Building(grid_id=w.grid_a.id, name="3栋")])
    await leader.send("/addhousehold")
    ask = await leader.reply(contains="这一户在第一网格的哪栋楼")
    assert [b["text"] for b in buttons_of(ask)] == ["3栋", "10栋", "▫️ 未分楼栋"]
    await leader.send("幸福里 3 栋 101")  # typed instead of pressed: the question again
    assert "❗" in text_of(await leader.reply(contains="哪栋楼"))
    await leader.press("3栋", message=ask)
    await leader.reply(edited=True, contains="请发送地址")
    await leader.send("幸福里 3 栋 101")
    await leader.reply("家里住着谁")
    await leader.send("刘爷爷")
    await leader.reply("几口人")
    await leader.send("1")
    await leader.reply("特别关爱")
    await leader.press("完成")
    summary = await leader.reply("请核对", edited=True)
    assert "楼栋：3栋" in text_of(summary)
    await leader.press("保存")
    await leader.reply("已在", edited=True)
    b = await buildings_of(w.db, w.grid_a.id)
    async with w.db.session() as s:
        h = (await s.execute(select(Household).where(Household.address == "幸福里 3 栋 101"))).scalar_one()
    assert h.building_id == b["3栋"]
    # the old question's button: the run is over, nothing changes
    answer = await leader.press("x", message=ask, data=f"hh:ab:{b['10栋']}", force=True)
    assert answer["show_alert"]
    assert await building_of(w.db, h.id) == b["3栋"]
    # a building removed while the leader was typing: the household is not saved into it
    await leader.send("/addhousehold")
    ask = await leader.reply(contains="哪栋楼")
    await leader.press("10栋", message=ask)
    await leader.reply(edited=True, contains="请发送地址")
    async with w.db.session() as s:
        await s.execute(Building.__table__.delete().where(Building.id == b["10栋"]))
    for text, expect in (("幸福里 10 栋 1", "家里住着谁"), ("周阿姨", "几口人"), ("1", "特别关爱")):
        await leader.send(text)
        await leader.reply(expect)
    await leader.press("完成")
    await leader.reply("请核对", edited=True)
    await leader.press("保存")
    assert "所选的楼栋刚被删除" in text_of(await leader.reply(edited=True, contains="楼栋"))
    async with w.db.session() as s:
        assert (await s.execute(select(Household).where(Household.address == "幸福里 10 栋 1"))).first() is None


async def test_in_a_grid_without_buildings_addhousehold_asks_no_building_question(world):
    w = world
    leader = w.leader
    await leader.send("/addhousehold")
    first = await leader.reply()
    assert "请发送地址" in text_of(first) and buttons_of(first) == []
    for text, expect in (("幸福里 9 栋 101", "家里住着谁"), ("孙奶奶", "几口人"), ("1", "特别关爱")):
        await leader.send(text)
        await leader.reply(expect)
    await leader.press("完成")
    summary = text_of(await leader.reply("请核对", edited=True))
    assert "楼栋" not in summary
    await leader.press("保存")
    await leader.reply("已在", edited=True)
    assert all("哪栋楼" not in t for t in await leader.texts())
    async with w.db.session() as s:
        h = (await s.execute(select(Household).where(Household.address == "幸福里 9 栋 101"))).scalar_one()
    assert h.building_id is None
    # /households is as before: no button per household; the household's screen has no 🏢
    await leader.send("/households")
    listing = await leader.reply(contains="共 2 户")
    assert not any(d.startswith("visit:info:") for d in data_of(listing))
    await leader.press("x", message=listing, data=f"visit:info:{h.id}", force=True)
    screen = await leader.reply(contains=f"#{h.id}")
    assert "楼栋" not in text_of(screen) and not any(d.startswith("bld:") for d in data_of(screen))


async def test_only_a_leader_of_its_grid_puts_a_household_into_a_building(world):
    w = world
    async with w.db.session() as s:
        b3 = Building(grid_id=w.grid_a.id, name="3栋")
        s.add(b3)
        await s.flush()
        b3_id = b3.id
    vol = w.volunteers[0]  # paired with the household: its screen, but no 🏢
    await vol.send("/visits")
    mine = await vol.reply()
    await vol.press("x", message=mine, data=f"visit:info:{w.household.id}")
    screen = await vol.reply(contains=f"#{w.household.id}")
    assert not any(d.startswith("bld:") for d in data_of(screen)) and f"visit:log:{w.household.id}" in data_of(screen)
    for who in (vol, w.leader_b, w.resident):
        await who.send("/buildings")
        theirs = await who.reply()
        answer = await who.press("x", message=theirs, data=f"bld:mv:{w.household.id}:{b3_id}", force=True)
        assert answer["show_alert"] and "由网格长管理" in answer["text"]
        answer = await who.press("x", message=theirs, data=f"bld:hh:{w.household.id}", force=True)
        assert answer["show_alert"] and "幸福里" not in answer["text"]
    assert await building_of(w.db, w.household.id) is None
    # the leader: from the list's button to the screen, the picker, and in
    await w.leader.send("/households")
    listing = await w.leader.reply(contains="共 1 户")
    await w.leader.press("1. 幸福里 3 栋 2 单元 401", message=listing)
    screen = await w.leader.reply(contains="楼栋：未分楼栋")
    assert f"visit:log:{w.household.id}" not in data_of(screen)  # the leader is not its visitor: no log button
    await w.leader.press("🏢 楼栋", message=screen)
    picker = await w.leader.reply(edited=True, contains="属于哪栋楼？现在：未分楼栋")
    await w.leader.press("3栋", message=picker)
    moved = await w.leader.reply(edited=True, contains="现在属于：3栋（第一网格）")
    assert await building_of(w.db, w.household.id) == b3_id
    await w.leader.press("« 住户详情", message=moved)
    screen = await w.leader.reply(contains="楼栋：3栋")
    await w.leader.press("🏢 楼栋", message=screen)
    picker = await w.leader.reply(edited=True, contains="现在：3栋")
    assert "✅ 3栋" in [b["text"] for b in buttons_of(picker)]
    await w.leader.press("未分楼栋", message=picker)  # back to none
    await w.leader.reply(edited=True, contains="现在属于：未分楼栋")
    assert await building_of(w.db, w.household.id) is None


async def test_a_building_head_gets_their_buildings_households_on_friday_and_visits_them(world):
    w = world
    async with w.db.session() as s:
        b3, b10 = Building(grid_id=w.grid_a.id, name="3栋"), Building(grid_id=w.grid_a.id, name="10栋")
        s.add_all([b3, b10])
        await s.flush()
        await s.execute(update(Household).where(Household.id == w.household.id).values(building_id=b3.id))
        h2 = Household(grid_id=w.grid_a.id, building_id=b3.id, address="幸福里 3 栋 1 单元 101", members="刘爷爷")
        h10 = Household(grid_id=w.grid_a.id, building_id=b10.id, address="幸福里 10 栋 202", members="周阿姨")
        s.add_all([h2, h10])
        await s.flush()
    head, paired, alice = w.volunteers[1], w.volunteers[0], w.resident_en
    async with w.db.session() as s:
        alice_person = (await s.execute(select(Person).where(Person.tg_user_id == alice.id))).scalar_one()
    await f.volunteer(w.db, alice_person.id, w.grid_a.id)
    for u in (head, paired, alice, w.leader):
        await u.send("/start")
        await u.reply()
    await w.leader.send("/buildinghead 2002 3栋")
    await w.leader.reply(contains="现在负责")
    await w.leader.send("/buildinghead 3002 10栋")
    await w.leader.reply(contains="现在负责")

    clock = FakeClock(at(2026, 11, 20, 8, 0))  # a Friday morning
    live = w.bot.core
    core = Core(db=live.db, notifier=live.notifier, clock=clock, cfg=live.cfg)
    await run_due(core, jobs=VISITS)
    morning = await head.reply(contains="周五入户")
    assert sorted(data_of(morning)) == sorted([f"visit:log:{w.household.id}", f"visit:log:{h2.id}"])
    assert "幸福里 10 栋" not in text_of(morning)
    english = await alice.reply(contains="Friday door visits")
    assert data_of(english) == [f"visit:log:{h10.id}"]
    assert data_of(await paired.reply(contains="周五入户")) == [f"visit:log:{w.household.id}"]  # as before

    # the paired volunteer visits their household: the head's evening reminder has only the other
    await log_visit(w.db, w.household, w.volunteer_people[0], "2026-W47")
    clock.advance(hours=10)
    await run_due(core, jobs=VISITS)
    evening = await head.reply(contains="还有入户")
    assert data_of(evening) == [f"visit:log:{h2.id}"]
    overview = text_of(await w.leader.reply(contains="周五入户概况"))
    assert "王志愿 1/2" in overview and "Alice 0/1" in overview
    assert "🏢 分楼栋\n3栋：本周入户 1/2 户\n10栋：本周入户 0/1 户" in overview  # counted by building

    # the head records the visit from the Friday list's button
    await head.press(f"visit:log:{h2.id}", message=evening)
    await head.reply(contains=f"#{h2.id}")
    await head.press("见到了")
    await head.reply(edited=True)
    await head.press("不写备注")
    await head.reply(contains="已记录")
    async with w.db.session() as s:
        [visit] = (await s.execute(select(DoorVisit).where(DoorVisit.household_id == h2.id))).scalars()
    assert visit.volunteer_id == w.volunteer_people[1].id

    # a head who is no longer one gets no list the next Friday
    before = sum(1 for m in await w.sb.bot_messages(head.id) if "周五入户" in text_of(m))
    await w.leader.send("/buildings")
    await w.leader.press("✖️ 王志愿", message=await w.leader.reply())
    await w.leader.press("✖️ 移除 王志愿", message=await w.leader.reply(edited=True, contains="不再让 王志愿"))
    await w.leader.reply(edited=True, contains="不再负责")
    clock.set(at(2026, 11, 27, 8, 0))
    await run_due(core, jobs=VISITS)
    await alice.reply(contains="Friday door visits")
    await paired.reply(contains="2026-W48")
    assert sum(1 for m in await w.sb.bot_messages(head.id) if "周五入户" in text_of(m)) == before


async def test_buildings_and_a_half_typed_name_survive_a_restart(world):
    from bot.app import build_application, start_running, stop_running

    w = world
    leader = w.leader
    await leader.send("/buildings")
    await leader.press("➕ 添加楼栋", message=await leader.reply())
    await leader.reply(contains="请发送要添加到第一网格的楼栋名称")
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await leader.send("3栋")  # the question was asked before the restart
        await leader.reply(contains="已在第一网格添加 1 栋：3栋")
        await leader.send("/buildings")
        listing = await leader.reply(contains="3栋：0 户")
    finally:
        await stop_running(app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:  # the list from before the restart still opens the building, and removes it
        await leader.press("🏢 3栋", message=listing)
        await leader.reply(edited=True, contains="3栋（第一网格）")
        await leader.press("🗑 删除")
        await leader.reply(edited=True, contains="已删除3栋")
        assert await buildings_of(w.db, w.grid_a.id) == {}
    finally:
        await stop_running(app)


async def test_an_admin_keeps_the_buildings_of_every_grid_they_lead(world):
    w = world
    admin = w.admin  # the community's admin leads both grids
    await admin.send("/buildings")
    empty = await admin.reply(contains="还没有楼栋")
    assert [b["text"] for b in buttons_of(empty)] == ["➕ 添加楼栋（第一网格）", "➕ 添加楼栋（第二网格）"]
    await admin.press("➕ 添加楼栋（第二网格）", message=empty)
    await admin.reply(contains="请发送要添加到第二网格的楼栋名称")
    await admin.send("A座")
    await admin.reply(contains="已在第二网格添加 1 栋：A座")
    assert set(await buildings_of(w.db, w.grid_b.id)) == {"A座"}
    assert await buildings_of(w.db, w.grid_a.id) == {}
    await admin.send("/buildings")
    listing = await admin.reply(contains="第二网格 · A座：0 户")
    assert "🏢 第二网格 · A座" in [b["text"] for b in buttons_of(listing)]
    # grid B's leader sees it in /addhousehold; grid A's leader does not
    await w.leader_b.send("/addhousehold")
    assert "A座" in [b["text"] for b in buttons_of(await w.leader_b.reply(contains="哪栋楼"))]
    await w.leader.send("/addhousehold")
    assert "请发送地址" in text_of(await w.leader.reply())
