"""吹哨's follow-through, end to end through the sandbox: an admin forwards a request from its card on
/board (a 🏛 button a leader never sees, and is refused if forced); the grid's leaders hear each of
the department's decisions once, and a missed deadline once; a hand-back's reason reaches the admin,
the leaders and the resident (escaped, and nothing else of the department's workings); a request the
community closes (or the resident cancels) while a department has it is withdrawn from it, the
department told in its language that no answer is needed and its old buttons changing nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.services import referrals
from bot.services.kernel.roles import Actor
from bot.services.requests import create_request
from bot.services.requests.intake import RequestDraft
from storage.models import AuditEntry, Referral
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle, wait_for

ADDRESS, PHONE = "幸福里 3 栋 2 单元 401", "13912345678"


async def _request(w, who, name: str, summary: str):
    await who.send("/start")
    await who.reply()
    draft = RequestDraft("repairs", summary, "this_week", None, ADDRESS, PHONE, 1)
    return await create_request(w.bot.core, Actor(who.id, name), draft)


async def _card(user, req, contains: str) -> dict:
    await user.press(req.code, data=f"board:req:{req.id}", force=True)
    return await user.reply(contains=contains)


async def _ref(w) -> Referral:
    async with w.db.session() as s:
        return (await s.execute(select(Referral).order_by(Referral.id.desc()))).scalars().first()


async def card_as_it_reads(w, who, card: dict, contains: str) -> dict:
    """The department's card (that message) as it reads now, once it contains `contains`."""

    async def edited() -> dict | None:
        for m in await w.sb.messages(who.private):
            if m["message_id"] == card["message_id"] and contains in text_of(m):
                return m
        return None

    return await wait_for(edited, what=f"the card edited to say {contains!r}")


async def test_forwarded_from_the_card_the_leaders_hear_each_step_and_closing_it_withdraws_it(world):
    w = world
    await settle(w)
    zhou = await w.bot.user(5001, "老周")
    for u in (zhou, w.admin, w.leader):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment 街道城管科 5001")
    await w.admin.reply(contains="街道城管科")
    req = await _request(w, w.resident, "王奶奶", "小区门口的路灯坏了")

    # the leader's card has no 🏛; forced, it is refused
    card = await _card(w.leader, req, "小区门口的路灯")
    assert not any("转交部门" in b["text"] for b in buttons_of(card))
    answer = await w.leader.press("x", message=card, data=f"wh:q:{req.id}", force=True)
    assert answer["show_alert"] and "社区管理员" in answer["text"]

    # the admin's card has it, and it goes into /whistle's flow
    card = await _card(w.admin, req, "小区门口的路灯")
    await w.admin.press("转交部门", message=card)
    choose = await w.admin.reply(contains="转交给哪个部门")
    assert req.code in text_of(choose) and ADDRESS not in text_of(choose)
    await w.admin.press("街道城管科", message=choose)
    await w.admin.reply(edited=True, contains="对方将看到")
    await w.admin.press("发送")
    await w.admin.reply(edited=True, contains="已转交")
    dept_card = await zhou.reply(contains="吹哨转办")

    await zhou.press("接收", message=dept_card)
    await zhou.reply(contains="您已接手")
    assert "街道城管科已接收" in text_of(await w.admin.reply(contains="已接收"))
    assert "街道城管科已接收" in text_of(await w.leader.reply(contains="已接收"))  # the grid's leader too
    await zhou.press("退回", message=await zhou.last())
    ask = await zhou.reply(contains="写明原因")
    assert any("跳过" in b["text"] for b in buttons_of(ask))
    await zhou.send("路灯归<供电所>管，请联系供电所")
    await zhou.reply(contains="已退回社区")
    for who in (w.admin, w.leader):
        back = text_of(await who.reply(contains="退回了社区"))
        assert "退回原因：路灯归<供电所>管，请联系供电所" in back
    told = text_of(await w.resident.reply(contains="退回了社区"))
    assert "退回原因：路灯归<供电所>管，请联系供电所" in told and "老周" not in told
    for who in (w.admin, w.leader):  # each told once of each step
        texts = await who.texts()
        assert sum("街道城管科已接收" in t for t in texts) == 1 and sum("退回原因" in t for t in texts) == 1

    # handed back: the card offers it again; forwarded again, then the leader closes the request
    card = await _card(w.admin, req, "已退回")
    await w.admin.press("转交部门", message=card)
    await w.admin.press("街道城管科", message=await w.admin.reply(contains="转交给哪个部门"))
    await w.admin.reply(edited=True, contains="对方将看到")
    await w.admin.press("发送")
    await w.admin.reply(edited=True, contains="已转交")
    again = await zhou.reply(contains="吹哨转办")
    card = await _card(w.leader, req, "等待答复")
    await w.leader.press("关闭", message=card)
    await w.leader.reply(contains="请写一句原因")
    await w.leader.send("社区已联系供电所修好")
    await w.leader.reply(contains="已关闭")
    gone = text_of(await zhou.reply(contains="自行办结"))
    assert req.code in gone and "无需再答复" in gone and ADDRESS not in gone and "王奶奶" not in gone
    # and the card itself now says so, with no buttons left on it
    card_now = await card_as_it_reads(w, zhou, again, "已撤回")
    assert not buttons_of(card_now)
    assert f"转交街道城管科的 {req.code}：已撤回" in text_of(card_now) and "无需答复" in text_of(card_now)
    ref = await _ref(w)
    answer = await zhou.press("x", message=again, data=f"wh:r:{ref.id}", force=True)  # a client that still shows it
    assert answer["show_alert"] and "社区已自行办结此事" in answer["text"]
    answer = await zhou.press("x", message=again, data=f"wh:k:{ref.id}", force=True)
    assert answer["show_alert"] and "社区已自行办结此事" in answer["text"]
    ref = await _ref(w)
    assert ref.status == "withdrawn"
    async with w.db.session() as s:
        found = await s.execute(select(AuditEntry).where(AuditEntry.entity == "request"))
        actions = [e.action for e in found.scalars()]
    assert actions.count("referral.withdrawn") == 1


async def test_in_english_a_cancelled_request_is_withdrawn_and_a_missed_deadline_reaches_the_leader_once(world):
    w = world
    await settle(w)
    ann = await w.bot.user(5002, "Ann", lang="en")
    w.admin.lang = w.leader.lang = "en"
    await w.sb.add_user(w.admin.id, w.admin.name, language_code="en")
    await w.sb.add_user(w.leader.id, w.leader.name, language_code="en")
    for u in (ann, w.admin, w.leader):
        await u.send("/start")
        await u.reply()
    await w.admin.send("/adddepartment Housing 5002")
    await w.admin.reply(contains="Housing")
    admin = Actor(w.admin.id, w.admin.name, language="en")
    [dep] = await referrals.departments(w.bot.core, admin)

    late = await _request(w, w.resident_en, "Alice", "The lift is broken")
    await referrals.forward(w.bot.core, admin, late.id, dep.id, address=False, phone=False, days=1)
    ann_card = await ann.reply(contains="forwards a request to Housing")
    async with w.db.session() as s:  # its deadline passes
        await s.execute(update(Referral).values(due_at=w.bot.core.clock.now() - timedelta(minutes=1)))
    assert await referrals.escalate_overdue_referrals(w.bot.core) == 2  # the admin and the grid's leader
    assert await referrals.escalate_overdue_referrals(w.bot.core) == 0  # once
    overdue = text_of(await w.leader.reply(contains="deadline"))
    assert "Housing has not answered" in overdue and late.code in overdue

    # the resident cancels it in chat: Housing is told, in English, that no answer is needed
    await w.resident_en.send("/my")
    mine = await w.resident_en.reply(contains=late.code)
    await w.resident_en.press(late.code, message=mine)
    shown = await w.resident_en.reply(edited=True, contains="The lift")
    await w.resident_en.press("Cancel", message=shown)
    await w.resident_en.press("Yes", message=await w.resident_en.reply(edited=True))
    await w.resident_en.reply(edited=True, contains="cancelled")
    gone = text_of(await ann.reply(contains="settled"))
    assert late.code in gone and "No answer is needed" in gone and "Alice" not in gone
    card_now = await card_as_it_reads(w, ann, ann_card, "withdrawn")
    assert f"{late.code}, forwarded to Housing: withdrawn" in text_of(card_now) and not buttons_of(card_now)
    ref = await _ref(w)
    assert ref.status == "withdrawn"
    answer = await ann.press("x", data=f"wh:r:{ref.id}", force=True)
    assert answer["show_alert"] and "no answer is needed" in answer["text"]
