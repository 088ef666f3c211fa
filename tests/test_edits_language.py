"""A message the bot edits later keeps the language of the chat that holds it: a group's in the
community's (here Chinese), a person's in theirs. Each kind of later edit, with an English reader in a
Chinese-default community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.services.kernel.roles import Actor
from bot.services.requests.claiming import claim_task
from bot.services.requests.escalation import escalate_overdue
from bot.services.requests.intake import RequestDraft, create_request
from bot.services.requests.tasks import report_done
from storage.models import HelpRequest
from tests.support import factories as f
from tests.support.harness import TgUser, start_emergency, text_of
from tests.support.waiting import settle
from tests.test_events import _new_event
from tests.test_tasks_flow import accept
from tests.test_volunteers_signup import press_and_see, sign_up_zh, started

LEE = 1005  # an English-speaking leader of grid A, besides the world's Chinese one


@pytest.fixture
async def world(world):
    await settle(world)
    p = await f.person(world.db, LEE, "Lee", grid_id=world.grid_a.id, language="en")
    await f.leader(world.db, p.id, world.grid_a.id)
    world.lee = await world.bot.user(LEE, "Lee", lang="en")
    await started(world, world.lee)
    await started(world, world.leader)
    return world


async def edited_in(w, user: TgUser, message: dict, since: int, contains: str = "") -> dict:
    """The next edit of `message` in the user's private chat after `since` (that has `contains`)."""
    ev = await w.sb.wait_for(
        lambda e: (
            e["type"] == "message_edited"
            and e["message"]["message_id"] == message["message_id"]
            and contains in text_of(e["message"])
        ),
        since=since,
        chat_id=user.id,
    )
    return ev["message"]


async def applied(w) -> tuple[TgUser, dict, dict]:
    """A Chinese newcomer applies; both leaders get the card, each in their own language."""
    u = await w.bot.user(4001, "刘新人")
    await sign_up_zh(u)
    await press_and_see(u, "提交", "已提交")
    theirs = await w.sb.wait_bot_message(w.leader.id, contains="新的志愿者报名", since=0)
    mine = await w.sb.wait_bot_message(LEE, contains="New volunteer application", since=0)
    return u, theirs, mine


async def test_an_approval_by_another_leader_edits_the_english_leaders_card_in_english(world):
    w = world
    _, theirs, mine = await applied(w)
    since = await w.sb.last_seq()
    await w.leader.press("✅ 通过", message=theirs)
    card = await edited_in(w, w.lee, mine, since)
    assert "Approved by 李网格长" in text_of(card), text_of(card)
    assert "审核" not in text_of(card) and "姓名" not in text_of(card)
    # the approving leader's own copy stays Chinese
    await edited_in(w, w.leader, theirs, since, contains="已由 李网格长 审核通过")


async def test_an_application_withdrawn_edits_the_english_leaders_card_in_english(world):
    w = world
    u, theirs, mine = await applied(w)
    since = await w.sb.last_seq()
    await u.send("/profile")
    await u.reply("我的志愿者资料")
    await u.press("退出志愿者队伍")
    await u.reply("确定退出", edited=True)
    await u.press("确定退出")
    assert text_of(await edited_in(w, w.lee, mine, since)) == "刘新人 withdrew the application."
    assert text_of(await edited_in(w, w.leader, theirs, since)) == "刘新人 已撤回报名。"


RESIDENT = Actor(3001, "王奶奶", language="zh-hans")
VOL = Actor(2001, "张志愿", language="zh-hans")


async def escalated(w) -> tuple[HelpRequest, dict, dict]:
    """A request nobody took for an hour: the group's card (Chinese) and each leader's copy (Lee's in English)."""
    core = w.bot.core
    for u in (w.resident, *w.volunteers):
        await started(w, u)
    req = await create_request(core, RESIDENT, RequestDraft("repairs", "修水管", "today", None, "3 栋 401"))
    card = await w.sb.wait_bot_message(w.volunteer_group, contains=req.code, since=0)
    async with w.db.session() as s:
        await s.execute(
            update(HelpRequest)
            .where(HelpRequest.id == req.id)
            .values(created_at=datetime.now(UTC) - timedelta(minutes=61))
        )
    assert await escalate_overdue(core) == 1
    mine = await w.sb.wait_bot_message(LEE, contains=req.code, since=0)
    assert "has not been taken for 60 minutes" in text_of(mine)
    return req, card, mine


async def group_edit(w, card: dict, since: int, contains: str) -> str:
    ev = await w.sb.wait_for(
        lambda e: (
            e["type"] == "message_edited"
            and e["message"]["message_id"] == card["message_id"]
            and contains in text_of(e["message"])
        ),
        since=since,
        chat_id=w.volunteer_group,
    )
    return text_of(ev["message"])


async def test_a_claim_a_done_report_and_a_reopen_edit_the_english_leaders_copy_in_english(world):
    w = world
    req, card, mine = await escalated(w)
    since = await w.sb.last_seq()
    await accept(w.volunteers[0], w, req.code)
    assert "Taken by: 张志愿" in text_of(await edited_in(w, w.lee, mine, since, contains="张志愿"))
    assert "已接单：张志愿" in await group_edit(w, card, since, "张志愿")  # the group reads the community's
    since = await w.sb.last_seq()
    await report_done(w.bot.core, VOL, req.id, "1", "换好了")
    await edited_in(w, w.lee, mine, since, contains="done, waiting for confirmation")
    since = await w.sb.last_seq()
    await w.resident.press("没办好", message=await w.resident.reply(contains="办好了吗"))
    reopened = await edited_in(w, w.lee, mine, since, contains="📌 taken")
    assert "待" not in text_of(reopened) and "已" not in text_of(reopened)


async def test_a_cancelled_request_edits_the_english_leaders_copy_in_english(world):
    w = world
    req, card, mine = await escalated(w)
    since = await w.sb.last_seq()
    await claim_task(w.bot.core, VOL, req.id)
    await w.resident.reply(contains="接下了")
    await w.resident.send("/my")
    await w.resident.press(req.code, message=await w.resident.reply(contains="我的求助"))
    await w.resident.press("取消这条求助", message=await w.resident.reply(edited=True))
    await w.resident.press("是的，取消", message=await w.resident.reply(contains="确定要取消", edited=True))
    assert "📌 cancelled" in text_of(await edited_in(w, w.lee, mine, since, contains="cancelled"))
    assert "已取消" in await group_edit(w, card, since, "已取消")


async def english_volunteer(w) -> TgUser:
    """Tom: an English shock-team volunteer of grid A, in its volunteer group."""
    tom = await w.bot.user(2201, "Tom", lang="en")
    p = await f.person(w.db, 2201, "Tom", grid_id=w.grid_a.id, language="en")
    await f.volunteer(w.db, p.id, w.grid_a.id, shock_team=True)
    await w.sb.member(w.volunteer_group, tom.id)
    await started(w, tom)
    return tom


async def test_an_english_volunteers_sign_up_edits_the_event_card_in_the_groups_language(world):
    w = world
    tom = await english_volunteer(w)
    await _new_event(w.leader, world=w)
    card = await w.sb.wait_bot_message(w.volunteer_group, contains="老人免费理发", since=0)
    since = await w.sb.last_seq()
    answer = await tom.press("报名", chat=w.volunteer_group, message=card)
    assert "1/2" in answer["text"] and "signed up" in answer["text"].lower()  # the answer is Tom's own
    edited = await group_edit(w, card, since, "1/2")
    assert "社区活动室" in edited and "signed" not in edited.lower()


async def test_the_end_of_an_emergency_edits_an_english_volunteers_call_up_in_english(world):
    w = world
    tom = await english_volunteer(w)
    await started(w, w.admin)
    await start_emergency(w.admin, reason="台风", target="1")
    callup = await tom.reply(contains="Emergency call-up")
    since = await w.sb.last_seq()
    await w.admin.send("/emergency end")
    await w.admin.reply(contains="应急状态已解除")
    ended = text_of(await edited_in(w, tom, callup, since))
    assert ended.startswith("✅ The emergency in 第一网格 is over (台风)."), ended
