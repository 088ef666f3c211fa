"""Building heads (楼栋长) named and removed with buttons from a building's screen in /buildings,
end to end through the sandbox: the grid's approved volunteers to pick from (page by page), the
head told privately in their language, removing a head asked once (and the head told), old and
forged buttons changing nothing; /buildinghead keeps working beside them. Chinese and English."""

from __future__ import annotations

from sqlalchemy import select

from storage.enums import VolunteerStatus
from storage.models import AuditEntry, BuildingHead, Person
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.test_buildings import add_buildings, town_with_buildings


def labels(message: dict) -> list[str]:
    return [b["text"] for b in buttons_of(message)]


async def heads_of(db, building_id: int) -> list[int]:
    async with db.session() as s:
        found = await s.execute(select(BuildingHead.person_id).where(BuildingHead.building_id == building_id))
        return sorted(found.scalars())


async def test_a_leader_names_and_removes_a_head_with_buttons(world):
    w = world
    b3, _, h2, _ = await town_with_buildings(w)
    head, wang = w.volunteers[1], w.volunteer_people[1]
    await head.send("/start")
    await head.reply()
    leader = w.leader
    await leader.send("/buildings")
    await leader.press("🏢 3栋", message=await leader.reply())
    screen = await leader.reply(edited=True, contains="楼栋长：暂无")
    assert labels(screen)[0] == "➕ 指定楼栋长"
    await leader.press("➕ 指定楼栋长", message=screen)
    picker = await leader.reply(edited=True, contains="为3栋（第一网格）选择楼栋长")
    assert "3 位已通过的志愿者" in text_of(picker)
    assert {"张志愿", "王志愿", "陈志愿"} <= set(labels(picker)) and "孙志愿" not in labels(picker)  # grid B's: not
    await leader.press("王志愿", message=picker)
    assert "王志愿 现在负责3栋（第一网格）" in text_of(await leader.reply(edited=True, contains="现在负责"))
    told = await head.reply(contains="您现在负责3栋")
    assert "共 2 户" in text_of(told)
    assert await heads_of(w.db, b3.id) == [wang.id]
    # the head's /visits now has the building's households
    await head.send("/visits")
    assert f"visit:log:{h2.id}" in [b["callback_data"] for b in buttons_of(await head.reply())]
    # the old picker's button again: they head it already, nothing changes
    answer = await leader.press("x", message=picker, data=f"bld:hs:{b3.id}:{wang.id}", force=True)
    assert answer["show_alert"] and "已经是3栋的楼栋长" in answer["text"]
    assert await heads_of(w.db, b3.id) == [wang.id]
    # the picker now leaves them out
    await leader.press("↩️ 3栋")
    screen = await leader.reply(edited=True, contains="楼栋长：王志愿")
    await leader.press("➕ 指定楼栋长", message=screen)
    again = await leader.reply(edited=True, contains="2 位已通过的志愿者")
    assert "王志愿" not in labels(again)

    # removing: asked once; "keep" keeps them
    await leader.press("↩️ 3栋", message=again)
    screen = await leader.reply(edited=True, contains="楼栋长：王志愿")
    await leader.press("✖️ 王志愿", message=screen)
    ask = await leader.reply(edited=True, contains="不再让 王志愿 负责3栋（第一网格）？")
    await leader.press("保留", message=ask)
    await leader.reply(edited=True, contains="楼栋长：王志愿")
    assert await heads_of(w.db, b3.id) == [wang.id]
    await leader.press("✖️ 王志愿")
    ask = await leader.reply(edited=True, contains="不再让 王志愿")
    await leader.press("✖️ 移除 王志愿", message=ask)
    assert "王志愿 不再负责3栋（第一网格）" in text_of(await leader.reply(edited=True, contains="不再负责"))
    await head.reply(contains="您不再负责3栋（第一网格）")
    assert await heads_of(w.db, b3.id) == []
    answer = await leader.press("x", message=ask, data=buttons_of(ask)[0]["callback_data"], force=True)
    assert answer["show_alert"] and "已被撤销" in answer["text"]
    await head.send("/visits")
    assert f"visit:log:{h2.id}" not in [b["callback_data"] for b in buttons_of(await head.reply())]
    async with w.db.session() as s:
        actions = [a.action for a in (await s.execute(select(AuditEntry))).scalars()]
    assert actions.count("building_head.grant") == 1 and actions.count("building_head.revoke") == 1

    # forged presses: grid B's leader cannot pick for grid A; grid B's volunteer cannot head 3栋
    async with w.db.session() as s:
        sun = (await s.execute(select(Person).where(Person.tg_user_id == 2101))).scalar_one()
    await w.leader_b.send("/buildings")
    theirs = await w.leader_b.reply()
    answer = await w.leader_b.press("x", message=theirs, data=f"bld:hs:{b3.id}:{sun.id}", force=True)
    assert answer["show_alert"] and "由网格长管理" in answer["text"]
    answer = await w.leader_b.press("x", message=theirs, data=f"bld:hp:{b3.id}:0", force=True)
    assert answer["show_alert"] and "由网格长管理" in answer["text"]
    await leader.send("/buildings")
    mine = await leader.reply()
    answer = await leader.press("x", message=mine, data=f"bld:hs:{b3.id}:{sun.id}", force=True)
    assert answer["show_alert"] and "孙志愿 还不是第一网格已通过的志愿者" in answer["text"]
    assert await heads_of(w.db, b3.id) == []
    # /buildinghead still names one; the list's ✖️ asks first too
    await leader.send("/buildinghead 2003 3栋")
    await leader.reply(contains="陈志愿 现在负责3栋")
    await leader.send("/buildings")
    await leader.press("✖️ 陈志愿（3栋）", message=await leader.reply())
    await leader.press("✖️ 移除 陈志愿", message=await leader.reply(edited=True, contains="不再让 陈志愿"))
    await leader.reply(edited=True, contains="陈志愿 不再负责3栋")
    assert await heads_of(w.db, b3.id) == []


async def test_in_english_the_picker_pages_through_a_big_grid_and_the_head_is_told(world):
    w = world
    leader, sun = w.leader_b, w.volunteer_b
    for u in (leader, sun):
        u.lang = "en"
        await w.sb.add_user(u.id, u.name, language_code="en")
    async with w.db.session() as s:
        for p in (await s.execute(select(Person).where(Person.tg_user_id.in_([1002, 2101])))).scalars():
            p.language = "en"
            s.add(p)
    for i in range(1, 12):  # eleven more: twelve volunteers, two pages
        p = await f.person(w.db, 5000 + i, f"Vol {i:02d}", grid_id=w.grid_b.id)
        await f.volunteer(w.db, p.id, w.grid_b.id)
    pending = await f.person(w.db, 5100, "Vol 99", grid_id=w.grid_b.id)  # not approved: never offered
    await f.volunteer(w.db, pending.id, w.grid_b.id, status=VolunteerStatus.pending)
    [block] = await add_buildings(w.db, w.grid_b.id, "Block A")
    await sun.send("/start")
    await sun.reply()
    await leader.send("/buildings")
    await leader.press("🏢 Block A", message=await leader.reply())
    screen = await leader.reply(edited=True, contains="Heads: none")
    await leader.press("➕ Name a head", message=screen)
    first = await leader.reply(edited=True, contains="Who looks after Block A (第二网格)?")
    assert "12 approved volunteers" in text_of(first) and "Page 1 of 2" in text_of(first)
    assert labels(first)[:2] == ["Vol 01", "Vol 02"] and "›" in labels(first) and "孙志愿" not in labels(first)
    await leader.press("›", message=first)
    second = await leader.reply(edited=True, contains="Page 2 of 2")
    assert {"Vol 11", "孙志愿", "‹"} <= set(labels(second)) and "Vol 99" not in labels(second)
    await leader.press("孙志愿", message=second)
    await leader.reply(edited=True, contains="孙志愿 now looks after Block A (第二网格)")
    assert "You now look after Block A (第二网格)" in text_of(await sun.reply(contains="You now look after"))
    await leader.press("↩️ Block A")
    screen = await leader.reply(edited=True, contains="Heads: 孙志愿")
    await leader.press("✖️ 孙志愿", message=screen)
    ask = await leader.reply(edited=True, contains="Should 孙志愿 no longer look after Block A (第二网格)?")
    await leader.press("✖️ Remove 孙志愿", message=ask)
    await leader.reply(edited=True, contains="孙志愿 no longer looks after Block A")
    await sun.reply(contains="You no longer look after Block A (第二网格)")
    assert await heads_of(w.db, block.id) == []
    # the picker of a building removed meanwhile: its buttons are stale and change nothing
    await leader.send("/buildings")
    await leader.press("🏢 Block A", message=await leader.reply())
    await leader.reply(edited=True, contains="Heads: none")
    await leader.press("🗑 Remove")
    await leader.reply(edited=True, contains="Removed Block A")
    vol11 = next(b["callback_data"] for b in buttons_of(second) if b["text"] == "Vol 11")
    answer = await leader.press("x", message=second, data=vol11, force=True)
    assert answer["show_alert"] and "removed" in answer["text"]
    async with w.db.session() as s:
        assert (await s.execute(select(BuildingHead))).scalars().all() == []
