"""Binding group chats to grids (/bind, /unbind) and what unbound groups hear, through the sandbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.roles import Actor
from bot.services.places import groups
from storage.enums import ChatKind
from storage.models import AuditEntry, ChatBinding
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle, wait_for


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


NEW_GROUP = -5001


async def binding(db, chat_id: int) -> ChatBinding | None:
    async with db.session() as s:
        return (await s.execute(select(ChatBinding).where(ChatBinding.chat_id == chat_id))).scalars().first()


async def test_leader_binds_a_new_group_as_volunteer_group_with_an_invite_link(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "第一网格新志愿者群", [1001, 2001], bot_admin=True)
    await w.leader.send("/bind", chat=NEW_GROUP)
    await w.leader.reply("用途", chat=NEW_GROUP)
    await w.leader.press("志愿者群", chat=NEW_GROUP)
    done = await w.leader.reply("已绑定", chat=NEW_GROUP, edited=True)
    assert "第一网格" in text_of(done) and "原来的群“group”已解除绑定" in text_of(done)  # the old one, replaced
    b = await binding(w.db, NEW_GROUP)
    assert b is not None and b.grid_id == w.grid_a.id and b.kind == ChatKind.volunteers.value
    assert b.invite_link and b.invite_link.startswith("https://t.me/+")  # exported: the bot is an admin
    assert await binding(w.db, w.volunteer_group) is None  # a grid has one volunteer group
    async with w.db.session() as s:
        actions = [a.action for a in (await s.execute(select(AuditEntry))).scalars()]
    assert actions.count("chat.bind") == 1 and actions.count("chat.unbind") == 1


async def test_non_leaders_cannot_bind_even_with_forged_buttons(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "随便一个群", [1001, 2001, 3001])
    await w.volunteers[0].send("/bind", chat=NEW_GROUP)
    refusal = await w.volunteers[0].reply(chat=NEW_GROUP)
    assert "只有网格长或社区管理员" in text_of(refusal) and not buttons_of(refusal)
    await w.leader.send("/bind", chat=NEW_GROUP)
    msg = await w.leader.reply("用途", chat=NEW_GROUP)
    answer = await w.resident.press("志愿者群", chat=NEW_GROUP, message=msg)  # the resident presses the leader's button
    assert answer["show_alert"] and "网格长" in answer["text"]
    answer = await w.resident.press("x", chat=NEW_GROUP, message=msg, data=f"grp:b:{w.grid_a.id}:r", force=True)
    assert answer["show_alert"]
    assert await binding(w.db, NEW_GROUP) is None


async def test_leader_of_grid_a_cannot_bind_to_grid_b_or_take_grid_b_group(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "新群", [1001])
    await w.leader.send("/bind", chat=NEW_GROUP)
    msg = await w.leader.reply("用途", chat=NEW_GROUP)
    answer = await w.leader.press("x", chat=NEW_GROUP, message=msg, data=f"grp:b:{w.grid_b.id}:v", force=True)
    assert answer["show_alert"] and "第二网格" in answer["text"]
    assert await binding(w.db, NEW_GROUP) is None
    # grid B's volunteer group: leader A is a member there, but it is not theirs to move
    await w.sb.member(w.other_group, 1001)
    await w.leader.send("/bind", chat=w.other_group)
    msg = await w.leader.reply("用途", chat=w.other_group)
    assert "第二网格" in text_of(msg)  # shows what it is bound to now
    answer = await w.leader.press("居民群", chat=w.other_group, message=msg)
    assert answer["show_alert"] and "不归您负责" in answer["text"]
    b = await binding(w.db, w.other_group)
    assert b.grid_id == w.grid_b.id and b.kind == ChatKind.volunteers.value
    await w.leader.send("/unbind", chat=w.other_group)
    assert "不是第二网格的网格长" in text_of(await w.leader.reply(chat=w.other_group))
    assert await binding(w.db, w.other_group) is not None


async def test_admin_binds_residents_group_choosing_the_grid_and_unbinds_it(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "第二网格居民群", [9001, 1002])
    await w.admin.send("/bind", chat=NEW_GROUP)
    await w.admin.reply("用途", chat=NEW_GROUP)
    await w.admin.press("居民群", chat=NEW_GROUP)
    await w.admin.reply("哪个网格", chat=NEW_GROUP, edited=True)
    await w.admin.press("第二网格", chat=NEW_GROUP)
    done = await w.admin.reply("已绑定", chat=NEW_GROUP, edited=True)
    assert "居民群" in text_of(done) and "管理员" not in text_of(done)  # no invite-link tip for residents groups
    b = await binding(w.db, NEW_GROUP)
    assert b.grid_id == w.grid_b.id and b.kind == ChatKind.residents.value
    await w.admin.send("/bind", chat=NEW_GROUP)  # again: it says what it is now
    assert "当前已绑定" in text_of(await w.admin.reply(chat=NEW_GROUP))
    await w.leader_b.send("/unbind", chat=NEW_GROUP)  # grid B's leader may undo it
    assert "不再是" in text_of(await w.leader_b.reply(chat=NEW_GROUP))
    assert await binding(w.db, NEW_GROUP) is None
    await w.leader_b.send("/unbind", chat=NEW_GROUP)
    assert "没有绑定" in text_of(await w.leader_b.reply(chat=NEW_GROUP))


async def test_unbound_group_gets_a_short_explanation_once_in_a_while(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "闲聊群", [3001, 2001])
    await w.resident.send("/hello", chat=NEW_GROUP)
    await w.resident.reply("还没有绑定网格", chat=NEW_GROUP)
    await w.volunteers[0].send(f"@{(await w.sb.bot())['username']} 你好", chat=NEW_GROUP)
    await w.resident.send("/what", chat=NEW_GROUP)
    await w.resident.send("/what@redvest_sandbox_bot", chat=NEW_GROUP)
    # /grid in a group always answers (open a private chat); each person's messages are handled in order
    for person in (w.resident, w.volunteers[0]):
        await person.send("/grid", chat=NEW_GROUP)
        await person.reply("私聊", chat=NEW_GROUP)
    explained = [t for t in await w.resident.texts(chat=NEW_GROUP) if "还没有绑定网格" in t]
    assert len(explained) == 1
    # bound groups do not get it
    await w.resident.send("/whatever", chat=w.resident_group)
    await w.resident.send("/grid", chat=w.resident_group)
    await w.resident.reply("私聊", chat=w.resident_group)
    assert not [t for t in await w.resident.texts(chat=w.resident_group) if "还没有绑定网格" in t]


async def test_bind_in_private_chat_explains_where_to_send_it(world):
    w = world
    await w.leader.send("/bind")
    assert "群里" in text_of(await w.leader.reply())


async def test_a_group_the_bot_left_cannot_be_bound(world):
    w = world
    with pytest.raises(InvalidInput) as e:
        await groups.bind_chat(
            w.bot.core,
            Actor(1001, "李网格长"),
            chat_id=NEW_GROUP,
            title="x",
            grid_id=w.grid_a.id,
            kind=ChatKind.volunteers,
            bot_is_member=False,
        )
    assert e.value.key == "groups.bot_not_member"


async def test_making_the_bot_admin_later_stores_an_invite_link(world):
    w = world
    await w.sb.add_group(NEW_GROUP, "先普通后管理", [1001])
    await w.leader.send("/bind", chat=NEW_GROUP)
    await w.leader.reply("用途", chat=NEW_GROUP)
    await w.leader.press("志愿者群", chat=NEW_GROUP)
    done = await w.leader.reply("已绑定", chat=NEW_GROUP, edited=True)
    assert "设为本群管理员" in text_of(done)
    assert (await binding(w.db, NEW_GROUP)).invite_link is None
    await w.sb.add_group(NEW_GROUP, "先普通后管理", [1001], bot_admin=True)  # promoted: a my_chat_member update
    link = await wait_for(lambda: _invite_link(w.db, NEW_GROUP), what="the invite link stored")
    assert link.startswith("https://t.me/+")


async def _invite_link(db, chat_id: int) -> str | None:
    return (await binding(db, chat_id)).invite_link
