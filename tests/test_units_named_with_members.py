"""A unit's members on its claim, as people read it through the sandbox (包联单位认领): the card names the
unit with its members ("🏢 区税务局（张志愿）", not "张志愿和🏢 区税务局"); the member hears that their unit sent
them (not the grid leader); the resident, when a member gives their part back, hears that the unit still
holds the request and sends someone else (not that it waits on the board). In Chinese and in English."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.services.kernel.roles import Actor
from bot.services.requests import CardFacts, assign_member, claim_for_unit, claim_task, confirm_outcome, report_done
from bot.views.requests.cards import card_text
from storage.enums import Outcome
from storage.models import HelpRequest, OutboxMessage, Person, VolunteerProfile
from tests.support.harness import text_of
from tests.support.waiting import settle

from .test_tasks_flow import ADDRESS, new_request
from .test_unit_claims import _request as unit_request
from .test_unit_claims import setup  # noqa: F401 (the fixture)
from .test_units_claiming import _unit_with_members


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def test_the_card_names_the_unit_with_its_members_and_the_member_and_resident_hear_of_the_unit(world):
    w = world
    contact, _ = await _unit_with_members(w)
    req, card = await new_request(w)
    await contact.press("单位认领", chat=w.volunteer_group, message=card)
    claimed = await contact.reply(contains="已认领")
    await contact.press("张志愿", message=claimed)
    details = await w.volunteers[0].reply(contains=ADDRESS)
    assert "您的单位 区税务局 派您参加" in text_of(details) and "网格长" not in text_of(details)
    named = await w.sb.wait_bot_message(w.volunteer_group, contains="（张志愿）", edited=True)
    assert "✋ 已接单：🏢 区税务局（张志愿）" in text_of(named) and "张志愿和" not in text_of(named)
    # a volunteer on their own and a second member: each where they belong
    await contact.press("王志愿", message=await contact.reply(contains="参加成员：张志愿", edited=True))
    await w.sb.wait_bot_message(w.volunteer_group, contains="🏢 区税务局（张志愿和王志愿）", edited=True)
    # 张志愿 gives his part back: the resident hears the unit still holds it, not that it waits for anyone
    await w.volunteers[0].press("退回", message=details)
    asked = text_of(await w.volunteers[0].reply(contains="请写一句原因"))
    assert "会告诉本单位联系人" in asked and "网格长" not in asked
    await w.volunteers[0].send("临时加班")
    told = text_of(await w.resident.reply(contains="临时去不了"))
    assert "仍由 区税务局 认领" in told and "等待其他志愿者" not in told
    await w.sb.wait_bot_message(w.volunteer_group, contains="🏢 区税务局（王志愿）", edited=True)
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "filled"
    # 王志愿 reports it done, the resident confirms: the card still names the unit with him
    wang = w.volunteers[1]
    await report_done(w.bot.core, Actor(wang.id, wang.name, language="zh-hans"), req.id, 1, None)
    done = await w.sb.wait_bot_message(w.volunteer_group, contains="志愿者已完成", edited=True)
    assert "✋ 已接单：🏢 区税务局（王志愿）" in text_of(done)
    resident = Actor(w.resident.id, w.resident.name, language="zh-hans")
    await confirm_outcome(w.bot.core, resident, req.id, Outcome.done)
    completed = await w.sb.wait_bot_message(w.volunteer_group, contains="📌 已完成", edited=True)
    assert "🏢 区税务局（王志愿）" in text_of(completed)


async def test_in_english_the_member_and_the_resident_hear_of_the_unit(world):
    w = world
    contact, _ = await _unit_with_members(w)
    member = w.volunteers[0]
    member.lang = "en"
    await w.sb.add_user(member.id, member.name, language_code="en")
    await member.send("/start")
    await member.reply()
    req, card = await new_request(w, resident=w.resident_en)
    await contact.press("单位认领", chat=w.volunteer_group, message=card)
    await contact.press("张志愿", message=await contact.reply(contains="已认领"))
    details = await member.reply(contains=ADDRESS)
    assert "Your unit, 区税务局, sends you on" in text_of(details) and "grid leader" not in text_of(details)
    await member.press("Give back", message=details)
    asked = text_of(await member.reply(contains=req.code))
    assert "your unit's contact will see it" in asked and "grid leader" not in asked
    await member.send("overtime at work")
    told = text_of(await w.resident_en.reply(contains="cannot make it"))
    assert f"Their unit, 区税务局, still holds your request {req.code}" in told and "board" not in told
    # nobody of the unit is on it now; its contact gives it back: the resident hears it waits on the board
    left = await contact.reply(contains="自己的部分")
    await contact.press("单位退回", message=left)
    await contact.reply(contains="请写一句原因")
    await contact.send("单位临时有会")
    back = text_of(await w.resident_en.reply(contains="back on the board"))
    assert "区税务局" in back and req.code in back


def test_in_english_the_card_names_the_unit_with_its_members_in_brackets():
    card = CardFacts(1, "A-1", "repairs", "x", "today", None, "filled", 3, 3, 2026)
    text = card_text("en", card, ("Tom",), units=(("Tax <Office>", ("Ann", "Bo")), ("Post", ())))
    assert "✋ Taken by: Tom, 🏢 Tax &lt;Office&gt; (Ann and Bo) and 🏢 Post" in text


async def test_a_volunteer_accepting_the_other_place_keeps_the_unit_and_its_member_on_the_card(world):
    w = world
    contact, _ = await _unit_with_members(w)
    req, card = await new_request(w, resident=w.leader, slots=2)
    await contact.press("单位认领", chat=w.volunteer_group, message=card)
    await contact.press("张志愿", message=await contact.reply(contains="已认领"))
    await w.sb.wait_bot_message(w.volunteer_group, contains="🏢 区税务局（张志愿）", edited=True)
    # the contact, a volunteer too, takes the other place on their own
    answer = await contact.press("接单", chat=w.volunteer_group, message=card, force=True)
    assert req.code in answer["text"]
    full = await w.sb.wait_bot_message(w.volunteer_group, contains="陈志愿", edited=True)
    assert "✋ 已接单：陈志愿和🏢 区税务局（张志愿）" in text_of(full)


async def test_on_both_databases_an_accept_beside_a_units_member_keeps_the_unit_on_the_card(setup):  # noqa: F811
    """The Accept's card edit on SQLite and PostgreSQL (their take statements differ)."""
    core, _, vols, contacts, units = setup
    async with core.db.session() as s:  # volunteer 0 is a member of unit 0
        pid = (await s.execute(select(Person.id).where(Person.tg_user_id == 5000))).scalar_one()
        prof = (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == pid))).scalar_one()
        prof.unit_id = units[0]
    req = await unit_request(core, slots=2)
    claim = await claim_for_unit(core, contacts[0], req.id)
    await assign_member(core, contacts[0], claim.claim_id, claim.members[0].person_id)
    await claim_task(core, vols[5], req.id)
    async with core.db.session() as s:
        edits = (
            await s.execute(
                select(OutboxMessage.payload)
                .where(OutboxMessage.card_ref == f"request:{req.id}", OutboxMessage.kind == "edit")
                .order_by(OutboxMessage.id)
            )
        ).scalars()
        last = json.loads(list(edits)[-1])["text"]
    assert "志愿者5和🏢 单位0（志愿者0）" in last, last
