"""A message the bot edits later keeps the language of the chat that holds it: a group's in the
community's (here Chinese), a person's in theirs. Each kind of later edit, with an English reader in a
Chinese-default community."""

from __future__ import annotations

import pytest

from tests.support import factories as f
from tests.support.harness import TgUser, text_of
from tests.support.waiting import settle
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
