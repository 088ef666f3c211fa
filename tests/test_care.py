"""Care plans for special households (关爱计划): a leader records an agreed recurring service with /care
(what, how often, who: by default the paired volunteer); the daily job makes each occurrence a task for
that volunteer, once whatever the restarts; "done" settles it; one not done by the next morning is
flagged to the leader and shown in the digest. Through the sandbox, in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import build_application, start_running, stop_running
from bot.jobs import care_plans
from bot.scheduler import due_jobs, run_one
from bot.services import digests
from bot.services.care import run_day
from bot.services.kernel.periods import iso_week, local_at
from bot.views.digests import render_text
from storage.models import CarePlan, CareTask, OutboxMessage
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _today(core):
    return core.clock.now().astimezone(SHANGHAI).date()


async def _run_job(core, day) -> int | None:
    """The care job for `day`, as the scheduler runs it at 07:30 that day (None when already done)."""
    now = local_at(day, care_plans.AT, SHANGHAI) + timedelta(minutes=30)
    found = await due_jobs(core, now, [care_plans.JOB])
    assert len(found) <= 1
    return await run_one(core, care_plans.JOB, found[0]) if found else None


async def _tasks(db):
    async with db.session() as s:
        return list((await s.execute(select(CareTask).order_by(CareTask.id))).scalars())


async def _keys(db, prefix):
    async with db.session() as s:
        return list((await s.execute(select(OutboxMessage.key).where(OutboxMessage.key.startswith(prefix)))).scalars())


async def test_a_weekly_plan_becomes_the_volunteers_task_once_and_a_missed_one_reaches_the_leader(world):
    w, leader, vol, hh = world, world.leader, world.volunteers[0], world.household
    core = w.bot.core
    for u in (leader, vol):
        await u.send("/start")
        await u.reply()
    today = _today(core)

    await leader.send("/care")
    listing = await leader.reply(contains="关爱计划")
    assert "还没有关爱计划" in text_of(listing)
    await leader.press(f"care:hh:{hh.id}", message=listing)
    await leader.reply(contains="约定的服务是什么")
    await leader.send("测量血压")
    await leader.reply(contains="多久一次")
    await leader.press(WEEKDAYS_ZH[today.weekday()])
    who = await leader.reply(edited=True, contains="由谁负责")
    assert buttons_of(who)[0]["text"] == "🤝 张志愿（结对志愿者）"
    await leader.press("🤝 张志愿", message=who)
    saved = await leader.reply(edited=True, contains="已保存")
    assert f"每{WEEKDAYS_ZH[today.weekday()]}" in text_of(saved) and "由结对志愿者负责" in text_of(saved)
    told = await vol.reply(contains="为您安排了关爱计划")
    assert "测量血压" in text_of(told) and "幸福里 3 栋 2 单元 401" in text_of(told)

    # today's occurrence: a task for the paired volunteer, made once however often the job runs
    assert await _run_job(core, today) == 1
    assert await _run_job(core, today) is None  # done for the day (JobRun)
    assert await run_day(core, w.community.id, today) == 0  # and the rows and keys hold anyway
    task_msg = await vol.reply(contains="今天")
    assert "测量血压" in text_of(task_msg) and [b["text"] for b in buttons_of(task_msg)] == ["✅ 已完成"]
    [task] = await _tasks(w.db)
    assert (task.status, task.due_on, task.volunteer_id) == ("due", today.isoformat(), w.volunteer_people[0].id)
    # the volunteer's /care lists it with the same button
    await vol.send("/care")
    mine = await vol.reply(contains="您的关爱任务")
    assert "测量血压" in text_of(mine) and f"每{WEEKDAYS_ZH[today.weekday()]}" in text_of(mine)
    await vol.press("已完成：测量血压", message=mine)
    await vol.reply(contains="给网格长留一句简短备注")
    await vol.send("血压 130/85，精神不错")
    thanks = text_of(await vol.reply(contains="谢谢"))
    assert "已记录完成" in thanks and "血压 130/85，精神不错" in thanks
    answer = await vol.press("已完成", message=task_msg)
    assert answer["show_alert"] and "已经了结" in answer["text"]
    answer = await vol.press("x", data=f"care:done:{task.id}", force=True)
    assert answer["show_alert"] and "已经了结" in answer["text"]

    # a week later the next one is made; nobody presses done; the next morning it is missed
    await _run_job(core, today + timedelta(days=7))
    assert await _run_job(core, today + timedelta(days=8)) == 1  # the leader's alert (nothing due that day)
    first, second = await _tasks(w.db)
    assert (first.status, second.status) == ("done", "missed")
    alert = await leader.reply(contains="关爱任务未完成")
    assert "测量血压" in text_of(alert) and "张志愿" in text_of(alert)
    answer = await vol.press("x", data=f"care:done:{second.id}", force=True)
    assert answer["show_alert"] and "已经了结" in answer["text"]
    assert await _keys(w.db, "care-missed:") == [f"care-missed:{second.id}:{(await _leader_id(w))}"]

    # the week's digest shows it, without the address
    d = await digests.grid_digest(
        core, w.grid_a.id, iso_week(local_at(today + timedelta(days=7), care_plans.AT, SHANGHAI), SHANGHAI)
    )
    text = render_text("zh-CN", d)
    assert "关爱计划</b>：1 次服务完成 0 次" in text and f"未完成：住户 #{hh.id} · 测量血压" in text
    assert "幸福里" not in text
    d = await digests.grid_digest(core, w.grid_a.id, iso_week(local_at(today, care_plans.AT, SHANGHAI), SHANGHAI))
    assert "1 次服务完成 1 次" in render_text("zh-CN", d)


async def _leader_id(w):
    from storage.models import Person

    async with w.db.session() as s:
        return (await s.execute(select(Person.id).where(Person.tg_user_id == w.leader.id))).scalar_one()


async def test_an_english_leader_sets_a_plan_every_two_days_for_another_volunteer_across_a_restart(world):
    w, leader = world, world.leader
    core = w.bot.core
    leader.lang = "en"
    await w.sb.add_user(leader.id, leader.name, language_code="en")
    other = w.volunteers[1]
    other.lang = "en"
    await w.sb.add_user(other.id, other.name, language_code="en")
    for u in (leader, other):
        await u.send("/start")
        await u.reply()
    child = await f.household(w.db, w.grid_a.id, "幸福里 8 栋 502", care_flags="left_behind_children", members="小明")
    await leader.send(f"/care {child.id}")
    await leader.reply(contains="New care plan")
    # the bot restarts in the middle: the conversation goes on
    await stop_running(w.bot.app)
    app = build_application(core.cfg, w.db, core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await leader.send("Phone call with Xiaoming")
        await leader.reply(contains="How often")
        await leader.press("every 2 days")
        who = await leader.reply(edited=True, contains="Who does it")
        assert "none yet" in buttons_of(who)[0]["text"]  # no paired volunteer
        await leader.press("王志愿", message=who)
        saved = await leader.reply(edited=True, contains="saved")
        assert "every 2 days, by 王志愿" in text_of(saved)
        await other.reply(contains="set up a care plan with you")
        today = _today(core)
        await _run_job(core, today)
        task_msg = await other.reply(contains="Care task for today")
        assert "Phone call with Xiaoming" in text_of(task_msg)
        # the next morning (not a day of the plan) today's is missed: the leader is told
        assert await _run_job(core, today + timedelta(days=1)) == 1
        alert = await leader.reply(contains="Care task missed")
        assert "Phone call with Xiaoming" in text_of(alert) and "王志愿" in text_of(alert)
        assert await _run_job(core, today + timedelta(days=2)) == 1  # the second one is made
        await other.reply(contains="Care task for today")
        await other.send("/care")
        mine = text_of(await other.reply(contains="Your care tasks"))
        assert "Phone call with Xiaoming" in mine and "every 2 days" in mine
        # the plan is listed and can be ended
        await leader.send("/care")
        listing = await leader.reply(contains="Care plans")
        assert "every 2 days" in text_of(listing)
        [plan_id] = [
            int(b["callback_data"].split(":")[-1])
            for b in buttons_of(listing)
            if b["callback_data"].startswith("care:plan:")
        ]
        await leader.press("⚙️", message=listing)
        card = await leader.reply(edited=True, contains=f"Care plan #{plan_id}")
        assert "Last done: not yet" in text_of(card) and "1 missed" in text_of(card)
        await leader.press("End the plan", message=card)
        ask = await leader.reply(edited=True, contains="for good?")
        await leader.press("Yes, end it", message=ask)
        assert "has ended" in text_of(await leader.reply(edited=True, contains="has ended"))
    finally:
        await stop_running(app)
    async with w.db.session() as s:
        plan = await s.get(CarePlan, plan_id)
    assert not plan.active
    before = len(await _tasks(w.db))
    await run_day(core, w.community.id, _today(core) + timedelta(days=4))
    assert len(await _tasks(w.db)) == before  # an ended plan makes no more tasks
    d = await digests.community_digest(
        core, w.community.id, iso_week(local_at(_today(core), care_plans.AT, SHANGHAI), SHANGHAI)
    )
    assert "Care plans</b>: 0 of" in render_text("en", d) and "missed: household #" in render_text("en", d)


async def test_refusals_say_what_to_do_and_change_nothing(world):
    w, hh = world, world.household
    vol = w.volunteers[0]
    await vol.send("/care")
    assert "网格长" in text_of(await vol.reply())
    await w.leader.send("/care", chat=w.volunteer_group)
    assert "私聊" in text_of(await w.leader.reply(chat=w.volunteer_group))
    for arg in ("abc", "99999999", "1 2", "'; DROP TABLE care_plan; --", "🫶" * 100):
        await w.leader.send(f"/care {arg}")
        reply = text_of(await w.leader.reply())
        assert "/care" in reply, (arg, reply)
    await w.leader_b.send(f"/care {hh.id}")
    assert "网格长" in text_of(await w.leader_b.reply())
    # an absurd service text keeps the question open
    await w.leader.send(f"/care {hh.id}")
    await w.leader.reply(contains="约定的服务是什么")
    await w.leader.send("量" * 10_000)
    assert "不超过 200 字" in text_of(await w.leader.reply())
    await w.leader.send("/cancel")
    await w.leader.reply()
    async with w.db.session() as s:
        assert list((await s.execute(select(CarePlan))).scalars()) == []
