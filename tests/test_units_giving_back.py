"""A unit's claim given back, through the sandbox (包联单位退回): a member gives their part back and the
contact hears it with the claim's buttons; the contact gives the unit's task back with a reason (from
the claim's message or from /unit), exactly as a volunteer gives a task back (the resident and the
grid leader told, the card on the board again); the reminder of a claim nobody is on; a member held
to the open-task limit. In Chinese and in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.services.kernel.roles import Actor
from bot.services.requests import claim_task, remind_waiting_unit_claims
from storage.models import Assignment, HelpRequest, OutboxMessage, UnitClaim
from tests.support.harness import buttons_of, text_of
from tests.support.waiting import settle

from .test_tasks_flow import ADDRESS, new_request
from .test_units_claiming import _unit_with_members


@pytest.fixture
async def world(world):
    await settle(world)
    return world


async def _claim(w, contact, req, card, contains: str):
    await contact.press("单位认领", chat=w.volunteer_group, message=card)
    return await contact.reply(contains=contains)


async def _state(w, req_id):
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req_id)
        claim = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == req_id))).scalars().one()
        parts = (await s.execute(select(Assignment).where(Assignment.unit_claim_id == claim.id))).scalars().all()
        return (r.status, r.slots_taken), claim.status, sorted(a.status for a in parts)


async def test_a_member_gives_back_their_part_then_the_contact_gives_the_units_task_back(world):
    w = world
    contact, _ = await _unit_with_members(w)
    req, card = await new_request(w)
    claimed = await _claim(w, contact, req, card, "已认领")
    await contact.press("张志愿", message=claimed)
    details = await w.volunteers[0].reply(contains=ADDRESS)
    # 张志愿 gives his part back with the volunteer's own button and reason step
    await w.volunteers[0].press("退回", message=details)
    await w.volunteers[0].reply(contains="请写一句原因")
    await w.volunteers[0].send("临时加班")
    assert "仍由您的单位认领" in text_of(await w.volunteers[0].reply(contains=req.code))
    # the contact hears it in private, with the claim's buttons: nobody of the unit is on it now
    left = await contact.reply(contains="自己的部分")
    assert "临时加班" in text_of(left) and "本单位现在没有人" in text_of(left) and ADDRESS not in text_of(left)
    assert [b["text"] for b in buttons_of(left)] == ["▫️ 张志愿", "▫️ 王志愿", "↩️ 单位退回"]
    # the slot is still the unit's: the card names the unit, no Accept, not "given back"
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).status == "filled"
        keys = set((await s.execute(select(OutboxMessage.key))).scalars())
    assert not any(k.startswith("released:") and ":lead:" in k for k in keys)  # the leader is not told
    # the contact sends 王志愿 from that message, then gives the unit's task back with a reason
    await contact.press("王志愿", message=left)
    again = await contact.reply(contains="参加成员：王志愿", edited=True)
    await w.volunteers[1].reply(contains=ADDRESS)
    await contact.press("单位退回", message=again)
    await contact.reply(contains="请写一句原因")
    await contact.send("单位临时有会")
    assert "重新回到待接单" in text_of(await contact.reply(contains="已退回"))
    # as when a volunteer gives a task back: the leader with the reason, the resident, the card
    told = text_of(await w.leader.reply(contains=req.code))
    assert "🏢 区税务局" in told and "单位临时有会" in told
    assert "不用再去" in text_of(await w.volunteers[1].reply(contains=req.code))
    await w.resident.reply(contains="区税务局")
    back = await w.sb.wait_bot_message(w.volunteer_group, contains="志愿者已退回", edited=True)
    assert any("接单" in b["text"] for b in buttons_of(back)) and "区税务局" not in text_of(back)
    assert await _state(w, req.id) == (("open", 0), "released", ["released", "released"])
    # the old button changes nothing; a volunteer can take the task now
    answer = await contact.press("单位退回", message=again, force=True)
    assert "已结束" in answer["text"]
    answer = await w.volunteers[0].press("接单", chat=w.volunteer_group, message=back)
    assert req.code in answer["text"]
    async with w.db.session() as s:
        assert (await s.get(HelpRequest, req.id)).slots_taken == 1


async def test_in_english_the_contact_gives_the_units_task_back_from_unit(world):
    w = world
    contact, _ = await _unit_with_members(w, contact_lang="en")
    req, card = await new_request(w)
    await _claim(w, contact, req, card, "holds")
    await contact.send("/unit")
    roster = await contact.reply(contains="Tasks your unit holds")
    assert f"{req.code}" in text_of(roster) and "nobody on it yet" in text_of(roster)
    await contact.press(f"🏢 {req.code}", message=roster)
    shown = await contact.reply(contains="Press the members who go")
    assert [b["text"] for b in buttons_of(shown)][-1] == "↩️ Give back for the unit"
    await contact.press("Give back for the unit", message=shown)
    await contact.reply(contains="write a short reason")
    await contact.send("our team is away this week")
    done = text_of(await contact.reply(contains="gave back"))
    assert req.code in done and "on the board again" in done
    told = text_of(await w.leader.reply(contains=req.code))
    assert "🏢 区税务局" in told and "our team is away this week" in told
    await w.sb.wait_bot_message(w.volunteer_group, contains="志愿者已退回", edited=True)
    assert await _state(w, req.id) == (("open", 0), "released", [])
    # nobody was coming yet: the resident hears nothing of the unit
    async with w.db.session() as s:
        keys = set((await s.execute(select(OutboxMessage.key))).scalars())
    assert not any(k.startswith("unit-released:") and ":lead:" not in k for k in keys)
    # /unit no longer lists it; the claim's old button answers in English and changes nothing
    await contact.send("/unit")
    assert req.code not in text_of(await contact.reply(contains="区税务局"))
    answer = await contact.press("Give back for the unit", message=shown, force=True)
    assert "has ended" in answer["text"]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_a_claim_nobody_is_on_reminds_its_contact_once_with_the_member_buttons(world, lang):
    w = world
    contact, _ = await _unit_with_members(w, contact_lang=lang)
    req, card = await new_request(w)
    await _claim(w, contact, req, card, "区税务局")
    core = w.bot.core
    assert await remind_waiting_unit_claims(core) == 0  # too early
    async with w.db.session() as s:  # the claim was made five hours ago
        await s.execute(update(UnitClaim).values(created_at=core.clock.now() - timedelta(hours=5)))
    assert await remind_waiting_unit_claims(core) == 1
    reminder = await contact.reply(contains="⏰")
    hours = "4 小时" if lang == "zh-CN" else "4 hours"
    assert hours in text_of(reminder) and req.code in text_of(reminder) and ADDRESS not in text_of(reminder)
    assert [b["text"] for b in buttons_of(reminder)][:2] == ["▫️ 张志愿", "▫️ 王志愿"]
    assert await remind_waiting_unit_claims(core) == 0  # once only
    await contact.press("张志愿", message=reminder)
    await w.volunteers[0].reply(contains=ADDRESS)
    assert await _state(w, req.id) == (("filled", 1), "live", ["accepted"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_a_member_at_the_open_task_limit_is_refused_with_a_clear_answer(world, lang):
    w = world
    w.bot.core.cfg.requests.max_open_tasks_per_volunteer = 1
    contact, _ = await _unit_with_members(w, contact_lang=lang)
    other, _ = await new_request(w, summary="买药")
    await claim_task(w.bot.core, Actor(w.volunteers[0].id, "张志愿"), other.id)  # 张志愿 holds one already
    req, card = await new_request(w)
    claimed = await _claim(w, contact, req, card, "已认领" if lang == "zh-CN" else "holds")
    answer = await contact.press("张志愿", message=claimed)
    limit = "已达每人同时可接的上限" if lang == "zh-CN" else "already holds 1 unfinished task, the most anyone"
    assert answer["show_alert"] and "张志愿" in answer["text"] and limit in answer["text"]
    assert await _state(w, req.id) == (("filled", 1), "live", [])
    await contact.press("王志愿", message=claimed)  # 王志愿 holds nothing: he goes
    await w.volunteers[1].reply(contains=ADDRESS)
    assert await _state(w, req.id) == (("filled", 1), "live", ["accepted"])


async def _leader_detail(w, req, contains: str):
    await w.leader.send("/board")
    listing = await w.leader.reply(contains=req.code)
    await w.leader.press(req.code, message=listing)
    return text_of(listing), await w.leader.reply(contains=contains)


async def test_the_leader_sees_the_units_claim_and_takes_it_back_to_the_board(world):
    w = world
    contact, _ = await _unit_with_members(w)
    await w.volunteers[0].send("/start")
    req, card = await new_request(w)
    claimed = await _claim(w, contact, req, card, "已认领")
    await contact.press("张志愿", message=claimed)
    await w.volunteers[0].reply(contains=ADDRESS)
    listing, detail = await _leader_detail(w, req, ADDRESS)
    assert "🏢 区税务局（张志愿）" in listing
    assert "🏢 区税务局：张志愿（已接单）" in text_of(detail)
    await w.leader.press("改派", message=detail)
    chooser = await w.leader.reply(contains="换下来")
    # the unit's member is not moved alone: the unit's claim is, whole
    assert [b["text"] for b in buttons_of(chooser)] == ["🏢 区税务局（张志愿）"]
    await w.leader.press("区税务局", message=chooser)
    unit_screen = await w.leader.reply(contains="由 🏢 区税务局（张志愿） 认领", edited=True)
    labels = [b["text"] for b in buttons_of(unit_screen)]
    assert labels[-1] == "↩️ 退回待接单" and not any("张志愿" in x for x in labels)
    await w.leader.press("退回待接单", message=unit_screen)
    await w.leader.reply(contains="已从该单位收回", edited=True)
    assert "网格长已从 区税务局 收回" in text_of(await contact.reply(contains=req.code))
    assert "不用再去" in text_of(await w.volunteers[0].reply(contains=req.code))
    await w.sb.wait_bot_message(w.volunteer_group, contains="志愿者已退回", edited=True)
    assert await _state(w, req.id) == (("open", 0), "released", ["removed"])
    # the unit's old buttons and the leader's change nothing now
    answer = await contact.press("单位退回", message=claimed, force=True)
    assert "已结束" in answer["text"]
    answer = await w.leader.press("退回待接单", message=unit_screen, force=True)
    assert "已结束" in answer["text"]


async def test_in_english_the_leader_gives_the_units_place_to_a_volunteer(world):
    w = world
    w.leader.lang = "en"
    await w.sb.add_user(w.leader.id, w.leader.name, language_code="en")
    contact, _ = await _unit_with_members(w)
    req, card = await new_request(w)
    await _claim(w, contact, req, card, "已认领")
    listing, detail = await _leader_detail(w, req, ADDRESS)
    assert "🏢 区税务局 (nobody on it yet)" in listing
    assert "🏢 区税务局: nobody on it yet" in text_of(detail)
    await w.leader.press("Reassign", message=detail)
    chooser = await w.leader.reply(contains="hand it over")
    await w.leader.press("区税务局", message=chooser)
    unit_screen = await w.leader.reply(contains="is held by 🏢 区税务局", edited=True)
    assert buttons_of(unit_screen)[-1]["text"] == "↩️ Back to the board"
    await w.leader.press("王志愿", message=unit_screen)
    await w.leader.reply(contains="reassigned", edited=True)
    assert ADDRESS in text_of(await w.volunteers[1].reply(contains=ADDRESS))
    await contact.reply(contains="网格长已从 区税务局 收回")
    card_now = await w.sb.wait_bot_message(w.volunteer_group, contains="王志愿", edited=True)
    assert "区税务局" not in text_of(card_now)
    async with w.db.session() as s:
        r = await s.get(HelpRequest, req.id)
        claim = (await s.execute(select(UnitClaim).where(UnitClaim.request_id == req.id))).scalars().one()
        holders = (await s.execute(select(Assignment).where(Assignment.request_id == req.id))).scalars().all()
    assert (r.status, r.slots_taken, claim.status) == ("filled", 1, "released")
    assert [(a.volunteer_id, a.unit_claim_id) for a in holders] == [(w.volunteer_people[1].id, None)]
