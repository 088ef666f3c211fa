"""Buildings (楼栋) and building heads (楼栋长) end to end through the sandbox: a leader names a head,
the head sees and visits their building's households (and nobody else's), the digest breaks the
week down by building, /buildings lists and removes heads; grids without buildings are as before."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.services.digests import grid_digest
from bot.services.kernel.periods import iso_week
from bot.views.digests import render_text
from storage.models import Building, BuildingHead, DoorVisit, Household, Person
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle


async def add_buildings(db, grid_id: int, *names: str) -> list[Building]:
    async with db.session() as s:
        made = [Building(grid_id=grid_id, name=n) for n in names]
        s.add_all(made)
        await s.flush()
        return made


async def home(db, grid_id: int, building_id: int | None, address: str, members: str) -> Household:
    async with db.session() as s:
        h = Household(grid_id=grid_id, building_id=building_id, address=address, members=members)
        s.add(h)
        await s.flush()
        return h


async def town_with_buildings(w):
    """Grid A: 3栋 (the world's household, paired with 张志愿, and 刘爷爷's) and 10栋 (周阿姨's)."""
    await settle(w)
    b3, b10 = await add_buildings(w.db, w.grid_a.id, "3栋", "10栋")
    async with w.db.session() as s:
        await s.execute(update(Household).where(Household.id == w.household.id).values(building_id=b3.id))
    h2 = await home(w.db, w.grid_a.id, b3.id, "幸福里 3 栋 1 单元 101", "刘爷爷")
    h10 = await home(w.db, w.grid_a.id, b10.id, "幸福里 10 栋 2 单元 202", "周阿姨")
    return b3, b10, h2, h10


async def test_a_building_head_sees_and_visits_their_building_and_the_digest_counts_it(world):
    w = world
    b3, _, h2, h10 = await town_with_buildings(w)
    head = w.volunteers[1]  # 王志愿, an approved volunteer of grid A, paired with nobody
    await head.send("/start")  # a bot writes only to people who have opened a chat with it
    await head.reply()
    await w.leader.send("/buildinghead 2002 3栋")
    assert "王志愿 现在负责3栋（第一网格）" in text_of(await w.leader.reply())
    told = await head.reply(contains="您现在负责3栋")
    assert "共 2 户" in text_of(told)

    await head.send("/households")
    listing = text_of(await head.reply())
    assert "3栋" in listing and "幸福里 3 栋 2 单元 401" in listing and "幸福里 3 栋 1 单元 101" in listing
    assert "张志愿" in listing and "10 栋" not in listing  # the paired volunteer shown; the other building not

    await head.send("/visits")
    mine = await head.reply()
    assert "🏢 3栋（2 户）\n#" in text_of(mine) and "幸福里 3 栋 1 单元 101" in text_of(mine)  # grouped by building
    assert "10 栋" not in text_of(mine) and "🤝" not in text_of(mine)  # paired with none: no such group
    data = [b["callback_data"] for b in buttons_of(mine)]
    assert f"visit:log:{h2.id}" in data and f"visit:log:{h10.id}" not in data
    await head.press(f"visit:log:{h2.id}")
    await head.reply(contains=f"#{h2.id}")
    await head.press("见到了")
    await head.reply(edited=True)
    await head.press("不写备注")
    assert "红色积分" in text_of(await head.reply(contains="已记录"))
    async with w.db.session() as s:
        [visit] = (await s.execute(select(DoorVisit).where(DoorVisit.household_id == h2.id))).scalars()
    assert visit.volunteer_id == w.volunteer_people[1].id and visit.grid_id == w.grid_a.id

    # another building's household: not theirs to open (a forged press changes nothing)
    answer = await head.press("x", message=mine, data=f"visit:info:{h10.id}", force=True)
    assert answer["show_alert"] and "周阿姨" not in answer["text"]

    await w.leader.send("/households")  # the leader's list names each household's building
    whole = text_of(await w.leader.reply(contains="共 3 户"))
    assert "3栋 · 幸福里 3 栋 1 单元 101" in whole and "10栋 · 幸福里 10 栋 2 单元 202" in whole
    assert whole.index("3栋 ·") < whole.index("10栋 ·")
    await w.leader.send("/digest")
    digest = text_of(await w.leader.reply(contains="分楼栋"))
    assert "3栋：2 户 · 本周入户 1 户 · 待解决问题 0 件" in digest
    assert "10栋：1 户 · 本周入户 0 户" in digest
    assert digest.index("3栋：") < digest.index("10栋：")  # natural order: 3 before 10
    assert "幸福里" not in digest  # no addresses in the digest


async def test_in_english_the_head_is_told_and_lists_their_building_and_the_digest_reads_by_building(world):
    w = world
    b3, _, h2, _ = await town_with_buildings(w)
    alice = w.resident_en
    async with w.db.session() as s:
        me = (await s.execute(select(Person).where(Person.tg_user_id == alice.id))).scalar_one()
    await f.volunteer(w.db, me.id, w.grid_a.id)
    await alice.send("/start")
    await alice.reply()
    await w.leader.send("/buildinghead 3002 3栋")
    await w.leader.reply(contains="Alice")
    told = text_of(await alice.reply(contains="You now look after 3栋"))
    assert "2 households" in told and "/visits" in told
    await alice.send("/households")
    listing = text_of(await alice.reply())
    assert "3栋 (第一网格): 2 households" in listing and "幸福里 3 栋 1 单元 101" in listing
    await alice.send("/visits")
    assert "🏢 3栋 (2 households)\n#" in text_of(await alice.reply())

    d = await grid_digest(w.bot.core, w.grid_a.id, iso_week(w.bot.core.clock.now(), "Asia/Shanghai"))
    text = render_text("en", d)
    assert "By building" in text and "3栋: 2 households · visited 0 · open problems 0" in text
    assert "10栋: 1 household · visited 0" in text


async def test_buildings_lists_heads_and_removing_one_takes_their_households_away(world):
    w = world
    await town_with_buildings(w)
    head = w.volunteers[1]
    await w.leader.send("/buildinghead 2002 3栋")
    await w.leader.reply()
    await w.leader.send("/buildings")
    listing = await w.leader.reply()
    assert "3栋：2 户 · 楼栋长：王志愿" in text_of(listing)
    assert "10栋：1 户 · 楼栋长：暂无" in text_of(listing)
    await w.leader.press("✖️ 王志愿")
    await w.leader.press("✖️ 移除 王志愿", message=await w.leader.reply(edited=True, contains="不再让 王志愿"))
    assert "王志愿 不再负责3栋" in text_of(await w.leader.reply(edited=True, contains="不再负责"))
    answer = await w.leader.press("x", message=listing, data=buttons_of(listing)[0]["callback_data"], force=True)
    assert answer["show_alert"] and "已被撤销" in answer["text"]  # a second press: stale, nothing changes
    async with w.db.session() as s:
        assert (await s.execute(select(BuildingHead))).scalars().all() == []
    await head.send("/households")
    assert "住户信息由网格长" in text_of(await head.reply())
    await head.send("/visits")
    assert "3 栋" not in text_of(await head.reply())


async def test_refusals_say_what_to_do_in_both_languages(world):
    w = world
    await town_with_buildings(w)
    leader = w.leader
    for text, expected in [
        ("/buildinghead", "/buildinghead @用户名 3栋"),
        ("/buildinghead 2002 99栋", "没有名为“99栋”的楼栋"),
        ("/buildinghead 3001 3栋", "王奶奶 还不是第一网格已通过的志愿者"),
        ("/buildinghead 2101 3栋", "还不是第一网格已通过的志愿者"),  # a volunteer of grid B
        ("/buildinghead 424242 3栋", "我还不认识这个人"),
        ("/buildinghead 2002 " + "栋" * 10_000, "楼栋名称为一行"),
        ("/buildinghead 2002 <b>3栋</b>", "没有名为“<b>3栋</b>”"),  # shown as typed, never as markup
        ("/buildinghead 2002 🏢", "楼栋名称为一行"),
        ("/buildinghead 2002 3栋 第二网格", "没有名为“3栋”"),  # grid B has no 3栋
    ]:
        await leader.send(text)
        assert expected in text_of(await leader.reply()), text
    await leader.send("/buildinghead 2002 3栋")
    await leader.reply(contains="现在负责")
    await leader.send("/buildinghead 2002 3栋")
    assert "已经是3栋的楼栋长" in text_of(await leader.reply())
    # grid B's leader does not lead grid A: grid A's buildings are not theirs
    await w.leader_b.send("/buildinghead 2101 3栋")
    assert "没有名为“3栋”" in text_of(await w.leader_b.reply())
    await w.leader_b.send("/buildings")
    assert "还没有楼栋" in text_of(await w.leader_b.reply())
    # people who lead nothing
    vol = w.volunteers[2]
    await vol.send("/buildinghead 2002 3栋")
    assert "由网格长管理" in text_of(await vol.reply())
    await w.resident_en.send("/buildings")
    assert "managed by the grid's leaders" in text_of(await w.resident_en.reply())
    await w.resident_en.send("/households")
    assert "ask your grid leader" in text_of(await w.resident_en.reply())


async def test_a_building_head_survives_a_restart_and_an_old_remove_button_still_works(world):
    """Buildings and heads live in the database: after a restart the head still sees the building, and
    the leader's /buildings message from before the restart still removes them."""
    from bot.app import build_application, start_running, stop_running

    w = world
    _, _, h2, _ = await town_with_buildings(w)
    head = w.volunteers[1]
    await w.leader.send("/buildinghead 2002 3栋")
    await w.leader.reply(contains="现在负责")
    await w.leader.send("/buildings")
    listing = await w.leader.reply()
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await head.send("/visits")
        assert f"visit:log:{h2.id}" in [b["callback_data"] for b in buttons_of(await head.reply())]
        await w.leader.press("✖️ 王志愿", message=listing)
        await w.leader.press("✖️ 移除 王志愿", message=await w.leader.reply(edited=True, contains="不再让 王志愿"))
        assert "不再负责3栋" in text_of(await w.leader.reply(edited=True, contains="不再负责"))
        await head.send("/visits")
        assert f"visit:log:{h2.id}" not in [b["callback_data"] for b in buttons_of(await head.reply())]
    finally:
        await stop_running(app)
