"""A paired unit claims a request through the sandbox (包联单位认领): its contact presses "claim for my
unit" on the group card, puts members on it in private; each member gets the task with the address,
the contact and the group never see it; the slot is the unit's, so nobody else can take it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Assignment, HelpRequest, UnitClaim, VolunteerProfile
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

from .test_tasks_flow import ADDRESS, new_request, started
from .test_units import unit_of


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def _unit_with_members(w, contact_lang: str = "zh-CN"):
    """陈志愿 (in the group) is the contact of 区税务局; 张志愿 and 王志愿 are its members."""
    await started(w)
    contact = w.volunteers[2]
    if contact_lang == "en":
        contact.lang = "en"
        await w.sb.add_user(contact.id, contact.name, language_code="en")
    await w.admin.send(f"/newunit 区税务局 {contact.id}")
    await w.admin.reply("已创建单位")
    unit = await unit_of(w.db, "区税务局")
    ids = [p.id for p in w.volunteer_people[:2]]
    async with w.db.session() as s:
        for prof in (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id.in_(ids)))).scalars():
            prof.unit_id = unit.id
    return contact, unit


async def test_a_units_contact_claims_a_card_and_sends_two_members(world):
    w = world
    contact, unit = await _unit_with_members(w)
    req, card = await new_request(w)
    # someone who is no unit's contact is told how to take it themselves
    answer = await w.volunteers[0].press("单位认领", chat=w.volunteer_group, message=card)
    assert answer["show_alert"] and "接单" in answer["text"]
    answer = await contact.press("单位认领", chat=w.volunteer_group, message=card)
    assert "区税务局" in answer["text"] and req.code in answer["text"]
    edited = await w.sb.wait_bot_message(w.volunteer_group, contains="🏢 区税务局", edited=True)
    assert not any("接单" in b["text"] for b in buttons_of(edited)) and ADDRESS not in text_of(edited)
    claimed = await contact.reply(contains="已认领")
    assert ADDRESS not in text_of(claimed) and "13900001111" not in text_of(claimed)
    assert [b["text"] for b in buttons_of(claimed)] == ["▫️ 张志愿", "▫️ 王志愿", "↩️ 单位退回"]
    # the contact sends 张志愿, then 王志愿
    await contact.press("张志愿", message=claimed)
    after = await contact.reply(contains="参加成员：张志愿", edited=True)
    details = await w.volunteers[0].reply(contains=ADDRESS)
    assert req.code in text_of(details) and "13900001111" in text_of(details)
    await w.resident.reply(contains="张志愿")
    await contact.press("王志愿", message=after)
    await contact.reply(contains="张志愿和王志愿", edited=True)
    await w.volunteers[1].reply(contains=ADDRESS)
    card_now = await w.sb.wait_bot_message(w.volunteer_group, contains="王志愿", edited=True)
    assert "🏢 区税务局" in text_of(card_now) and ADDRESS not in text_of(card_now)
    # pressing a member twice changes nothing
    answer = await contact.press("张志愿")
    assert "已在此任务中" in answer["text"]
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("filled", 1)
        claims = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == req.id))).scalars().all()
        on = (await s.execute(select(Assignment).where(Assignment.request_id == req.id))).scalars().all()
    assert [c.unit_id for c in claims] == [unit.id] and {a.unit_claim_id for a in on} == {claims[0].id}
    # a member's /tasks lists it as theirs
    await w.volunteers[1].send("/tasks")
    assert req.code in text_of(await w.volunteers[1].reply(contains=req.code))
    # the contact's /unit shows both on it, and the unit's claim with both names and a button to it
    await contact.send("/unit")
    listed = await contact.reply(contains="区税务局")
    roster = text_of(listed)
    assert roster.count(req.code) == 3 and ADDRESS not in roster and "张志愿和王志愿" in roster
    assert [b["text"] for b in buttons_of(listed)] == [f"🏢 {req.code}：派人、退回", "📋 上月报告", "📋 本月至今"]


async def test_in_english_the_contact_reads_the_claim_and_a_filled_card_refuses_a_second_unit(world):
    w = world
    contact, _ = await _unit_with_members(w, contact_lang="en")
    req, card = await new_request(w)
    answer = await contact.press("单位认领", chat=w.volunteer_group, message=card)
    assert "holds" in answer["text"] and req.code in answer["text"]
    claimed = await contact.reply(contains="holds")
    assert "Press the members who go" in text_of(claimed)
    # the unit pressing again: it is theirs already
    answer = await contact.press("单位认领", chat=w.volunteer_group, message=card, force=True)
    assert answer["text"].startswith(f"Your unit holds {req.code} already")
    # a volunteer pressing Accept on the old card: the slot is gone
    answer = await w.volunteers[0].press("接单", chat=w.volunteer_group, message=card, force=True)
    assert f"{req.code} 已经被别人接走了" in answer["text"]
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).slots_taken == 1


async def test_on_a_two_place_request_a_unit_and_a_volunteer_share_it_and_the_card_names_both(world):
    w = world
    contact, _ = await _unit_with_members(w)
    req, card = await new_request(w, resident=w.leader, slots=2)
    answer = await contact.press("单位认领", chat=w.volunteer_group, message=card)
    assert "区税务局" in answer["text"]
    await w.sb.wait_bot_message(w.volunteer_group, contains="🏢 区税务局", edited=True)
    answer = await w.volunteers[1].press("接单", chat=w.volunteer_group, message=card, force=True)
    assert req.code in answer["text"]
    full = await w.sb.wait_bot_message(w.volunteer_group, contains="王志愿", edited=True)
    assert "🏢 区税务局" in text_of(full) and not any("接单" in b["text"] for b in buttons_of(full))
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        assert (r.status, r.slots_taken) == ("filled", 2)
