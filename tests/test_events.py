"""Events end to end through the sandbox: /newevent, the card with a live count, sign-up and
withdrawal from buttons, a full event, the attendance check and its points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from storage.models import Event, EventSignup, PointsEntry
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

SH = ZoneInfo("Asia/Shanghai")


def _in_days(days: int) -> str:
    return (datetime.now(SH) + timedelta(days=days)).strftime("%Y-%m-%d 09:00")


async def _new_event(
    leader, title="老人免费理发", slots="2", place="社区活动室", when=None, scope_label=None, publish="发布", world=None
):
    if world is not None:
        await settle(world)
    await leader.send("/newevent")
    if scope_label:
        await leader.reply(contains="为哪里创建活动")
        await leader.press(scope_label)
    await leader.reply(contains="活动名称")
    await leader.send(title)
    await leader.reply(contains="什么时候开始")
    await leader.send(when or _in_days(2))
    await leader.reply(contains="在哪里")
    await leader.send(place)
    await leader.reply(contains="多少名志愿者")
    await leader.send(slots)
    await leader.reply(contains="请确认")
    await leader.press(publish)
    return await leader.reply(edited=True, contains=title)


async def _signups(db):
    async with db.session() as s:
        return {(r.volunteer_id, r.status) for r in (await s.execute(select(EventSignup))).scalars()}


async def _event(db) -> Event:
    async with db.session() as s:
        return (await s.execute(select(Event))).scalars().one()


async def test_leader_creates_event_posted_to_the_volunteer_group_with_live_count(world):
    done = await _new_event(world.leader, world=world)
    assert "已发布到 1 个志愿者群" in text_of(done)
    card = await world.sb.wait_bot_message(world.volunteer_group, contains="老人免费理发", since=0)
    assert "0/2" in text_of(card) and "社区活动室" in text_of(card)
    ev = await _event(world.db)
    assert ev.grid_id == world.grid_a.id and ev.slots == 2 and ev.kind == "event"
    v1, v2, v3 = world.volunteers
    answer = await v1.press("报名", chat=world.volunteer_group)
    assert "已报名" in answer["text"] and "1/2" in answer["text"]
    edited = await v1.reply(chat=world.volunteer_group, edited=True, contains="1/2")
    assert edited["message_id"] == card["message_id"]  # edited in place
    # the same press again changes nothing
    answer = await v1.press("报名", chat=world.volunteer_group)
    assert "已经报名" in answer["text"]
    await v2.press("报名", chat=world.volunteer_group)
    full = await v2.reply(chat=world.volunteer_group, edited=True, contains="2/2")
    assert "名额已满" in text_of(full)
    # a full event refuses clearly and signs nobody up
    answer = await v3.press("报名", chat=world.volunteer_group)
    assert answer["show_alert"] and "名额已满" in answer["text"]
    ids = [p.id for p in world.volunteer_people]
    assert await _signups(world.db) == {(ids[0], "signed"), (ids[1], "signed")}
    # withdrawing frees the place for someone else
    answer = await v1.press("取消报名", chat=world.volunteer_group)
    assert "已取消报名" in answer["text"] and "1/2" in answer["text"]
    answer = await v1.press("取消报名", chat=world.volunteer_group)
    assert "没有报名" in answer["text"]
    answer = await v3.press("报名", chat=world.volunteer_group)
    assert "2/2" in answer["text"]
    assert await _signups(world.db) == {(ids[0], "withdrawn"), (ids[1], "signed"), (ids[2], "signed")}


async def test_attendance_check_awards_points_once_and_records_no_shows(world):
    await _new_event(world.leader, world=world)
    await world.sb.wait_bot_message(world.volunteer_group, contains="老人免费理发", since=0)
    v1, v2, _ = world.volunteers
    await v1.send("/start")
    await v1.reply()
    await v1.press("报名", chat=world.volunteer_group)
    await v2.press("报名", chat=world.volunteer_group)
    ev = await _event(world.db)
    # too early: two days before the start
    await world.leader.send("/events")
    await world.leader.reply(contains="活动与红色服务日")
    await world.leader.press("签到")
    roster = await world.leader.reply(contains="签到：")
    assert "开始前一小时起可以签到" in text_of(roster) and not buttons_of(roster)
    answer = await world.leader.press("x", data=f"event:att:{ev.id}:{world.volunteer_people[0].id}:1", force=True)
    assert answer["show_alert"] and "一小时" in answer["text"]
    async with world.db.session() as s:  # the event begins
        await s.execute(update(Event).values(starts_at=datetime.now(UTC) - timedelta(minutes=5)))
    await world.leader.press(f"event:roll:{ev.id}", data=f"event:roll:{ev.id}", force=True)
    roster = await world.leader.reply(contains="签到：")
    await world.leader.press("✅ 张志愿", message=roster)
    answer_again = await world.leader.press("x", data=f"event:att:{ev.id}:{world.volunteer_people[0].id}:1", force=True)
    assert "已经记录为已到场" in answer_again["text"]
    await world.leader.press("x", data=f"event:att:{ev.id}:{world.volunteer_people[1].id}:0", force=True)
    answer = await world.leader.press("x", data=f"event:att:{ev.id}:{world.volunteer_people[0].id}:0", force=True)
    assert answer["show_alert"] and "不能改为缺席" in answer["text"]
    thanks = await v1.reply(contains="感谢您参加")
    assert "+5" in text_of(thanks)
    async with world.db.session() as s:
        entries = list((await s.execute(select(PointsEntry))).scalars())
    assert [(e.ref, e.points) for e in entries] == [(f"event:{ev.id}:{world.volunteer_people[0].id}", 5)]
    ids = [p.id for p in world.volunteer_people]
    assert await _signups(world.db) == {(ids[0], "attended"), (ids[1], "no_show")}
    # sign-up after the start is closed
    answer = await world.volunteers[2].press("x", chat=world.volunteer_group, data=f"event:join:{ev.id}", force=True)
    assert answer["show_alert"] and "已开始" in answer["text"]


async def test_volunteers_cannot_create_events_or_take_attendance(world):
    vol = world.volunteers[0]
    await vol.send("/newevent")
    assert "只有网格长或社区管理员" in text_of(await vol.reply())
    await _new_event(world.leader, world=world)
    ev = await _event(world.db)
    answer = await vol.press("x", data=f"event:att:{ev.id}:{world.volunteer_people[0].id}:1", force=True)
    assert answer["show_alert"] and "只有网格长" in answer["text"]
    other = world.volunteer_b  # grid B's volunteer
    await other.send("/events")
    await other.reply()
    answer = await other.press("x", data=f"event:join:{ev.id}", force=True)
    assert answer["show_alert"] and "其他网格" in answer["text"]
    assert await _signups(world.db) == set()


async def test_bad_answers_in_newevent_are_explained_and_nothing_is_created(world):
    leader = world.leader
    await settle(world)
    await leader.send("/newevent")
    await leader.reply(contains="活动名称")
    await leader.send("x" * 10_000)
    assert "最多 200 字" in text_of(await leader.reply())
    await leader.send("🎉🎉🎉")
    assert "最多 200 字" in text_of(await leader.reply())
    await leader.send("<b>义诊</b>'; DROP TABLE event; --")
    await leader.reply(contains="什么时候开始")
    await leader.send("next tuesday")
    assert "无法识别" in text_of(await leader.reply())
    await leader.send("2020-01-01 09:00")
    assert "已经过去" in text_of(await leader.reply())
    await leader.send("2026-02-30 09:00")
    assert "无法识别" in text_of(await leader.reply())
    await leader.send(_in_days(3))
    await leader.reply(contains="在哪里")
    await leader.send("社区卫生站")
    await leader.reply(contains="多少名志愿者")
    for bad in ("0", "-3", "abc", "100000"):
        await leader.send(bad)
        assert "1 到 500" in text_of(await leader.reply())
    await leader.send("１２")  # full-width digits from a Chinese keyboard
    confirm = await leader.reply(contains="请确认")
    assert "<b>义诊</b>'; DROP TABLE event; --" in text_of(confirm) and "12 个名额" in text_of(confirm)
    await leader.press("取消")
    await leader.reply(edited=True, contains="已取消")
    async with world.db.session() as s:
        assert (await s.execute(select(Event))).scalars().first() is None


async def test_admin_community_service_day_goes_to_every_grid_group(world):
    done = await _new_event(
        world.admin, title="红色服务日：义务维修", slots="12", scope_label="全社区", publish="红色服务日"
    )
    assert "已发布到 2 个志愿者群" in text_of(done)
    for group in (world.volunteer_group, world.other_group):
        card = await world.sb.wait_bot_message(group, contains="义务维修", since=0)
        assert "红色服务日" in text_of(card) and "0/12" in text_of(card)
    ev = await _event(world.db)
    assert ev.grid_id is None and ev.kind == "service_day"
    answer = await world.volunteer_b.press("报名", chat=world.other_group)
    assert "1/12" in answer["text"]
    edited = await world.admin.reply(chat=world.volunteer_group, edited=True, contains="1/12")
    assert "义务维修" in text_of(edited)  # both copies of the card show the live count


async def test_english_leader_creates_an_event_and_a_volunteer_signs_up_in_english(world):
    grace = await world.bot.user(1003, "Grace", lang="en")
    p = await f.person(world.db, 1003, "Grace", grid_id=world.grid_b.id, language="en")
    await f.leader(world.db, p.id, world.grid_b.id)
    await grace.send("/newevent")
    await grace.reply(contains="What is its title")
    await grace.send("Free haircuts for over-60s")
    await grace.reply(contains="When does it start")
    await grace.send(_in_days(1))
    await grace.reply(contains="Where?")
    await grace.send("Community hall")
    await grace.reply(contains="How many")
    await grace.send("12")
    await grace.reply(contains="Please check")
    await grace.press("Publish")
    done = await grace.reply(edited=True)
    assert "published to 1 volunteer group" in text_of(done)
    tom = await world.bot.user(2202, "Tom", lang="en")
    tp_ = await f.person(world.db, 2202, "Tom", grid_id=world.grid_b.id, language="en")
    await f.volunteer(world.db, tp_.id, world.grid_b.id)
    await tom.send("/events")
    listing = await tom.reply(contains="Events and service days")
    assert "Free haircuts" in text_of(listing)
    answer = await tom.press("Sign up")
    assert "You are signed up" in answer["text"] and "1/12" in answer["text"]
