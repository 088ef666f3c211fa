"""吹哨, the third tier, end to end through the sandbox: an admin adds a department contact, forwards
a request choosing what is shared and the deadline; the department accepts, answers or hands it
back in chat; the resident hears it was passed on and the outcome; a missed deadline is escalated
once and counted in the digest; an offline department's answers are recorded by the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox.notifier import OutboxNotifier
from bot.services import digests, referrals
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.periods import iso_week
from bot.services.kernel.roles import Actor
from bot.services.requests import create_request
from bot.services.requests.intake import RequestDraft
from bot.views.digests import render_text
from storage.enums import ReferralStatus
from storage.models import AuditEntry, Referral
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.town import payload, rows
from tests.support.waiting import settle

ADDRESS, PHONE = "幸福里 3 栋 2 单元 401", "13912345678"


async def _request(w, who, name: str, summary: str):
    await who.send("/start")  # the bot writes only to people who opened a chat with it
    await who.reply()
    req = await create_request(
        w.bot.core, Actor(who.id, name), RequestDraft("repairs", summary, "this_week", None, ADDRESS, PHONE, 1)
    )
    return req.code


async def test_forward_share_the_address_accept_and_answer_and_the_resident_hears_the_outcome(world):
    w = world
    await settle(w)
    zhou = await w.bot.user(5001, "老周")
    await zhou.send("/start")
    await zhou.reply()
    await w.admin.send("/adddepartment 街道城管科 5001")
    assert "已为幸福里社区添加街道城管科：老周" in text_of(await w.admin.reply())
    code = await _request(w, w.resident, "王奶奶", "楼道里的路灯坏了一个月")
    await w.admin.send(f"/whistle {code}")
    await w.admin.reply(contains="转交给哪个部门")
    await w.admin.press("街道城管科")
    confirm = text_of(await w.admin.reply(edited=True))
    assert "3 天内答复" in confirm and "对方将看到：求助内容（类别、网格、需要什么）。" in confirm
    assert "居民姓名一律不提供" in confirm and ADDRESS not in confirm
    await w.admin.press("▫️ 提供地址")
    assert "求助内容（类别、网格、需要什么）、地址" in text_of(await w.admin.reply(edited=True))
    await w.admin.press("7 天")
    await w.admin.reply(edited=True)
    await w.admin.press("发送")
    assert f"{code} 已转交街道城管科" in text_of(await w.admin.reply(edited=True))

    card = await zhou.reply(contains="吹哨转办")
    text = text_of(card)
    assert ADDRESS in text and PHONE not in text and "王奶奶" not in text and "楼道里的路灯" in text
    told = text_of(await w.resident.reply(contains="已转交街道"))
    assert code in told and "街道城管科" in told
    async with w.db.session() as s:
        [ref] = (await s.execute(select(Referral))).scalars()
        [entry] = (await s.execute(select(AuditEntry).where(AuditEntry.action == "referral.sent"))).scalars()
    assert ref.share_address and not ref.share_phone and ref.due_at - ref.created_at == timedelta(days=7)
    assert ADDRESS not in entry.detail and PHONE not in entry.detail  # yes/no, never the details

    await zhou.press("接收", message=card)
    assert "您已接手" in text_of(await zhou.reply())
    assert f"街道城管科已接收 {code}" in text_of(await w.admin.reply(contains="已接收"))
    await zhou.press("答复")
    await zhou.reply(contains="请写对")
    await zhou.send("已安排维修，周五上门更换")
    assert "答复已发送" in text_of(await zhou.reply())
    outcome = text_of(await w.resident.reply(contains="答复"))
    assert "已安排维修，周五上门更换" in outcome and code in outcome
    assert "已安排维修" in text_of(await w.admin.reply(contains="答复了"))
    # the old card: its moment has passed
    answer = await zhou.press("x", message=card, data=buttons_of(card)[-1]["callback_data"], force=True)
    assert answer["show_alert"] and "已经处理过了" in answer["text"]
    async with w.db.session() as s:
        assert (await s.get(Referral, ref.id)).status == ReferralStatus.answered.value
    # a second /whistle of the same request is fine again once answered; a stranger may not whistle
    await w.volunteers[0].send(f"/whistle {code}")
    assert "由社区管理员操作" in text_of(await w.volunteers[0].reply())


async def test_in_english_the_department_sees_no_personal_details_by_default_and_hands_it_back(world):
    w = world
    await settle(w)
    ann = await w.bot.user(5002, "Ann", lang="en")
    await ann.send("/start")
    await ann.reply()
    await w.admin.send("/adddepartment Housing 5002")
    await w.admin.reply(contains="Housing")
    code = await _request(w, w.resident_en, "Alice", "The lift has been broken for a week")
    await w.admin.send(f"/whistle {code}")
    await w.admin.reply()
    await w.admin.press("Housing")
    await w.admin.reply(edited=True)
    await w.admin.press("发送")
    await w.admin.reply(edited=True)
    card = await ann.reply(contains="forwards a request to Housing")
    text = text_of(card)
    assert "The lift has been broken" in text and ADDRESS not in text and PHONE not in text and "Alice" not in text
    assert "Answer due by" in text
    told = text_of(await w.resident_en.reply(contains="passed to the street office"))
    assert code in told and "Housing" in told
    await ann.press("Hand back", message=card)
    ask = await ann.reply(contains="say why in one line")
    assert [b["text"] for b in buttons_of(ask)] == ["⏭ Skip, hand it back"]
    await ann.send("x")  # too short: the step stays open
    assert "one line (2 to 300 characters)" in text_of(await ann.reply())
    await ann.send("The lift is the <property company>'s duty")
    assert f"{code} is handed back to the community" in text_of(await ann.reply())
    back = await w.admin.reply(contains="退回")
    assert "退回了社区" in text_of(back) and "退回原因：The lift is the <property company>'s duty" in text_of(back)
    told = text_of(await w.resident_en.reply(contains="handed your request"))
    assert "Their reason: The lift is the <property company>'s duty" in told
    # the Skip of a step answered already changes nothing
    answer = await ann.press("Skip", message=ask)
    assert answer["show_alert"] and "done already" in answer["text"]
    async with w.db.session() as s:
        [ref] = (await s.execute(select(Referral))).scalars()
    assert (ref.status, ref.answer) == ("handed_back", "The lift is the <property company>'s duty")


async def test_refusals_and_odd_input(world):
    w = world
    await settle(w)
    for text, expected in [
        ("/whistle", "/whistle A-0001"),
        ("/whistle " + "A" * 10_000, "/whistle A-0001"),
        ("/whistle A-9999", "没有这个编号的求助"),
        ("/adddepartment", "/adddepartment 街道城管科 @用户名"),
        ("/adddepartment 城管科 424242", "我还不认识这个人"),
        ("/adddepartment <b>城管科</b> 线下", "已为幸福里社区添加<b>城管科</b>"),
    ]:
        await w.admin.send(text)
        assert expected in text_of(await w.admin.reply()), text
    code = await _request(w, w.resident, "王奶奶", "下水道堵了")
    await w.admin.send("/adddepartment <b>城管科</b> offline")
    assert "已有名为“<b>城管科</b>”的部门" in text_of(await w.admin.reply())
    await w.leader.send(f"/whistle {code}")
    assert "由社区管理员操作" in text_of(await w.leader.reply())
    await w.resident_en.send("/departments")
    assert "for community admins" in text_of(await w.resident_en.reply())


# ---------------------------------------------------------------- the deadline, offline, both databases
@pytest.fixture
async def office(any_db, clock, cfg):
    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id, "第一网格")
    admin = await f.person(any_db, 90, "书记")
    await f.community_admin(any_db, admin.id, com.id)
    await f.person(any_db, 91, "别人", grid_id=grid.id)
    resident = await f.person(any_db, 30, "王奶奶", grid_id=grid.id)
    req = await create_request(
        core, Actor(30, "王奶奶"), RequestDraft("repairs", "屋顶漏水", "this_week", None, ADDRESS, PHONE, 1)
    )
    return core, com, grid, req, resident


async def test_past_the_deadline_it_is_escalated_once_and_shows_in_the_digest(office, clock):
    core, com, grid, req, _ = office
    admin = Actor(90, "书记")
    dep = await referrals.add_department(core, admin, "街道办", None)  # offline: the admin records its answers
    choice = await referrals.whistle_choice(core, admin, req.code)
    assert choice.departments == [(dep.id, "街道办", True)] and choice.has_address and choice.has_phone
    sent = await referrals.forward(core, admin, req.id, dep.id, address=False, phone=False, days=1)
    card = [payload(r)["text"] for r in await rows(core.db, "referral-card:")]
    assert len(card) == 1 and "屋顶漏水" in card[0] and ADDRESS not in card[0] and PHONE not in card[0]
    with pytest.raises(Conflict):
        await referrals.forward(core, admin, req.id, dep.id, address=False, phone=False, days=1)
    assert await referrals.escalate_overdue_referrals(core) == 0  # not due yet
    clock.set(clock.now() + timedelta(days=1, minutes=1))
    assert await referrals.escalate_overdue_referrals(core) == 1
    assert await referrals.escalate_overdue_referrals(core) == 0  # once
    [late] = [payload(r)["text"] for r in await rows(core.db, "referral-overdue:")]
    assert "街道办在期限内没有答复" in late
    week = iso_week(clock.now(), "Asia/Shanghai")
    for d in (await digests.grid_digest(core, grid.id, week), await digests.community_digest(core, com.id, week)):
        assert "转交街道：1 件处理中，其中 1 件已超期" in render_text("zh-CN", d)
        assert "With the street office: 1 matter, 1 past its deadline" in render_text("en", d)
    with pytest.raises(NotAllowed):  # an offline department's answer: an admin of the community only
        await referrals.decide(core, Actor(91, "别人"), sent.referral_id, ReferralStatus.answered, "修好了")
    await referrals.decide(core, admin, sent.referral_id, ReferralStatus.answered, "已派人修好屋顶")
    [outcome] = [payload(r)["text"] for r in await rows(core.db, "referral-answer:")]
    assert "已派人修好屋顶" in outcome
    d = await digests.grid_digest(core, grid.id, week)
    assert "转交街道" not in render_text("zh-CN", d)  # answered: no longer with the street office


async def test_a_meeting_items_referral_is_escalated_listed_counted_and_closes_the_item(office, clock):
    """Both databases: an item's referral joins the digest's count, the escalation and the dashboard's list."""
    from bot.services import meetings
    from storage.models import DoorVisit, VisitIssue
    from tests.support.town import log_visit

    core, com, grid, req, _ = office
    admin = Actor(90, "书记")
    hh = await f.household(core.db, grid.id, "幸福里 9 栋 301", members="刘奶奶")
    volunteer = await f.person(core.db, 92, "张志愿", grid_id=grid.id)
    await f.volunteer(core.db, volunteer.id, grid.id)
    await f.pair(core.db, volunteer.id, hh.id)
    week = iso_week(clock.now(), "Asia/Shanghai")
    await log_visit(core.db, hh, volunteer, week, outcome="needs_help", red_flags="safety")
    async with core.db.session() as s:
        visit = (await s.execute(select(DoorVisit))).scalars().one()
        visit.note = "楼顶漏水"
        issue = VisitIssue(visit_id=visit.id, household_id=hh.id, grid_id=grid.id)
        s.add_all([visit, issue])
        await s.flush()
        issue_id = issue.id
    dep = await referrals.add_department(core, admin, "街道办", None)
    with pytest.raises(NotAllowed):  # 吹哨 is the admins'
        await referrals.item_choice(core, Actor(91, "别人"), issue_id)
    choice = await referrals.item_choice(core, admin, issue_id)
    assert choice.item and choice.code == f"#{issue_id}" and choice.has_address and not choice.has_phone
    sent = await referrals.forward_item(core, admin, issue_id, dep.id, address=True, phone=True, days=2)
    [card] = [payload(r)["text"] for r in await rows(core.db, "referral-card:")]
    assert "楼顶漏水" in card and "幸福里 9 栋 301" in card and "刘奶奶" not in card
    with pytest.raises(Conflict):
        await referrals.forward_item(core, admin, issue_id, dep.id, address=False, phone=False, days=2)
    clock.set(clock.now() + timedelta(days=2, minutes=1))
    assert await referrals.escalate_overdue_referrals(core) == 1
    [late] = [payload(r)["text"] for r in await rows(core.db, "referral-overdue:")]
    assert f"入户问题 #{issue_id}" in late
    d = await digests.grid_digest(core, grid.id, iso_week(clock.now(), "Asia/Shanghai"))
    assert "转交街道：1 件处理中，其中 1 件已超期" in render_text("zh-CN", d)
    listed = await referrals.referral_rows(core, [grid.id], decided_since=clock.now() - timedelta(days=30))
    assert [(r.code, r.item, r.state.overdue, r.state.department) for r in listed] == [
        (f"#{issue_id}", True, True, "街道办")
    ]
    # the item's meeting card knows; the answer closes it and asks the paired volunteer to tell the household
    item = await meetings.show_item(core, admin, issue_id)
    assert item.referral is not None and item.referral.overdue
    await referrals.decide(core, admin, sent.referral_id, ReferralStatus.answered, "已修好")
    item = await meetings.show_item(core, admin, issue_id)
    assert item.status == "closed" and item.decision == "【街道办】已修好" and not item.referral.overdue
    [ask] = await rows(core.db, "meet-tell:")
    assert ask.chat_id == 92 and "已修好" in payload(ask)["text"]
    # a second department's removal keeps what it has; the one with a referral is only deactivated
    gone = await referrals.remove_department(core, admin, dep.id)
    assert (gone.deleted, gone.open_referrals) == (False, 0)
    with pytest.raises(NotFound):  # no active department left
        await referrals.whistle_choice(core, admin, req.code)


async def test_an_answer_on_an_item_whose_household_was_erased_is_recorded_and_tells_nobody(office, clock):
    from storage.models import DoorVisit, Household, VisitIssue
    from tests.support.town import log_visit

    core, com, grid, _, _ = office
    admin = Actor(90, "书记")
    hh = await f.household(core.db, grid.id, "幸福里 9 栋 301")
    volunteer = await f.person(core.db, 92, "张志愿", grid_id=grid.id)
    await log_visit(core.db, hh, volunteer, iso_week(clock.now(), "Asia/Shanghai"), outcome="needs_help")
    async with core.db.session() as s:
        visit = (await s.execute(select(DoorVisit))).scalars().one()
        issue = VisitIssue(visit_id=visit.id, household_id=hh.id, grid_id=grid.id)
        s.add(issue)
        await s.flush()
        issue_id = issue.id
    dep = await referrals.add_department(core, admin, "街道办", None)
    sent = await referrals.forward_item(core, admin, issue_id, dep.id, address=False, phone=False, days=3)
    async with core.db.session() as s:  # /forgetme or retention erased the household meanwhile
        gone = await s.get(Household, hh.id)
        gone.erased_at = clock.now()
        s.add(gone)
    await referrals.decide(core, admin, sent.referral_id, ReferralStatus.answered, "已处理")
    async with core.db.session() as s:
        assert (await s.get(Referral, sent.referral_id)).status == ReferralStatus.answered.value
        assert (await s.get(VisitIssue, issue_id)).status == "open"
    assert await rows(core.db, "meet-tell:") == []
