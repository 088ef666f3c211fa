"""Any command typed inside a guided conversation leaves it: one line says what was dropped (in the
reader's language), the draft is deleted, and then the command runs as usual. /cancel stays the
conversation's own way out; a command in another chat leaves the conversation alone."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.gate.conversations import conversation_handlers
from bot.views.leaving import NOTES
from handlers.leaving import DRAFTS
from storage.models import ConversationState, UserData
from tests.support.harness import TgUser, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    await settle(world)  # the set-up updates (groups the bot was added to) are done
    return world


async def drafts_of(db, user: TgUser) -> dict:
    async with db.session() as s:
        row = await s.get(UserData, user.id)
    return json.loads(row.data) if row is not None else {}


async def states_of(db, user: TgUser) -> list[tuple[str, str | None]]:
    async with db.session() as s:
        rows = (await s.execute(select(ConversationState))).scalars().all()
    return [(r.name, r.state) for r in rows if json.loads(r.key)[-1] == user.id]


async def in_request(u: TgUser) -> None:
    """Half-way through /request: a category chosen, the summary asked."""
    await u.send("/request")
    await u.reply(contains="1")
    await u.press("维修" if u.lang == "zh-CN" else "Repairs")
    await u.reply(contains="2")


async def in_signup(u: TgUser) -> None:
    """Half-way through /volunteer: the name given, the phone asked."""
    await u.send("/volunteer")
    await u.reply("姓名")
    await u.send("王秀英")
    await u.reply("手机号")


async def in_new_event(u: TgUser) -> None:
    """A leader creating an event: the title asked."""
    await u.send("/newevent")
    await u.reply("活动名称")


# (command, what its own answer contains) for a resident, a would-be volunteer and a leader
START, HELP = ("/start", "王"), ("/help", "/request")


@pytest.mark.parametrize("command,answer", [START, HELP, ("/volunteer", "姓名"), ("/points", "积分")])
async def test_a_command_inside_a_request_drops_it_and_then_runs(world, command, answer):
    w, u = world, world.resident
    await in_request(u)
    await settle(w)
    assert "request_draft" in await drafts_of(w.db, u)
    await u.send(command)
    note = await u.reply()
    assert text_of(note) == "您没填完的求助已作废，什么也没有发送。"
    await u.reply(answer)  # then the command runs
    await settle(w)
    assert "request_draft" not in await drafts_of(w.db, u)
    if command != "/volunteer":  # the sign-up is the one conversation that went on
        assert await states_of(w.db, u) == []
        await u.send("水管漏了")  # no longer taken as the request's summary
        assert "第 3 步" not in text_of(await u.reply())


@pytest.mark.parametrize("command,answer", [START, HELP, ("/request", "第 1 步")])
async def test_a_command_inside_the_volunteer_sign_up_drops_it_and_then_runs(world, command, answer):
    w, u = world, world.resident
    await in_signup(u)
    await u.send(command)
    assert text_of(await u.reply()) == "您没填完的志愿者报名已作废。"
    await u.reply(answer)  # then the command runs
    await settle(w)
    assert "signup" not in await drafts_of(w.db, u)
    await u.share_contact("13912345678")  # no longer the sign-up's phone step
    assert "哪个社区" not in text_of(await u.reply())


@pytest.mark.parametrize("command,answer", [("/start", "李网格长"), HELP, ("/board", "第一网格")])
async def test_a_command_inside_a_leaders_new_event_drops_it_and_then_runs(world, command, answer):
    w, u = world, world.leader
    await in_new_event(u)
    await u.send(command)
    assert text_of(await u.reply()) == "正在创建的活动没有发布。"
    await u.reply(answer)  # then the command runs
    await settle(w)
    assert await states_of(w.db, u) == [] and "newevent" not in await drafts_of(w.db, u)
    await u.send("老人免费理发")  # not taken as the event's title
    assert "什么时候开始" not in text_of(await u.reply())


async def test_in_english_the_note_is_english(world):
    u = world.resident_en
    await in_request(u)
    await u.send("/help")
    assert text_of(await u.reply()) == "Your unfinished request was dropped; nothing was sent."
    assert "/request" in text_of(await u.reply())


async def test_a_command_that_restarts_the_same_conversation_says_the_old_one_was_dropped(world):
    u = world.resident
    await in_request(u)
    await u.send("/request")
    assert "作废" in text_of(await u.reply())
    assert "第 1 步" in text_of(await u.reply())


async def test_cancel_is_still_the_conversations_own_way_out(world):
    u = world.resident
    await in_signup(u)
    await u.send("/cancel")
    reply = text_of(await u.reply())
    assert "作废" not in reply and "退出" in reply


async def test_a_command_in_a_group_leaves_the_private_conversation_alone(world):
    w, u = world, world.resident
    await in_request(u)
    await u.send("/start", chat=w.resident_group)
    await u.reply(chat=w.resident_group)
    await u.send("水管漏了")
    assert "第 3 步" in text_of(await u.reply())


async def test_every_conversation_has_its_drafts_and_its_note_and_is_keyed_by_chat_and_person(bot):
    names = set()
    for conv in conversation_handlers(bot.app):
        names.add(conv.name)
        assert conv.per_chat and conv.per_user and not conv.per_message, conv.name  # bot/gate/expiry.py
    assert names == set(DRAFTS) == set(NOTES)


@pytest.mark.parametrize(
    "who,entry,asked,note",
    [
        ("leader", "/addhousehold", "请发送地址", "正在添加的住户没有保存。"),
        ("admin", "/newgrid", "哪个社区", "正在进行的设置没有保存。"),
        ("admin", "/emergency", "应急状态", "正在准备的应急动员没有发起。"),
    ],
)
async def test_help_inside_the_other_leaders_conversations_drops_them_and_then_runs(world, who, entry, asked, note):
    w, u = world, getattr(world, who)
    await u.send(entry)
    await u.reply(asked)
    await u.send("/help")
    await u.reply(note)
    await u.reply("/cancel")  # the help, as usual
    await settle(w)
    assert await states_of(w.db, u) == []
