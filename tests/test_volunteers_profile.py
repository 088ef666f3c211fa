"""/profile: a volunteer views and edits their profile, and leaves the programme."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.places import households
from storage.models import Pairing, Person, VolunteerProfile
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def my_profile(db, person_id: int) -> tuple[Person, VolunteerProfile]:
    async with db.session() as s:
        prof = (
            (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == person_id))).scalars().one()
        )
        return await s.get(Person, person_id), prof


async def test_volunteer_views_and_edits_their_profile(world):
    w = world
    vol, pid = w.volunteers[0], w.volunteer_people[0].id
    await vol.send("/profile")
    shown = text_of(await vol.reply("我的志愿者资料"))
    assert "张志愿" in shown and "13800000001" in shown and "助老陪护" in shown
    await vol.press("空闲时间")
    await vol.reply("有空")
    await vol.send("x" * 10_000)
    assert "❗" in text_of(await vol.reply())
    await vol.send("每周六全天")
    await vol.reply("已保存")
    assert "每周六全天" in text_of(await vol.reply("我的志愿者资料"))
    await vol.press("中共党员：否")
    await vol.reply("中共党员：是", edited=True)
    await vol.press("技能")
    await vol.reply("可多选", edited=True)
    await vol.press("理发")
    toggled = await vol.reply("可多选", edited=True)
    assert any("✅ 理发" in b["text"] for b in buttons_of(toggled))
    await vol.press("完成")
    await vol.reply("我的志愿者资料", edited=True)
    _, prof = await my_profile(w.db, pid)
    assert prof.availability == "每周六全天" and prof.party_member and prof.skills == "elder_care,repairs,haircut"
    # leaving the shock team
    await vol.press("退出突击队")
    await vol.reply("突击队：否", edited=True)
    _, prof = await my_profile(w.db, pid)
    assert not prof.shock_team


async def test_phone_edit_needs_the_contact_button_and_cancel_keeps_the_old_value(world):
    w = world
    vol, pid = w.volunteers[1], w.volunteer_people[1].id
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("电话")
    await vol.reply("手机号")
    await vol.send("13999999999")
    assert "📱" in text_of(await vol.reply())
    await vol.send("/cancel")
    await vol.reply("未做更改")
    person, _ = await my_profile(w.db, pid)
    assert person.phone == "13800000002"
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("电话")
    await vol.reply("手机号")
    await vol.share_contact("13911112222")
    await vol.reply("已保存")
    person, _ = await my_profile(w.db, pid)
    assert person.phone == "13911112222"


async def test_leaving_ends_pairings_and_tells_the_leader(world):
    w = world
    await w.leader.send("/start")
    await w.leader.reply()
    vol, pid = w.volunteers[0], w.volunteer_people[0].id
    assert len(await households.households_of_volunteer(w.bot.core, Actor(vol.id))) == 1
    await vol.send("/profile")
    await vol.reply("我的志愿者资料")
    await vol.press("退出志愿者队伍")
    await vol.reply("确定退出", edited=True)
    await vol.press("确定退出")
    await vol.reply("感谢您的付出", edited=True)
    _, prof = await my_profile(w.db, pid)
    assert prof.status == "left" and not prof.shock_team
    async with w.db.session() as s:
        assert not (await s.execute(select(Pairing).where(Pairing.volunteer_id == pid, Pairing.active == True))).all()  # noqa: E712
    notice = await w.sb.wait_bot_message(w.leader.id, contains="已退出")
    assert "张志愿" in text_of(notice) and "1 个住户" in text_of(notice)
    assert await households.households_of_volunteer(w.bot.core, Actor(vol.id)) == []
    await vol.send("/profile")
    assert "还不是志愿者" in text_of(await vol.reply())


async def test_profile_in_english_and_for_non_volunteers(world):
    w = world
    await w.resident_en.send("/profile")
    assert "not a volunteer" in text_of(await w.resident_en.reply())
