"""Residents say which community and grid they live in (/grid, the 📍 My grid button)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.people import residents
from storage.models import AuditEntry, Person
from tests.support import factories as f
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle


@pytest.fixture
async def world(world):
    """The shared world, once the bot has handled its set-up updates (the groups it was added to).
    Those updates come "from" people of the world; letting them finish first keeps each test about
    its own steps."""
    await settle(world)
    return world


async def grid_id_of(db, tg: int) -> int | None:
    async with db.session() as s:
        return (await s.execute(select(Person.grid_id).where(Person.tg_user_id == tg))).scalars().one()


async def test_newcomer_chooses_their_grid_from_the_start_menu(world):
    w = world
    u = await w.bot.user(8001, "新居民")
    await u.send("/start")
    welcome = await u.reply()
    assert "我的网格" in text_of(welcome)  # the hint for people without a grid
    assert await residents.grid_of(w.bot.core, Actor(8001)) is None
    await u.press("我的网格", message=welcome)
    choose = await u.reply("哪个网格")  # one community: straight to its grids
    assert {b["text"] for b in buttons_of(choose)} == {"第一网格", "第二网格"}
    await u.press("第二网格", message=choose)
    saved = await u.reply("已保存", edited=True)
    assert "幸福里社区 · 第二网格" in text_of(saved)
    assert await grid_id_of(w.db, 8001) == w.grid_b.id
    assert (await residents.grid_of(w.bot.core, Actor(8001))).name == "第二网格"


async def test_resident_changes_grid_with_two_communities_and_back_button(world):
    w = world
    other = await f.community(w.db, "阳光社区")
    sunny = await f.grid(w.db, other.id, "阳光一格")
    await w.resident.send("/grid")
    msg = await w.resident.reply("请选择您的社区")
    assert "幸福里社区 · 第一网格" in text_of(msg)  # where they live now
    await w.resident.press("阳光社区", message=msg)
    msg = await w.resident.reply("阳光社区", edited=True)
    await w.resident.press("其他社区", message=msg)
    msg = await w.resident.reply("请选择您的社区", edited=True)
    await w.resident.press("阳光社区", message=msg)
    msg = await w.resident.reply("阳光社区", edited=True)
    await w.resident.press("阳光一格", message=msg)
    await w.resident.reply("已保存", edited=True)
    assert await grid_id_of(w.db, 3001) == sunny.id
    async with w.db.session() as s:
        audit = (await s.execute(select(AuditEntry).where(AuditEntry.action == "resident.grid"))).scalars().one()
    assert str(sunny.id) in audit.detail


async def test_english_and_forged_or_unknown_grids(world):
    w = world
    await w.resident_en.send("/grid")
    msg = await w.resident_en.reply("Choose your grid")
    answer = await w.resident_en.press("x", message=msg, data="res:g:999999", force=True)
    assert answer["show_alert"] and "no longer exists" in answer["text"]
    answer = await w.resident_en.press("x", message=msg, data="res:c:999999", force=True)
    assert answer["show_alert"]
    assert await grid_id_of(w.db, 3002) == w.grid_a.id


async def test_grid_in_a_group_points_to_the_private_chat(world):
    w = world
    await w.resident.send("/grid", chat=w.resident_group)
    msg = await w.resident.reply(chat=w.resident_group)
    assert any(b.get("url") for b in buttons_of(msg))


async def test_no_communities_yet_is_explained(bot):
    u = await bot.user(8101, "早到者")
    await u.send("/grid")
    assert "还没有设置社区" in text_of(await u.reply())
    await u.send("/volunteer")
    assert "还没有设置社区" in text_of(await u.reply())
