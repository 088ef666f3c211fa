"""吹哨 of a meeting item (民情速办 → the third tier), end to end through the sandbox: an admin walking
/meeting forwards a problem found on a door visit straight to a department, choosing what is shared
(default: the problem only); the department's answer closes the item and the household's paired
volunteer is asked to tell the household; a hand-back puts it back on the meeting's list. In Chinese
and in English, across a restart of the bot."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import build_application, start_running, stop_running
from bot.services.kernel.roles import Actor
from bot.services.visits import record_visit
from storage.models import AuditEntry, Referral, VisitIssue
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

ADDRESS = "幸福里 3 栋 2 单元 401"  # the world's household, paired with 张志愿; its member is 王奶奶


async def _problem(w, household_id: int, note: str, flags=("no_heating",)) -> VisitIssue:
    await record_visit(w.bot.core, Actor(w.volunteers[0].id, "张志愿"), household_id, "needs_help", note, list(flags))
    async with w.db.session() as s:
        return (await s.execute(select(VisitIssue).order_by(VisitIssue.id.desc()))).scalars().first()


async def _issue(w, issue_id: int) -> VisitIssue:
    async with w.db.session() as s:
        return await s.get(VisitIssue, issue_id)


async def test_an_admin_forwards_a_visit_problem_the_answer_closes_it_and_the_household_is_told(world):
    w, vol = world, world.volunteers[0]
    await settle(w)
    zhou = await w.bot.user(5001, "老周")
    for u in (zhou, w.admin, w.leader, vol):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment 街道城管科 5001")
    await w.admin.reply(contains="街道城管科")
    issue = await _problem(w, w.household.id, "楼道堆满杂物，老人出门不便")

    # the grid's leader walks the meeting without the button: 吹哨 is the admins'
    await w.leader.send("/meeting")
    card = await w.leader.reply(contains="民情速办")
    assert not any("转交部门" in b["text"] for b in buttons_of(card))
    answer = await w.leader.press("x", message=card, data=f"wh:i:{issue.id}", force=True)
    assert answer["show_alert"] and "社区管理员" in answer["text"]

    await w.admin.send("/meeting")
    card = await w.admin.reply(contains="民情速办")
    await w.admin.press("转交部门", message=card)
    choose = await w.admin.reply(contains="转交给哪个部门")
    assert f"入户问题 #{issue.id}" in text_of(choose) and "楼道堆满杂物" in text_of(choose)
    assert ADDRESS not in text_of(choose)
    await w.admin.press("街道城管科", message=choose)
    confirm = text_of(await w.admin.reply(edited=True, contains="对方将看到"))
    assert "问题内容（预警、网格、志愿者记录）。" in confirm and "住户家庭成员姓名一律不提供" in confirm
    assert ADDRESS not in confirm and "3 天内答复" in confirm
    await w.admin.press("▫️ 提供地址")
    assert "志愿者记录）、地址" in text_of(await w.admin.reply(edited=True))
    await w.admin.press("发送")
    sent = text_of(await w.admin.reply(edited=True, contains="已转交"))
    assert f"入户问题 #{issue.id} 已转交街道城管科" in sent and "结对志愿者告知住户" in sent

    card = await zhou.reply(contains="吹哨转办入户发现的问题")
    text = text_of(card)
    assert "楼道堆满杂物" in text and ADDRESS in text and "王奶奶" not in text and "张志愿" not in text
    assert "没有取暖" in text and "答复期限" in text
    # the meeting's card shows where it stands, and offers no second forwarding
    await w.admin.send("/meeting")
    meeting = await w.admin.reply(contains="民情速办")
    assert "转交街道城管科：等待答复" in text_of(meeting)
    assert not any("转交部门" in b["text"] for b in buttons_of(meeting))
    answer = await w.admin.press("x", message=meeting, data=f"wh:i:{issue.id}", force=True)
    assert answer["show_alert"] and "已转交部门处理" in answer["text"]

    await zhou.press("接收", message=card)
    await zhou.reply(contains="您已接手")
    await w.admin.reply(contains="已接收")
    await zhou.press("答复")
    await zhou.reply(contains="社区会转告住户")
    await zhou.send("已联系物业清理楼道，周三前完成")
    assert "社区会告知住户" in text_of(await zhou.reply(contains="答复已发送"))
    told = text_of(await w.admin.reply(contains="答复了"))
    assert "已联系物业清理楼道" in told and "该事项已办结" in told

    ask = await vol.reply(contains="请把处理结果告诉住户")
    assert "社区已转交街道城管科，答复：" in text_of(ask) and "已联系物业清理楼道" in text_of(ask)
    assert ADDRESS in text_of(ask)  # the paired volunteer knows the household
    await vol.press("已告知住户", message=ask)
    await vol.reply(edited=True, contains="已告知住户")
    done = await _issue(w, issue.id)
    assert done.status == "closed" and done.told_at is not None and "已联系物业清理楼道" in done.decision
    async with w.db.session() as s:
        [ref] = (await s.execute(select(Referral))).scalars()
        entries = list((await s.execute(select(AuditEntry).where(AuditEntry.entity == "visit_issue"))).scalars())
    assert (ref.issue_id, ref.request_id, ref.status, ref.share_address) == (issue.id, None, "answered", True)
    assert {"referral.sent", "referral.accepted", "referral.answered", "meeting.closed", "meeting.told"} <= {
        e.action for e in entries
    }
    assert all(ADDRESS not in e.detail for e in entries)  # what was shared is yes/no, never the address
    # the old card's buttons: their moment has passed; the meeting's list is empty
    answer = await zhou.press("x", message=card, data=f"wh:b:{ref.id}", force=True)
    assert answer["show_alert"] and "已经处理过了" in answer["text"]
    # the grid's leader is told of the answer (through the outbox, in its own time), then asks
    assert "已联系物业清理楼道" in text_of(await w.leader.reply(contains="答复了"))
    await w.leader.send("/meeting")
    assert "目前没有待办的入户问题" in text_of(await w.leader.reply())
    # nothing of it went to a group
    for group in (w.volunteer_group, w.resident_group):
        assert all("楼道堆满杂物" not in t and ADDRESS not in t for t in await vol.texts(group))


async def test_in_english_a_handed_back_item_returns_to_the_meeting_and_an_answer_survives_a_restart(world):
    w, vol = world, world.volunteers[0]
    await settle(w)
    ann = await w.bot.user(5002, "Ann", lang="en")
    w.admin.lang = "en"
    await w.sb.add_user(w.admin.id, w.admin.name, language_code="en")
    for u in (ann, w.admin, vol):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment Housing 5002")
    await w.admin.reply(contains="Housing")
    other = await f.household(w.db, w.grid_a.id, "幸福里 5 栋 101", members="李爷爷")
    await f.pair(w.db, w.volunteer_people[0].id, other.id)
    leak = await _problem(w, w.household.id, "Roof leaks over the bed", flags=("safety",))
    lonely = await _problem(w, other.id, "Lonely, the stairs are too steep", flags=())

    async def forward(issue: VisitIssue) -> dict:
        await w.admin.press("x", data=f"wh:i:{issue.id}", force=True)
        choose = await w.admin.reply(contains="which department")
        assert f"visit issue #{issue.id}" in text_of(choose)
        await w.admin.press("Housing", message=choose)
        confirm = text_of(await w.admin.reply(edited=True, contains="will see"))
        assert "the problem (red flags, grid, the volunteer's note)." in confirm and "5 栋 101" not in confirm
        await w.admin.press("Send")
        await w.admin.reply(edited=True, contains="forwarded to Housing")
        return await ann.reply(contains="forwards a problem found on a door visit to Housing")

    card = await forward(lonely)
    assert "Lonely" in text_of(card) and "5 栋 101" not in text_of(card) and "李爷爷" not in text_of(card)
    await ann.press("Hand back", message=card)
    await ann.reply(contains="say why")
    # the reason's step survives a restart of the bot, as the answer's does
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await ann.send("Not ours: the <stairs> belong to the housing estate")
        assert f"visit issue #{lonely.id} is handed back" in text_of(await ann.reply())
        back = text_of(await w.admin.reply(contains="handed"))
        assert "meeting's list" in back and "Reason: Not ours: the <stairs> belong to the housing estate" in back
    finally:
        await stop_running(app)
    w.bot.app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(w.bot.app, poll_timeout=1)
    assert (await _issue(w, lonely.id)).status == "open"
    await w.admin.send("/meeting")
    meeting = await w.admin.reply(contains="Weekly meeting")
    await w.admin.press("Next", message=meeting)
    meeting = await w.admin.reply(edited=True, contains="Lonely")
    assert "With Housing since" in text_of(meeting) and "handed back" in text_of(meeting)
    assert any("Forward to a department" in b["text"] for b in buttons_of(meeting))  # it may go again

    card = await forward(leak)
    await ann.press("Answer", message=card)
    await ann.reply(contains="passes it on to the household")
    await stop_running(w.bot.app)
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        await ann.send("A roofer comes on Friday morning")
        assert "the community will tell the household" in text_of(await ann.reply(contains="is sent"))
        ask = await vol.reply(contains="请把处理结果告诉住户")
        assert "A roofer comes on Friday morning" in text_of(ask) and "Housing" in text_of(ask)
        await w.admin.reply(contains="The item is closed")
    finally:
        await stop_running(app)
    assert (await _issue(w, leak.id)).status == "closed"
    assert (await _issue(w, lonely.id)).status == "open"


async def test_the_meeting_closing_an_item_withdraws_its_referral_and_the_department_needs_not_answer(world):
    from bot.services import meetings, referrals

    w = world
    await settle(w)
    zhou = await w.bot.user(5001, "老周")
    for u in (zhou, w.admin):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment 街道城管科 5001")
    await w.admin.reply(contains="街道城管科")
    await w.admin.send("/adddepartment 民政科 5001")
    await w.admin.reply(contains="民政科")
    issue = await _problem(w, w.household.id, "门口台阶破损")
    await w.admin.press("x", data=f"wh:i:{issue.id}", force=True)
    choose = await w.admin.reply(contains="转交给哪个部门")
    # a department removed meanwhile: its button on the list drawn before takes nothing new
    admin = Actor(w.admin.id, w.admin.name)
    [civil] = [d for d in await referrals.departments(w.bot.core, admin) if d.name == "民政科"]
    await referrals.remove_department(w.bot.core, admin, civil.id)
    answer = await w.admin.press("民政科", message=choose)
    assert answer["show_alert"] and "不接收新的转办" in answer["text"]
    await w.admin.send("/meeting")
    await w.admin.press("转交部门", message=await w.admin.reply(contains="民情速办"))
    choose = await w.admin.reply(contains="转交给哪个部门")
    assert [b["text"] for b in buttons_of(choose)] == ["🏛 街道城管科"]
    await w.admin.press("街道城管科", message=choose)
    await w.admin.reply(edited=True)
    await w.admin.press("发送")
    card = await zhou.reply(contains="吹哨转办入户发现的问题")

    await zhou.press("接收", message=card)
    await zhou.reply(contains="您已接手")
    accepted = await zhou.last()

    # the meeting settles it first (in chat): the department is told no answer is needed
    await w.leader.send("/start")
    await w.leader.reply()
    leader = Actor(w.leader.id, w.leader.name)
    await meetings.record_decision(w.bot.core, leader, issue.id, "社区自行修好台阶")
    await w.leader.send("/meeting")
    meeting = await w.leader.reply(contains="民情速办")
    await w.leader.press("办结", message=meeting)
    gone = text_of(await zhou.reply(contains="自行办结"))
    assert f"入户问题 #{issue.id}" in gone and "街道城管科" in gone and "无需再答复" in gone
    assert ADDRESS not in gone and "台阶" not in gone  # the community's decision stays the community's
    # the card's buttons, and the accepted message's, change nothing now
    async with w.db.session() as s:
        [ref] = (await s.execute(select(Referral))).scalars()
    answer = await zhou.press("答复", message=accepted)
    assert answer["show_alert"] and "社区已自行办结此事" in answer["text"]
    for data in (f"wh:b:{ref.id}", f"wh:a:{ref.id}", f"wh:k:{ref.id}", f"wh:r:{ref.id}"):
        answer = await zhou.press("x", message=card, data=data, force=True)
        assert answer["show_alert"] and "社区已自行办结此事" in answer["text"], data
    done = await _issue(w, issue.id)
    assert done.decision == "社区自行修好台阶" and done.status == "closed"
    async with w.db.session() as s:
        [ref] = (await s.execute(select(Referral))).scalars()
        actions = [e.action for e in (await s.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()]
    assert ref.status == "withdrawn" and ref.decided_at is not None
    assert actions.index("referral.withdrawn") < actions.index("meeting.closed")
    await w.admin.send("/meeting")
    assert "目前没有待办的入户问题" in text_of(await w.admin.reply())
