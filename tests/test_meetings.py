"""民情速办: a problem a volunteer records on a door visit goes on the grid's meeting list; the leader
walks through it with /meeting (owner, decision, follow-up date, close, next); closing asks the paired
volunteer to tell the household, and "I told them" shows in the household's ledger. Through the
sandbox, in Chinese and in English, across a restart of the bot."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import build_application, start_running, stop_running
from storage.models import AuditEntry, OutboxMessage, VisitIssue
from tests.support.harness import buttons_of, text_of


async def _log_problem(vol, household_id, note="暖气不热，老人怕冷", flags=("没有取暖",)):
    """/visits → log → 需要帮助 → a note → red flags → no request."""
    await vol.send("/visits")
    await vol.reply()
    await vol.press(f"visit:log:{household_id}")
    await vol.reply(contains=f"#{household_id}")
    await vol.press("需要帮助")
    await vol.reply(edited=True)
    await vol.send(note)
    await vol.reply(contains="红色预警")
    for flag in flags:
        await vol.press(flag)
    await vol.press("选好了")
    await vol.press("不用转需求")
    await vol.reply(contains="已记录")


async def _issues(db):
    async with db.session() as s:
        return list((await s.execute(select(VisitIssue).order_by(VisitIssue.id))).scalars())


async def test_a_problem_found_on_a_visit_is_walked_through_the_meeting_and_the_household_is_told(world):
    w, vol, leader, hh = world, world.volunteers[0], world.leader, world.household
    for u in (vol, leader):
        await u.send("/start")
        await u.reply()
    await _log_problem(vol, hh.id)
    [issue] = await _issues(w.db)
    assert (issue.status, issue.household_id, issue.owner_id) == ("open", hh.id, None)

    await leader.send("/meeting")
    card = await leader.reply(contains="民情速办")
    text = text_of(card)
    assert "第 1/1 项" in text and "幸福里 3 栋 2 单元 401" in text and "没有取暖" in text
    assert "暖气不热" in text and "状态：<b>待处理</b>" not in text and "待处理" in text

    # an owner: the paired volunteer comes first, marked 🤝; they are told
    await leader.press("指定负责人", message=card)
    picker = await leader.reply(edited=True, contains="由谁负责")
    assert "🤝 张志愿" in buttons_of(picker)[0]["text"]
    await leader.press("🤝 张志愿", message=picker)
    card = await leader.reply(edited=True, contains="负责人：张志愿")
    assert "处理中" in text_of(card)
    owned = await vol.reply(contains="指定您负责问题")
    assert "李网格长" in text_of(owned)

    # closing needs a decision first
    answer = await leader.press("办结", message=card)
    assert answer["show_alert"] and "请先记录决定" in answer["text"]
    await leader.press("记录决定", message=card)
    await leader.reply(contains="研判决定")
    await leader.send("联系物业本周内修好暖气，社区先送电暖器")
    card = await leader.reply(contains="决定：联系物业")
    assert "已研判" in text_of(card)

    await leader.press("跟进日期", message=card)
    picker = await leader.reply(edited=True, contains="何时跟进")
    await leader.press("1 周后", message=picker)
    card = await leader.reply(edited=True, contains="跟进日期：")
    assert "跟进日期：—" not in text_of(card)
    [issue] = await _issues(w.db)
    assert issue.follow_up is not None and issue.status == "decided"

    await leader.press("办结", message=card)
    card = await leader.reply(edited=True, contains="已办结")
    assert [b["text"] for b in buttons_of(card)] == ["➡️ 下一项"]
    ask = await vol.reply(contains="请把处理结果告诉住户")
    assert "联系物业本周内修好暖气" in text_of(ask) and "幸福里 3 栋 2 单元 401" in text_of(ask)

    await vol.press("已告知住户", message=ask)
    done = await vol.reply(edited=True, contains="已告知住户")
    assert f"#{issue.id}" in text_of(done)
    [issue] = await _issues(w.db)
    assert issue.status == "closed" and issue.told_at is not None
    # the household's ledger records it
    await vol.send(f"/ledger {hh.id}")
    ledger = await vol.reply(contains="民情台账")
    assert "已告知住户" in text_of(ledger) and "已办结" in text_of(ledger)
    # a second press changes nothing
    answer = await vol.press("x", data=f"meet:told:{issue.id}", force=True)
    assert answer["show_alert"] and "已经记录过了" in answer["text"]
    # the list is empty now
    await leader.send("/meeting")
    assert "目前没有待办的入户问题" in text_of(await leader.reply())
    # nothing of it went to a group
    for group in (w.volunteer_group, w.resident_group):
        assert all("幸福里" not in t for t in await vol.texts(group))
    async with w.db.session() as s:
        actions = set((await s.execute(select(AuditEntry.action).where(AuditEntry.entity == "visit_issue"))).scalars())
    assert actions == {"meeting.owner", "meeting.decision", "meeting.follow_up", "meeting.closed", "meeting.told"}


async def test_the_meeting_in_english_walks_item_by_item_and_survives_a_restart(world):
    w, vol, hh = world, world.volunteers[0], world.household
    leader = world.leader
    leader.lang = "en"
    await w.sb.add_user(leader.id, leader.name, language_code="en")
    vol.lang = "en"
    await w.sb.add_user(vol.id, vol.name, language_code="en")
    await leader.send("/start")
    await leader.reply()
    # two problems in two weeks is impossible for one household: a second household for the same volunteer
    from tests.support import factories as f

    other = await f.household(w.db, w.grid_a.id, "幸福里 5 栋 101", members="李爷爷")
    await f.pair(w.db, w.volunteer_people[0].id, other.id)
    await vol.send("/visits")
    await vol.reply()
    for target in (hh.id, other.id):
        await vol.press(f"visit:log:{target}")
        await vol.reply(contains=f"#{target}")
        await vol.press("Needs help")
        await vol.reply(edited=True)
        await vol.send("Roof leaks" if target == hh.id else "Lonely, wants company")
        await vol.reply(contains="red flag")
        await vol.press("Done")
        await vol.press("No request")
        await vol.reply(contains="logged")
    first, second = await _issues(w.db)

    await leader.send("/meeting")
    card = await leader.reply(contains="Weekly meeting")
    assert "open problem 1 of 2" in text_of(card) and "Roof leaks" in text_of(card)
    await leader.press("Next", message=card)
    card = await leader.reply(edited=True, contains="open problem 2 of 2")
    assert "Lonely" in text_of(card) and "幸福里 5 栋 101" in text_of(card)
    await leader.press("Next", message=card)
    end = await leader.reply(edited=True, contains="last one")
    assert "2 problems are still open" in text_of(end)
    await leader.press("From the start", message=end)
    card = await leader.reply(edited=True, contains="open problem 1 of 2")

    # the decision's question is asked; the bot restarts; the typed answer still lands
    await leader.press("Decision", message=card)
    await leader.reply(contains="Type what the meeting decided")
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await leader.send("Ask the housing office to fix the roof")
        card = await leader.reply(contains="Decision: Ask the housing office")
        assert "Decided" in text_of(card)
        await leader.press("Close", message=card)
        await leader.reply(edited=True, contains="closed")
        ask = await vol.reply(contains="Please tell the household the outcome")
        assert "Ask the housing office" in text_of(ask)
        await vol.press("I told them", message=ask)
        await vol.reply(edited=True, contains="household was told")
    finally:
        await stop_running(app)
    first, second = await _issues(w.db)
    assert first.status == "closed" and first.told_at is not None and second.status == "open"


async def test_only_the_grids_leaders_see_or_change_its_items_and_closed_ones_stay_closed(world):
    w, vol, hh = world, world.volunteers[0], world.household
    await _log_problem(vol, hh.id)
    [issue] = await _issues(w.db)
    # the other grid's leader sees none of it, and a forged press changes nothing
    other = w.leader_b
    await other.send("/meeting")
    assert "没有待办" in text_of(await other.reply())
    answer = await other.press("x", data=f"meet:close:{issue.id}", force=True)
    assert answer["show_alert"] and "网格长" in answer["text"]
    answer = await other.press("x", data=f"meet:show:{issue.id}", force=True)
    assert answer["show_alert"]
    # a volunteer cannot open the meeting
    await w.volunteers[1].send("/meeting")
    assert "仅供网格长" in text_of(await w.volunteers[1].reply())
    # in a group: never the list
    await w.leader.send("/meeting", chat=w.volunteer_group)
    assert "私聊" in text_of(await w.leader.reply(chat=w.volunteer_group))
    # absurd ids
    await w.leader.send("/meeting")
    await w.leader.reply(contains="第 1/1 项")
    for data in ("meet:close:0", "meet:close:99999999999999", "meet:owner:1:x", "meet:date:1:5", "meet:next:-1"):
        answer = await w.leader.press("x", data=data, force=True)
        assert answer["show_alert"], data
    [after] = await _issues(w.db)
    assert (after.status, after.owner_id, after.decision) == ("open", None, "")
    async with w.db.session() as s:
        sent = list((await s.execute(select(OutboxMessage.key).where(OutboxMessage.key.startswith("meet-")))).scalars())
    assert sent == []


async def test_the_leaders_digest_lists_the_open_problems_first_without_addresses(world):
    from bot.services import digests
    from bot.services.kernel.periods import iso_week
    from bot.services.kernel.roles import Actor
    from bot.services.meetings import close_item, record_decision
    from bot.views.digests import render_text

    w, vol, leader = world, world.volunteers[0], world.leader
    await _log_problem(vol, w.household.id)
    [issue] = await _issues(w.db)
    await leader.send("/digest")
    msg = text_of(await leader.reply(contains="入户走访"))  # the text (the chart came first)
    assert "民情速办：1 个入户问题待办" in msg and f"#{issue.id} 住户 #{w.household.id}" in msg
    assert "没有取暖" in msg and "待处理" in msg and "/meeting" in msg
    assert msg.index("民情速办") < msg.index("入户走访")
    assert "幸福里" not in msg  # a digest may be forwarded: no address

    core = w.bot.core
    week = iso_week(core.clock.now(), "Asia/Shanghai")
    community = await digests.community_digest(core, w.community.id, week)
    text = render_text("en", community)
    assert "Weekly meeting: 1 open problem from door visits" in text and "第一网格 · household" in text
    assert text.index("Weekly meeting") < text.index("<b>Requests</b>")

    me = Actor(leader.id, leader.name)
    await record_decision(core, me, issue.id, "物业已修")
    await close_item(core, me, issue.id)
    grid = await digests.grid_digest(core, w.grid_a.id, week)
    assert grid.figures.issues_open == 0 and "民情速办" not in render_text("zh-CN", grid)
