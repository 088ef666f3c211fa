"""Care tasks as a volunteer and a grid leader live them, through the sandbox: /tasks lists the care
occurrences waiting (a ✅ each) and coming up beside the volunteer's requests; ✅ asks for a short
note (typed, or Skip) and marks it done once, across a restart; the leader's plan card shows it done
with the note; the leader pauses (today's occurrence is called off, no more are made), resumes,
changes how often and ends a plan, and every old button finds the plan moved on and changes nothing.
In Chinese and in English. (The day is fixed: Wednesday 9 December 2026, 09:00 in Shanghai.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import build_application, start_running, stop_running
from bot.jobs import care_plans
from bot.scheduler import due_jobs, run_one
from bot.services.care import create_plan
from bot.services.kernel.periods import local_at
from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, create_request
from bot.services.requests.intake import RequestDraft
from storage.models import CarePlan, CareTask, OutboxMessage
from tests.support.clocks import DayClock
from tests.support.harness import buttons_of, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 9)  # a Wednesday


@pytest.fixture
def bot_clock():
    return DayClock(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))


async def _run_job(core, day) -> int | None:
    """The care job for `day`, as the scheduler runs it at 07:30 that day (None when already done)."""
    found = await due_jobs(core, local_at(day, care_plans.AT, SHANGHAI) + timedelta(minutes=30), [care_plans.JOB])
    return await run_one(core, care_plans.JOB, found[0]) if found else None


async def _tasks(db, plan_id):
    async with db.session() as s:
        rows = await s.execute(select(CareTask).where(CareTask.plan_id == plan_id).order_by(CareTask.id))
        return list(rows.scalars())


async def _plan(db, plan_id):
    async with db.session() as s:
        return await s.get(CarePlan, plan_id)


async def _english(w, *users):
    for u in users:
        u.lang = "en"
        await w.sb.add_user(u.id, u.name, language_code="en")


async def test_a_volunteer_marks_a_care_task_done_from_tasks_with_a_note_across_a_restart(world):
    w, leader, vol = world, world.leader, world.volunteers[0]
    core = w.bot.core
    for u in (leader, vol):
        await u.send("/start")
        await u.reply()
    plan = await create_plan(core, Actor(leader.id, leader.name), w.household.id, "测量血压", weekday=2)
    assert plan.next_on == TODAY + timedelta(days=7)  # today's 07:00 has passed: the first is next week
    await vol.reply(contains="为您安排了关爱计划")
    req = await create_request(
        core,
        Actor(w.resident.id, w.resident.name),
        RequestDraft("repairs", "换灯泡", "today", None, "3 栋 401", None, 1),
    )
    await claim_task(core, Actor(vol.id, vol.name), req.id)
    assert await _run_job(core, TODAY) == 1  # as on a plan's day: the task of the day, to the paired volunteer
    await vol.reply(contains="今天（12月9日周三）的关爱任务")

    await vol.send("/tasks")
    listing = await vol.reply(contains="关爱任务")
    text = text_of(listing)
    assert req.code in text and "换灯泡" in text  # the requests, then the care tasks
    assert "⏳ 12月9日周三：测量血压 — 幸福里 3 栋 2 单元 401" in text
    assert "🗓 12月16日周三：测量血压" in text  # the next one
    labels = [b["text"] for b in buttons_of(listing)]
    assert f"查看 {req.code}" in labels and "✅ 已完成：测量血压（12月9日周三）" in labels
    await vol.press("已完成：测量血压", message=listing)
    await vol.reply(contains="给网格长留一句简短备注")

    # the bot restarts before the volunteer types the note: the question is still open
    await stop_running(w.bot.app)
    app = build_application(core.cfg, w.db, core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await vol.send("量" * 300)  # too long: the question stays open
        assert "不超过 200 字" in text_of(await vol.reply())
        await vol.send("血压 130/85，精神不错，药快吃完了")
        thanks = text_of(await vol.reply(contains="谢谢"))
        assert "已记录完成" in thanks and "您的备注：血压 130/85，精神不错，药快吃完了" in thanks
        # a second ✅ on the old list: nothing changes
        answer = await vol.press("已完成：测量血压", message=listing)
        assert answer["show_alert"] and "已经了结" in answer["text"]
        [task] = await _tasks(w.db, plan.id)
        assert (task.status, task.note) == ("done", "血压 130/85，精神不错，药快吃完了")
        done_at = task.done_at
        # /tasks: nothing waiting any more, the next one still coming
        await vol.send("/tasks")
        text = text_of(await vol.reply(contains="关爱任务"))
        assert "⏳" not in text and "🗓 12月16日周三：测量血压" in text

        # the leader sees it done, with the note
        await leader.send("/care")
        listing = await leader.reply(contains="关爱计划")
        await leader.press("⚙️", message=listing)
        card = await leader.reply(edited=True, contains=f"关爱计划 #{plan.id}")
        text = text_of(card)
        assert "最近完成：12月9日周三，张志愿：“血压 130/85，精神不错，药快吃完了”" in text
        assert "累计：完成 1 次，未完成 0 次" in text and "状态：进行中 · 下次：12月16日周三" in text
        await leader.press("暂停", message=card)
        card = await leader.reply(edited=True, contains="已暂停：恢复之前不再生成任务")
        assert "状态：已暂停 · 下次：—" in text_of(card)
        await leader.press("恢复", message=card)
        card = await leader.reply(edited=True, contains="已恢复：重新按每周三生成任务")
        await leader.press("修改频次", message=card)
        await leader.press("周五", message=await leader.reply(edited=True, contains="以后多久一次"))
        assert "从现在起：每周五" in text_of(await leader.reply(edited=True, contains="下次：12月11日周五"))
    finally:
        await stop_running(app)
    assert (await _tasks(w.db, plan.id))[0].done_at == done_at


async def test_an_english_volunteer_skips_the_note_and_a_stale_skip_changes_nothing(world):
    w, vol = world, world.volunteers[0]
    core = w.bot.core
    await _english(w, vol)
    await vol.send("/start")
    await vol.reply()
    await vol.send("/tasks")
    assert "You have no open tasks" in text_of(await vol.reply())  # nothing at all yet
    plan = await create_plan(core, Actor(w.leader.id, w.leader.name), w.household.id, "Phone call", every_days=1)
    await _run_job(core, TODAY)
    day_msg = await vol.reply(contains="Care task for today")
    await vol.send("/tasks")
    listing = await vol.reply(contains="Care tasks")
    text = text_of(listing)
    assert "no requests open" in text and "Phone call" in text and "Thu, Dec 10: Phone call" in text
    await vol.press("Done", message=day_msg)  # the day's message has its own ✅
    ask = await vol.reply(contains="A short note for your grid leader?")
    await vol.press("Skip", message=ask)
    assert "recorded as done" in text_of(await vol.reply(edited=True, contains="Thank you"))
    answer = await vol.press("Skip", message=ask, force=True)  # the old Skip
    assert answer["show_alert"]
    answer = await vol.press("x", data=f"care:done:{(await _tasks(w.db, plan.id))[0].id}", force=True)
    assert answer["show_alert"] and "settled already" in answer["text"]
    [task] = await _tasks(w.db, plan.id)
    assert (task.status, task.note) == ("done", None)
    # another volunteer's ✅ on someone else's task is refused
    other = w.volunteers[1]
    await other.send("/start")
    await other.reply()
    await _run_job(core, TODAY + timedelta(days=1))
    [_, tomorrow] = await _tasks(w.db, plan.id)
    answer = await other.press("x", data=f"care:done:{tomorrow.id}", force=True)
    assert answer["show_alert"] and "不是您的" in answer["text"]
    assert (await _tasks(w.db, plan.id))[1].status == "due"


async def test_a_leader_pauses_resumes_retimes_and_ends_a_plan_and_old_buttons_change_nothing(world):
    w, leader, vol = world, world.leader, world.volunteers[0]
    core = w.bot.core
    await _english(w, leader)
    for u in (leader, vol):
        await u.send("/start")
        await u.reply()
    plan = await create_plan(core, Actor(leader.id, leader.name), w.household.id, "Blood pressure", weekday=2)
    await _run_job(core, TODAY)
    task_msg = await vol.reply(contains="今天")

    await leader.send("/care")
    listing = await leader.reply(contains="Care plans")
    await leader.press(f"#{plan.id}", message=listing)
    card = await leader.reply(edited=True, contains=f"Care plan #{plan.id}")
    assert "Status: running · next: Wed, Dec 16" in text_of(card) and "Last done: not yet" in text_of(card)
    assert [b["text"] for b in buttons_of(card)] == ["⏸ Pause", "🗓 How often", "⏹ End the plan"]
    # pause: today's waiting task is called off, the volunteer's ✅ is stale, the next day makes nothing
    await leader.press("Pause", message=card)
    card = await leader.reply(edited=True, contains="Paused")
    assert "Status: paused · next: —" in text_of(card) and buttons_of(card)[0]["text"] == "▶️ Resume"
    [task] = await _tasks(w.db, plan.id)
    assert task.status == "called_off"
    answer = await vol.press("已完成", message=task_msg)
    assert answer["show_alert"] and "已经了结" in answer["text"]
    answer = await leader.press("x", data=f"care:pause:{plan.id}", force=True)  # a second Pause
    assert answer["show_alert"] and "paused already" in answer["text"]
    assert await _run_job(core, TODAY + timedelta(days=1)) == 0  # the missed check: nothing missed
    assert await _run_job(core, TODAY + timedelta(days=7)) == 0  # its day: nothing made
    assert len(await _tasks(w.db, plan.id)) == 1
    async with w.db.session() as s:
        missed = await s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key.startswith("care-missed:"))
        )
    assert missed == 0
    # resume, then every 2 days from tomorrow
    await leader.press("Resume", message=card)
    card = await leader.reply(edited=True, contains="Resumed")
    answer = await leader.press("x", data=f"care:resume:{plan.id}", force=True)
    assert answer["show_alert"] and "running already" in answer["text"]
    await leader.press("How often", message=card)
    ask = await leader.reply(edited=True, contains="How often from now on")
    assert "now every Wednesday" in text_of(ask)
    await leader.press("every 2 days", message=ask)
    card = await leader.reply(edited=True, contains="From now on: every 2 days")
    assert "Blood pressure, every 2 days" in text_of(card) and "next: Thu, Dec 10" in text_of(card)
    p = await _plan(w.db, plan.id)
    assert (p.weekday, p.every_days, p.starts_on, p.paused_at) == (None, 2, "2026-12-10", None)
    # end: asked first; Back returns to the card; then ended for good
    await leader.press("End the plan", message=card)
    ask = await leader.reply(edited=True, contains="for good?")
    await leader.press("Back", message=ask)
    card = await leader.reply(edited=True, contains=f"Care plan #{plan.id}")
    await leader.press("End the plan", message=card)
    ask = await leader.reply(edited=True, contains="for good?")
    await leader.press("Yes, end it", message=ask)
    await leader.reply(edited=True, contains="has ended")
    for data in (f"care:resume:{plan.id}", f"care:freq:{plan.id}", f"care:setrule:{plan.id}:w1", f"care:end:{plan.id}"):
        answer = await leader.press("x", data=data, force=True)
        assert answer["show_alert"] and "ended already" in answer["text"], data
    p = await _plan(w.db, plan.id)
    assert (p.active, p.every_days) == (False, 2)
    # another grid's leader can neither see nor change it
    await w.leader_b.send("/start")
    await w.leader_b.reply()
    answer = await w.leader_b.press("x", data=f"care:plan:{plan.id}", force=True)
    assert answer["show_alert"] and "网格长" in answer["text"]


async def test_the_days_reminder_reaches_the_volunteer_once_when_the_bot_was_down(world):
    """The job made the day's task while the bot was stopped: the reminder is in the outbox and goes
    out when it starts again, once; the job run again sends nothing more."""
    w, vol = world, world.volunteers[0]
    core = w.bot.core
    await vol.send("/start")
    await vol.reply()
    plan = await create_plan(core, Actor(w.leader.id, w.leader.name), w.household.id, "测量血压", weekday=3)
    await vol.reply(contains="为您安排了关爱计划")
    await stop_running(w.bot.app)
    thursday = TODAY + timedelta(days=1)
    assert await _run_job(core, thursday) == 1
    app = build_application(core.cfg, w.db, core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        reminder = await vol.reply(contains="今天（12月10日周四）的关爱任务")
        assert "测量血压" in text_of(reminder) and buttons_of(reminder)[0]["text"] == "✅ 已完成"
        assert await _run_job(core, thursday) is None
        from bot.services.care import run_day

        assert await run_day(core, w.community.id, thursday) == 0
        texts = [t for t in await vol.texts() if "12月10日周四）的关爱任务" in t]
        assert len(texts) == 1
        assert len(await _tasks(w.db, plan.id)) == 1
    finally:
        await stop_running(app)
