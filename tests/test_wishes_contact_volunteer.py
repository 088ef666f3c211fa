"""微心愿墙 read by a unit's contact who is also a volunteer (a party secretary often is both): each wish
of their grid has their own Take and the unit's claim, a wish of another grid the unit's claim only;
a claim for the unit from there is the unit's. In Chinese and in English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import UnitClaim
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

from .test_units import unit_of
from .test_wishes import a_wall


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def _contact(w, lang: str = "zh-CN"):
    """陈志愿, a volunteer of grid A, is the contact of 区税务局 (paired with the community)."""
    for u in (w.resident, *w.volunteers):
        await u.send("/start")
        await u.reply()
    contact = w.volunteers[2]
    if lang == "en":
        contact.lang = "en"
        await w.sb.add_user(contact.id, contact.name, language_code="en")
    await w.admin.send(f"/newunit 区税务局 {contact.id}")
    await w.admin.reply("已创建单位")
    return contact, await unit_of(w.db, "区税务局")


async def test_a_contact_who_volunteers_may_take_a_wish_or_claim_it_for_the_unit(world):
    w = world
    wishes, other, _ = await a_wall(w, count=1)
    contact, unit = await _contact(w)
    await contact.send("/wishes")
    wall = await contact.reply(contains="微心愿墙")
    assert "您代表 区税务局" in text_of(wall) and "为单位认领心愿后" in text_of(wall)
    assert [b["text"] for b in buttons_of(wall) if b["text"][0] in "🎁🏢"] == [
        f"🎁 认领 1 · {wishes[0].code}",
        f"🏢 单位认领 1 · {wishes[0].code}",
    ]
    # every grid: another grid's wish, for the unit only
    await contact.press("全部网格", message=wall)
    every = await contact.reply(contains=other.code, edited=True)
    labels = [b["text"] for b in buttons_of(every)]
    assert f"🏢 单位认领 2 · {other.code}" in labels and not any(other.code in b and "🎁" in b for b in labels)
    await contact.press(f"单位认领 2 · {other.code}", message=every)
    await contact.reply(contains="已认领")
    async with w.db.session() as s:
        held = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == other.id))).scalars().all()
    assert [c.unit_id for c in held] == [unit.id]


async def test_in_english_the_contact_who_volunteers_sees_both_buttons(world):
    w = world
    wishes, _, _ = await a_wall(w, count=1)
    contact, _ = await _contact(w, "en")
    await contact.send("/wishes")
    wall = await contact.reply(contains="Wish wall")
    assert "For your unit, 区税务局" in text_of(wall) and "the resident hears your name" in text_of(wall)
    assert [b["text"] for b in buttons_of(wall) if b["text"][0] in "🎁🏢"] == [
        f"🎁 Take 1 · {wishes[0].code}",
        f"🏢 Claim 1 for my unit · {wishes[0].code}",
    ]
