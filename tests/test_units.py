"""Paired work units (包联单位): an admin creates a unit with its contact and pairs it with a
community; volunteers choose it at sign-up and in /profile; its contact sees its members and their
open work with /unit. Through the sandbox, in Chinese and English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, create_request
from bot.services.requests.intake import RequestDraft
from storage.models import Unit, UnitCommunity, VolunteerProfile
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

from .test_volunteers_signup import press_and_see, profile_of


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def contact(w, tg: int = 5001, name: str = "刘书记", lang: str = "zh-CN"):
    """The unit's contact: someone who has started the bot."""
    u = await w.bot.user(tg, name, lang=lang)
    await u.send("/start")
    await u.reply()
    return u


async def unit_of(db, name: str) -> Unit:
    async with db.session() as s:
        return (await s.execute(select(Unit).where(Unit.name == name))).scalars().one()


async def test_an_admin_creates_a_unit_its_contact_is_told_and_pairing_follows_the_buttons(world):
    w = world
    liu = await contact(w)
    await w.admin.send("/newunit")
    assert "/newunit 单位名称 联系人" in text_of(await w.admin.reply("用法"))
    await w.admin.send("/newunit 区税务局 @nobody_here")
    await w.admin.reply("还不认识这位联系人")
    await w.admin.send("/newunit " + "税" * 10_000 + " 5001")
    await w.admin.reply("单位名称须为")
    await w.admin.send("/newunit 区税务局 5001")
    made = text_of(await w.admin.reply("已创建单位"))
    assert "区税务局" in made and "刘书记" in made and "幸福里社区" in made and "成员 0 人" in made
    told = text_of(await liu.reply("包联单位 <b>区税务局</b>".replace("<b>", "").replace("</b>", "")))
    assert "/unit" in told
    unit = await unit_of(w.db, "区税务局")
    # the community's toggle unpairs, then pairs again
    await w.admin.press("✅ 幸福里社区")
    unpaired = text_of(await w.admin.reply("区税务局", edited=True))
    assert "结对社区：无" in unpaired
    async with w.db.session() as s:
        assert (await s.execute(select(UnitCommunity).where(UnitCommunity.unit_id == unit.id))).first() is None
    await w.admin.press("▫️ 幸福里社区")
    assert "结对社区：幸福里社区" in text_of(await w.admin.reply("区税务局", edited=True))
    # /units lists it; a volunteer may not create units; a non-contact has no /unit
    await w.admin.send("/units")
    assert "刘书记" in text_of(await w.admin.reply("区税务局"))
    vol = w.volunteers[0]
    await vol.send("/newunit 假单位 5001")
    await vol.reply("社区管理员")
    await vol.send("/unit")
    await vol.reply("不是任何包联单位的联系人")


async def test_in_english_the_admin_renames_the_contact_and_the_new_contact_is_told(world):
    w = world
    await contact(w)
    bob = await contact(w, 5002, "Bob", lang="en")
    w.admin.lang = "en"
    await w.sb.add_user(w.admin.id, w.admin.name, language_code="en")
    await w.admin.send("/newunit District Tax Office 5001")
    assert "Paired with: 幸福里社区" in text_of(await w.admin.reply("created"))
    await w.admin.send("/newunit district tax office 5002")  # the same unit (names ignore case)
    assert "Contact: Bob" in text_of(await w.admin.reply("District Tax Office"))
    assert "/unit" in text_of(await bob.reply("contact person of the work unit"))
    await w.admin.send("/units")
    await w.admin.reply("District Tax Office")
    await w.admin.send("/newunit   ")
    await w.admin.reply("Usage")


async def _make_unit(w, name: str = "区税务局", tg: int = 5001) -> Unit:
    await w.admin.send(f"/newunit {name} {tg}")
    await w.admin.reply("已创建单位")
    return await unit_of(w.db, name)


async def test_a_new_volunteer_chooses_their_unit_at_sign_up(world):
    w = world
    await contact(w)
    await _make_unit(w)
    await _make_unit(w, "街道卫生院")
    await w.leader.send("/start")  # the leader has opened the chat: the card can reach them
    await w.leader.reply()
    u = await w.bot.user(4001, "刘新人")
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("刘新人")
    await u.reply("手机号")
    await u.share_contact("13912345678")
    await u.reply("哪个社区")
    await press_and_see(u, "幸福里社区", "哪个网格")
    asked = await press_and_see(u, "第一网格", "工作单位")
    assert [b["text"] for b in buttons_of(asked)] == ["区税务局", "街道卫生院", "无单位"]
    await u.send("我的单位是区税务局")  # typed instead of pressed
    assert "按钮作答" in text_of(await u.reply())
    await u.press("区税务局")
    await u.reply("哪一类", edited=True)
    await press_and_see(u, "党员", "党员")
    await press_and_see(u, "是", "可多选")
    await press_and_see(u, "助老陪护", "可多选")
    await u.press("完成")
    await u.reply("有空")
    await u.send("周末上午")
    await u.reply("是否同意")
    summary = await press_and_see(u, "✅ 同意", "请核对")
    assert "工作单位：区税务局" in text_of(summary)
    await press_and_see(u, "提交", "已提交")
    _, prof = await profile_of(w.db, 4001)
    unit = await unit_of(w.db, "区税务局")
    assert prof is not None and prof.unit_id == unit.id
    # the leaders' card names the unit too
    card = await w.sb.wait_bot_message(w.leader.id, contains="新的志愿者报名")
    assert "工作单位：区税务局" in text_of(card)


async def test_with_no_unit_paired_the_sign_up_asks_nothing_about_units(world):
    w = world
    u = await w.bot.user(4002, "Newbie", lang="en")
    await u.send("/volunteer")
    await u.reply("name")
    await u.send("Newbie")
    await u.reply("phone")
    await u.share_contact("13912345679")
    await u.reply("community")
    await press_and_see(u, "幸福里社区", "grid")
    asked = await press_and_see(u, "第一网格", "group")
    assert "work unit" not in text_of(asked)


async def test_a_volunteer_changes_their_unit_in_the_profile_and_the_contact_sees_them_with_their_task(world):
    w = world
    liu = await contact(w)
    await _make_unit(w)
    vol, pid = w.volunteers[0], w.volunteer_people[0].id
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("工作单位：无")
    menu = await vol.reply("工作单位", edited=True)
    assert [b["text"] for b in buttons_of(menu)] == ["▫️ 区税务局", "✅ 无单位"]
    await vol.press("区税务局")
    assert "工作单位：区税务局" in text_of(await vol.reply("我的志愿者资料", edited=True))
    unit = await unit_of(w.db, "区税务局")
    async with w.db.session() as s:
        prof = (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == pid))).scalar_one()
        assert prof.unit_id == unit.id
    # a task of theirs shows on the contact's /unit, without the resident's address
    req = await create_request(
        w.bot.core,
        Actor(w.resident.id, w.resident.name),
        RequestDraft("repairs", "换灯泡", "today", None, "幸福里 3 栋 401", None, 1),
    )
    await claim_task(w.bot.core, Actor(vol.id, vol.name), req.id)
    await liu.send("/unit")
    roster = text_of(await liu.reply("区税务局"))
    assert "张志愿" in roster and "第一网格" in roster and req.code in roster and "3 栋 401" not in roster
    assert "王志愿" not in roster
    # an English contact reads it in English
    liu.lang = "en"
    await w.sb.add_user(liu.id, liu.name, language_code="en")
    await liu.send("/unit")
    assert "1 member" in text_of(await liu.reply("区税务局"))
    # leaving the unit: "no unit"
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("工作单位：区税务局")
    await vol.reply("工作单位", edited=True)
    await vol.press("无单位")
    shown = await vol.reply("我的志愿者资料", edited=True)
    assert "工作单位" not in text_of(shown) and any(b["text"] == "工作单位：无" for b in buttons_of(shown))


async def test_a_unit_of_another_community_or_a_forged_one_is_refused(world):
    w = world
    other = await f.community(w.db, "远方社区")
    async with w.db.session() as s:
        far = Unit(name="远方单位")
        s.add(far)
        await s.flush()
        s.add(UnitCommunity(unit_id=far.id, community_id=other.id))
        far_id = far.id
    await contact(w)
    await _make_unit(w)
    vol = w.volunteers[1]
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("工作单位：无")
    menu = await vol.reply("工作单位", edited=True)
    assert "远方单位" not in str(buttons_of(menu))
    answer = await vol.press("x", message=menu, data=f"vol:pf:uns:{far_id}", force=True)
    assert "不与您的社区结对" in answer["text"]
    answer = await vol.press("x", message=menu, data="vol:pf:uns:99999999999", force=True)
    _, prof = await profile_of(w.db, vol.id)
    assert prof.unit_id is None
