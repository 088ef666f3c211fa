"""/my: the resident follows and cancels their own requests; nobody else can."""

from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.requests.claiming import claim_task
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import Assignment, AuditEntry, HelpRequest
from tests.support.harness import buttons_of, text_of

RESIDENT = Actor(3001, "王奶奶", language="zh-hans")


async def test_resident_cancels_their_own_request_and_everyone_sees_it(world):
    w = world
    for u in (w.resident, w.volunteers[0]):
        await u.send("/start")
        await u.reply()
    req = await create_request(w.bot.core, RESIDENT, RequestDraft("errands", "帮忙取快递", "today", None, "3 栋 401"))
    card = await w.sb.wait_bot_message(w.volunteer_group, contains=req.code)
    await claim_task(w.bot.core, Actor(2001, "张志愿"), req.id)
    await w.resident.reply(contains="接下了")
    await w.resident.send("/my")
    listing = await w.resident.reply(contains="我的求助")
    assert "帮忙取快递" in text_of(listing) and "已有人接单" in text_of(listing)
    await w.resident.press(req.code, message=listing)
    detail = await w.resident.reply(edited=True)
    assert "张志愿" in text_of(detail) and any("给 张志愿 留言" in b["text"] for b in buttons_of(detail))
    await w.resident.press("取消这条求助", message=detail)
    sure = await w.resident.reply(contains="确定要取消", edited=True)
    await w.resident.press("是的，取消", message=sure)
    await w.resident.reply(contains="已取消", edited=True)
    await w.volunteers[0].reply(contains="取消了求助")
    edited = await w.sb.wait_bot_message(w.volunteer_group, contains="已取消", edited=True)
    assert not buttons_of(edited)
    late = await w.volunteers[1].press("接单", chat=w.volunteer_group, message=card, force=True)
    assert "已被取消" in late["text"]
    again = await w.resident.press("是的，取消", message=sure, force=True)
    assert again["show_alert"] and "未做任何更改" in again["text"]
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("cancelled", 1)
        assert (await s.execute(select(Assignment.status))).scalars().one() == "removed"
        assert (
            (await s.execute(select(AuditEntry).where(AuditEntry.action == "request.cancel"))).scalars().one().actor_id
        )


async def test_another_resident_cannot_see_cancel_or_rate_someone_elses_request(world):
    w = world
    req = await create_request(w.bot.core, RESIDENT, RequestDraft("errands", "帮忙取快递", "today", None, "3 栋 401"))
    alice = w.resident_en
    await alice.send("/my")
    msg = await alice.reply()
    assert "no requests" in text_of(msg)
    for data in (
        f"my:show:{req.id}",
        f"my:cancel:{req.id}",
        f"my:cancel_yes:{req.id}",
        f"rate:out:{req.id}:done",
        f"rate:stars:{req.id}:5",
        "my:show:0",
        "my:show:1' OR 1=1",
        "rate:out:x:y",
    ):
        answer = await alice.press("x", data=data, message=msg, force=True)
        assert answer["show_alert"] and answer["text"], data
    answer = await alice.press("x", data=f"my:cancel_yes:{req.id}", message=msg, force=True)
    assert "not your request" in answer["text"]
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "open"
