"""A guided conversation begun again: the first run's buttons (its confirmation above all) are
superseded. Pressed, they answer in one line, lose their keyboard and change nothing; the new run
goes on. (The request's own: test_stale_presses.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage.models import Emergency, Event, Household
from tests.support.harness import buttons_of, text_of
from tests.test_stale_presses import message, stale

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def count(w, model) -> int:
    async with w.db.session() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def _to_confirmation(admin, scope: str, reason: str) -> dict:
    await admin.send("/emergency")
    menu = await admin.reply(contains="应急状态")
    await admin.press(scope, message=menu)
    await admin.reply(edited=True, contains="原因是什么")
    await admin.send(reason)
    await admin.reply(contains="需要多少人到岗")
    await admin.send("2")
    return await admin.reply(contains="请确认")


async def test_an_earlier_emergency_confirmation_cannot_call_up_the_next_run(world):
    w, admin = world, world.admin
    first = await _to_confirmation(admin, "网格：第一网格", "台风")
    second = await _to_confirmation(admin, "全社区", "暴雨")  # begun again, at the same step
    answer = await stale(w, admin, "启动并集结突击队", first)  # it shows 台风 but would call up 暴雨
    assert "过期" in answer["text"]
    assert not buttons_of(await message(w, admin.private, first["message_id"]))
    assert await count(w, Emergency) == 0
    await admin.press("启动并集结突击队", message=second)  # the new run's own confirmation works
    await admin.reply(edited=True, contains="应急状态")
    async with w.db.session() as s:
        assert [e.reason for e in (await s.execute(select(Emergency))).scalars()] == ["暴雨"]


async def _to_summary(leader, address: str) -> dict:
    await leader.send("/addhousehold")
    await leader.reply("请发送地址")
    await leader.send(address)
    await leader.reply("家里住着谁")
    await leader.send("刘爷爷")
    await leader.reply("几口人")
    await leader.send("1")
    await leader.press("完成", message=await leader.reply("特别关爱"))
    return await leader.reply("请核对", edited=True)


async def test_an_earlier_household_summary_cannot_save_the_next_draft(world):
    w, leader = world, world.leader
    first = await _to_summary(leader, "幸福里 5 栋 302")
    second = await _to_summary(leader, "幸福里 6 栋 101")
    await stale(w, leader, "保存", first)  # it shows 5 栋 but would save the draft of 6 栋
    assert not buttons_of(await message(w, leader.private, first["message_id"]))
    assert await count(w, Household) == 1  # the world's own
    await leader.press("保存", message=second)
    await leader.reply("登记该住户", edited=True)
    async with w.db.session() as s:
        addresses = {h.address for h in (await s.execute(select(Household))).scalars()}
    assert "幸福里 6 栋 101" in addresses and "幸福里 5 栋 302" not in addresses


async def _to_community(u) -> dict:
    await u.send("/volunteer")
    await u.reply(contains="name")
    await u.send("Lin")
    await u.reply()
    await u.share_contact("13900004301")
    return await u.reply(contains="community")


async def test_an_earlier_sign_up_question_is_stale_once_the_sign_up_begins_again(world):
    w = world
    u = await w.bot.user(4301, "小林", lang="en")
    first = await _to_community(u)
    second = await _to_community(u)
    label = buttons_of(first)[0]["text"]
    await stale(w, u, label, first)
    assert not buttons_of(await message(w, u.private, first["message_id"]))
    await u.press(label, message=second)  # the new run's question takes the answer
    assert "grid" in text_of(await u.reply(edited=True))


async def test_an_earlier_visit_question_is_stale_once_the_log_begins_again(world):
    w, vol, hh = world, world.volunteers[0], world.household
    await vol.send("/visits")
    listing = await vol.reply()
    questions = []
    for _ in range(2):  # the log button pressed twice: two questions for the same household
        await vol.press(f"visit:log:{hh.id}", message=listing)
        questions.append(await vol.reply(contains=f"#{hh.id}"))
    first, second = questions
    label = buttons_of(first)[0]["text"]
    await stale(w, vol, label, first)
    assert not buttons_of(await message(w, vol.private, first["message_id"]))
    await vol.press(label, message=second)  # the new question takes the answer
    await vol.reply(edited=True)


async def _event_confirmation(leader, title: str) -> dict:
    await leader.send("/newevent")
    await leader.reply(contains="活动名称")
    await leader.send(title)
    await leader.reply(contains="什么时候开始")
    await leader.send((datetime.now(SHANGHAI) + timedelta(days=2)).strftime("%Y-%m-%d 09:00"))
    await leader.reply(contains="在哪里")
    await leader.send("社区活动室")
    await leader.reply(contains="多少名志愿者")
    await leader.send("5")
    return await leader.reply(contains="请确认")


async def test_an_earlier_event_confirmation_cannot_publish_the_next_draft(world):
    w, leader = world, world.leader
    first = await _event_confirmation(leader, "老人免费理发")
    second = await _event_confirmation(leader, "义诊")
    label = buttons_of(first)[0]["text"]
    await stale(w, leader, label, first)  # it shows 理发 but would publish 义诊
    assert not buttons_of(await message(w, leader.private, first["message_id"]))
    assert await count(w, Event) == 0
    await leader.press(label, message=second)
    await leader.reply(edited=True, contains="义诊")
    async with w.db.session() as s:
        assert [e.title for e in (await s.execute(select(Event))).scalars()] == ["义诊"]
