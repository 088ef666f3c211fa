"""Households and pairings: leaders register households in chat and pair volunteers with them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.places import households, pairings
from storage.models import AuditEntry, Household, Pairing
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def active_pairings(db, volunteer_id: int) -> set[int]:
    async with db.session() as s:
        rows = await s.execute(
            select(Pairing.household_id).where(Pairing.volunteer_id == volunteer_id, Pairing.active == True)  # noqa: E712
        )
        return set(rows.scalars())


async def test_leader_registers_a_household_in_chat(world):
    w = world
    await w.leader.send("/addhousehold")
    await w.leader.reply("请发送地址")
    await w.leader.send("幸福里 5 栋 1 单元 302")
    await w.leader.reply("家里住着谁")
    await w.leader.send("刘爷爷（88 岁）、刘奶奶")
    await w.leader.reply("几口人")
    await w.leader.send("很多")
    assert "❗" in text_of(await w.leader.reply("几口人"))
    await w.leader.send("２")  # full-width digits from a Chinese keyboard
    await w.leader.reply("特别关爱")
    await w.leader.press("独居老人")
    await w.leader.reply("特别关爱", edited=True)
    await w.leader.press("残疾人")
    await w.leader.reply("特别关爱", edited=True)
    await w.leader.press("完成")
    summary = await w.leader.reply("请核对", edited=True)
    assert "幸福里 5 栋 1 单元 302" in text_of(summary) and "独居老人和残疾人" in text_of(
        summary
    )  # a Chinese list, not "A, B"
    await w.leader.press("保存")
    await w.leader.reply("已在", edited=True)
    async with w.db.session() as s:
        h = (await s.execute(select(Household).where(Household.address == "幸福里 5 栋 1 单元 302"))).scalars().one()
        audit = (await s.execute(select(AuditEntry).where(AuditEntry.action == "household.create"))).scalars().one()
    assert h.grid_id == w.grid_a.id and h.member_count == 2 and h.care_flags == "elderly_alone,disability"
    assert "幸福里" not in audit.detail  # no addresses in the audit log
    await w.leader.send("/households")
    listing = text_of(await w.leader.reply("共 2 户"))
    assert "幸福里 5 栋 1 单元 302" in listing and "张志愿" in listing and "未结对" in listing


async def test_same_address_twice_is_refused_and_cancel_stores_nothing(world):
    w = world
    await w.leader.send("/addhousehold")
    await w.leader.reply("请发送地址")
    await w.leader.send("幸福里 3 栋 2 单元 401")  # the world's household
    await w.leader.reply("家里住着谁")
    await w.leader.send("王奶奶")
    await w.leader.reply("几口人")
    await w.leader.send("1")
    await w.leader.reply("特别关爱")
    await w.leader.press("完成")
    await w.leader.reply("请核对", edited=True)
    await w.leader.press("保存")
    refused = await w.leader.reply("已登记过", edited=True)
    assert "401" not in text_of(refused)  # the reason does not repeat the address
    await w.leader.send("/addhousehold")
    await w.leader.reply("请发送地址")
    await w.leader.send("/cancel")
    await w.leader.reply("未保存")
    async with w.db.session() as s:
        assert len((await s.execute(select(Household))).all()) == 1


async def test_non_leaders_are_told_households_are_for_leaders(world):
    w = world
    for u in (w.volunteers[0], w.resident):
        await u.send("/households")
        assert "网格长" in text_of(await u.reply())
    await w.resident_en.send("/addhousehold")
    assert "grid leaders" in text_of(await w.resident_en.reply())


async def test_leader_pairs_a_volunteer_with_households_by_buttons(world):
    w = world
    h2 = await f.household(w.db, w.grid_a.id, "幸福里 6 栋 101", care_flags="", members="赵家")
    h3 = await f.household(w.db, w.grid_a.id, "幸福里 7 栋 202", care_flags="", members="钱家")
    vol = w.volunteers[1]
    await vol.send("/start")
    await vol.reply()
    await w.leader.send("/pair")
    await w.leader.reply("选择")
    await w.leader.press("王志愿 (0)")
    await w.leader.reply("选择", edited=True)
    await w.leader.press("6 栋 101")
    await w.leader.reply("选择", edited=True)
    await w.leader.press("7 栋 202")
    msg = await w.leader.reply("选择", edited=True)
    assert any("结对所选 2 户" in b["text"] for b in buttons_of(msg))
    await w.leader.press("结对所选")
    done = await w.leader.reply("新增 2 户", edited=True)
    assert "王志愿" in text_of(done)
    assert await active_pairings(w.db, w.volunteer_people[1].id) == {h2.id, h3.id}
    notice = await w.sb.wait_bot_message(vol.id, contains="/visits")
    assert "2" in text_of(notice) and "6 栋" not in text_of(notice)
    mine = await households.households_of_volunteer(w.bot.core, Actor(vol.id))
    assert [h.address for h in mine] == ["幸福里 6 栋 101", "幸福里 7 栋 202"]


async def test_leader_unpairs_a_household(world):
    w = world
    await w.leader.send("/unpair")
    await w.leader.reply("选择")
    await w.leader.press("张志愿 (1)")
    await w.leader.reply("解除结对", edited=True)
    await w.leader.press("3 栋 2 单元")
    await w.leader.reply("没有结对的住户", edited=True)
    assert await active_pairings(w.db, w.volunteer_people[0].id) == set()


async def test_a_leader_of_grid_a_cannot_pair_grid_b_households_or_volunteers(world):
    w = world
    hb = await f.household(w.db, w.grid_b.id, "第二网格 1 栋 101", care_flags="")
    await w.leader.send("/pair")
    await w.leader.reply("选择")
    await w.leader.press("王志愿 (0)")
    msg = await w.leader.reply("选择", edited=True)
    assert not any("1 栋 101" in b["text"] for b in buttons_of(msg))  # grid B's household is not offered
    await w.leader.press("x", message=msg, data=f"hh:ph:{hb.id}", force=True)  # forged: pick it anyway
    msg = await w.leader.reply("选择", edited=True)
    answer = await w.leader.press("结对所选", message=msg)
    assert answer["show_alert"] and "不在该志愿者的网格" in answer["text"]
    assert await active_pairings(w.db, w.volunteer_people[1].id) == set()
    # grid B's volunteer, forged into leader A's list
    async with w.db.session() as s:
        from storage.models import Person

        sun = (await s.execute(select(Person).where(Person.tg_user_id == 2101))).scalars().one()
    answer = await w.leader.press("x", message=msg, data=f"hh:pv:{w.grid_b.id}:{sun.id}", force=True)
    assert answer["show_alert"] and "第二网格" in answer["text"]
    # and the services refuse the same way
    with pytest.raises(NotAllowed):
        await pairings.pair(w.bot.core, Actor(1001), sun.id, [hb.id])
    with pytest.raises(Conflict):
        await pairings.pair(w.bot.core, Actor(1001), w.volunteer_people[1].id, [hb.id])
    with pytest.raises(NotAllowed):
        await households.household_for(w.bot.core, Actor(2101), w.household.id)  # not paired with them
    assert (await households.household_for(w.bot.core, Actor(2001), w.household.id)).id == w.household.id


async def test_absurd_addresses_are_refused_and_long_lists_fit_in_a_message(world):
    w = world
    await w.leader.send("/addhousehold")
    await w.leader.reply("请发送地址")
    for bad in ("x" * 10_000, "🏠🏠🏠", "\u202e101"):
        await w.leader.send(bad)
        assert "❗" in text_of(await w.leader.reply("请发送地址"))
    await w.leader.send("/cancel")
    await w.leader.reply("未保存")
    for i in range(12):
        await f.household(w.db, w.grid_a.id, f"长楼 {i} 号 " + "很长的地址" * 40, members="成员" * 240)
    await w.leader.send("/households")
    page = await w.leader.reply("共 13 户")
    assert len(text_of(page)) < 4096
    await w.leader.press("下一页", message=page)
    second = await w.leader.reply("共 13 户", edited=True)
    assert "11." in text_of(second)
