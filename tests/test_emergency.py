"""Emergency call-up end to end: an admin starts it, the shock team answers, the headcount card
follows live, ending it records the span and awards duty points; refusals after the end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.services.emergency import callups as emergency
from bot.services.kernel.roles import Actor
from storage.models import DutyResponse, Emergency, OutboxMessage, PointsEntry
from tests.support import factories as f
from tests.support.harness import buttons_of, start_emergency, text_of


async def _emergency(db) -> Emergency:
    async with db.session() as s:
        return (await s.execute(select(Emergency))).scalars().one()


async def test_call_up_answers_live_headcount_and_end_awards_points_once(world):
    admin, shock = world.admin, world.volunteers[0]
    await shock.send("/start")
    await shock.reply()
    started = await start_emergency(admin)
    assert "已向 1 名突击队员发出集结通知" in text_of(started)
    card = await world.sb.wait_bot_message(admin.id, contains="已到岗：0 / 目标 2", since=0)
    callup = await shock.reply(contains="应急集结")
    assert "台风“海葵”登陆" in text_of(callup) and "第一网格" in text_of(callup)
    async with world.db.session() as s:
        row = (await s.execute(select(OutboxMessage).where(OutboxMessage.key.startswith("callup:")))).scalars().one()
    assert row.urgent and row.chat_id == shock.id  # with sound, privately
    answer = await shock.press("到岗")
    assert "已记录：到岗" in answer["text"]
    assert "您的回复：到岗" in text_of(await shock.reply(edited=True))
    live = await admin.reply(edited=True, contains="已到岗：1 / 目标 2")
    assert live["message_id"] == card["message_id"] and "张志愿" in text_of(live)
    answer = await shock.press("到岗")
    assert "已经记录为：到岗" in answer["text"]
    await shock.press("不能")
    await admin.reply(edited=True, contains="不能到岗：1")
    await shock.press("到岗")
    await admin.reply(edited=True, contains="已到岗：1 / 目标 2")
    # switching back: from the card's button
    await admin.press("解除应急状态", message=await admin.last(with_button="解除应急状态"))
    ended = await admin.reply(contains="应急状态已解除")
    assert "共 1 人到岗；1 人获得了红色积分" in text_of(ended)
    final = await world.sb.wait_bot_message(admin.id, contains="已于", edited=True, since=0)
    assert not buttons_of(final)
    thanks = await shock.reply(edited=True, contains="已解除")
    assert "+10" in text_of(thanks) and not buttons_of(thanks)
    em = await _emergency(world.db)
    assert em.ended_at is not None and em.ended_at >= em.started_at
    # after the end: answers refused, a second end refused, nothing changes
    answer = await shock.press("x", data=f"emg:cant:{em.id}", force=True)
    assert answer["show_alert"] and "已经解除" in answer["text"]
    answer = await admin.press("x", data=f"emg:end:{em.id}", force=True)
    assert answer["show_alert"] and "已经解除" in answer["text"]
    await admin.send("/emergency end")
    assert "没有应急状态" in text_of(await admin.reply())
    async with world.db.session() as s:
        answers = [(r.volunteer_id, r.answer) for r in (await s.execute(select(DutyResponse))).scalars()]
        pts = [(p.ref, p.points) for p in (await s.execute(select(PointsEntry))).scalars()]
    assert answers == [(world.volunteer_people[0].id, "on_duty")]
    assert pts == [(f"emergency:{em.id}:{world.volunteer_people[0].id}", 10)]


async def test_only_admins_start_and_only_the_shock_team_answers(world):
    await world.leader.send("/emergency")
    assert "只有社区管理员" in text_of(await world.leader.reply())
    await start_emergency(world.admin)
    em = await _emergency(world.db)
    outsider = world.volunteers[1]  # approved, not on the shock team
    await outsider.send("/start")
    await outsider.reply()
    answer = await outsider.press("x", data=f"emg:on:{em.id}", force=True)
    assert answer["show_alert"] and "突击队员" in answer["text"]
    answer = await world.leader.press("x", data=f"emg:end:{em.id}", force=True)
    assert answer["show_alert"] and "只有社区管理员" in answer["text"]
    # a second emergency over the same place is refused while this one is on
    await world.admin.send("/emergency")
    await world.admin.reply(contains="目前处于应急状态：第一网格")
    await world.admin.press("全社区")
    await world.admin.send("暴雨")
    await world.admin.send("5")
    await world.admin.reply(contains="请确认")
    await world.admin.press("启动并集结突击队")
    assert "已经处于应急状态" in text_of(await world.admin.reply(edited=True))
    async with world.db.session() as s:
        assert len((await s.execute(select(Emergency))).scalars().all()) == 1
        assert (await s.execute(select(DutyResponse))).scalars().first() is None


async def test_bad_reason_and_target_are_explained(world):
    admin = world.admin
    await admin.send("/emergency")
    await admin.reply(contains="应急状态")
    await admin.press("全社区")
    await admin.send("台" * 10_000)
    assert "最多 300 字" in text_of(await admin.reply())
    await admin.send("\u202e风")
    assert "最多 300 字" in text_of(await admin.reply())
    await admin.send("<i>节日人流</i>")
    await admin.reply(contains="需要多少人")
    for bad in ("0", "many", "99999999", "'; DROP TABLE emergency; --"):
        await admin.send(bad)
        assert "1 到 10000" in text_of(await admin.reply())
    await admin.send("/cancel")
    await admin.reply(contains="已取消")
    async with world.db.session() as s:
        assert (await s.execute(select(Emergency))).scalars().first() is None


async def test_english_shock_team_member_answers_in_english(world):
    tom = await world.bot.user(2203, "Tom", lang="en")
    p = await f.person(world.db, 2203, "Tom", grid_id=world.grid_a.id, language="en")
    await f.volunteer(world.db, p.id, world.grid_a.id, shock_team=True)
    await tom.send("/start")
    await tom.reply()
    await start_emergency(world.admin, scope="全社区", reason="festival crowds", target="3")
    callup = await tom.reply(contains="Emergency call-up")
    assert "festival crowds" in text_of(callup)
    answer = await tom.press("On duty")
    assert "Recorded: on duty" in answer["text"]
    await world.admin.reply(edited=True, contains="已到岗：1 / 目标 3")


async def test_duty_hours_run_from_answer_to_end(core):
    db = core.db
    com = await f.community(db)
    g = await f.grid(db, com.id)
    await f.person(db, 9, "书记", superadmin=True)
    v = await f.person(db, 7, "突击队员", grid_id=g.id)
    await f.volunteer(db, v.id, g.id, shock_team=True)
    admin, vol = Actor(9, "书记"), Actor(7, "突击队员")
    started = await emergency.start_emergency(core, admin, grid_id=g.id, reason="洪水", target=1)
    core.clock.advance(minutes=30)
    await emergency.answer_call_up(core, vol, started.emergency.id, "on_duty")
    core.clock.advance(hours=2, minutes=30)
    ended = await emergency.end_emergency(core, admin, started.emergency.id)
    assert (ended.on_duty, ended.awarded) == (1, 1)
    async with db.session() as s:
        entry = (await s.execute(select(PointsEntry))).scalars().one()
        em = await s.get(Emergency, started.emergency.id)
    assert entry.hours == 2.5 and entry.points == 10
    assert em.ended_at.replace(tzinfo=None) - em.started_at.replace(tzinfo=None) == timedelta(hours=3)


async def test_emergency_end_with_several_on_asks_which(world):
    admin = world.admin
    await start_emergency(admin, scope="网格：第一网格", reason="内涝")
    await start_emergency(admin, scope="网格：第二网格", reason="停电")
    await admin.send("/emergency end")
    pick = await admin.reply(contains="解除哪一个")
    assert {b["text"] for b in buttons_of(pick)} == {"🏁 解除：第一网格", "🏁 解除：第二网格"}
    await admin.press("解除：第二网格", message=pick)
    assert "应急状态已解除" in text_of(await admin.reply(contains="应急状态已解除"))
    async with world.db.session() as s:
        ended = {e.reason: e.ended_at is not None for e in (await s.execute(select(Emergency))).scalars()}
    assert ended == {"内涝": False, "停电": True}
    await admin.send("/emergency now please")
    assert "/emergency end" in text_of(await admin.reply())
    await world.leader.send("/emergency end")
    assert "只有社区管理员" in text_of(await world.leader.reply())
