"""/forgetme: a person erases their personal details after confirming; the figures stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.views.message import OutMessage
from storage import points
from storage.enums import PointsReason, RequestStatus
from storage.models import (
    AuditEntry,
    HelpRequest,
    OutboxMessage,
    Pairing,
    Person,
    PointsEntry,
    Rating,
    UserData,
    VolunteerProfile,
)
from tests.support.harness import buttons_of, text_of
from tests.support.workers import eventually

ADDRESS = "幸福里 7 栋 3 单元 502"
PHONE = "13912345678"


async def a_past_request(db, resident_id: int, grid_id: int, status=RequestStatus.completed) -> HelpRequest:
    async with db.session() as s:
        r = HelpRequest(
            code=f"A-{resident_id % 1000:04d}",
            grid_id=grid_id,
            resident_id=resident_id,
            category="repairs",
            summary="厨房水龙头漏水，家里电话 " + PHONE,
            when_kind="today",
            address=ADDRESS,
            phone=PHONE,
            status=status.value,
            closed_at=datetime.now(UTC),
        )
        s.add(r)
        await s.flush()
        if status == RequestStatus.completed:
            s.add(
                Rating(
                    request_id=r.id, resident_id=resident_id, outcome="done", stars=5, comment="谢谢小张，电话 " + PHONE
                )
            )
        return r


async def _status(db, key: str) -> str:
    async with db.session() as s:
        return (await s.execute(select(OutboxMessage.status).where(OutboxMessage.key == key))).one()[0]


async def person(db, tg: int | None = None, pid: int | None = None) -> Person | None:
    async with db.session() as s:
        if pid is not None:
            return await s.get(Person, pid)
        return (await s.execute(select(Person).where(Person.tg_user_id == tg))).scalars().first()


async def test_forgetme_erases_a_residents_details_and_keeps_the_figures(world):
    db, resident, me = world.db, world.resident, world.resident_person
    req = await a_past_request(db, me.id, world.grid_a.id)
    async with db.session() as s:
        p = await s.get(Person, me.id)
        p.phone, p.username = PHONE, "wangnainai"
        s.add(p)
        # a notification quoting the address went to a volunteer; one to the resident is still queued
        await world.bot.core.notifier.send(s, "test:details", OutMessage(chat_id=2001, text=f"地址：{ADDRESS}"))
        s.add(UserData(tg_user_id=resident.id, data=json.dumps({"request_draft": {"address": ADDRESS}})))
    await eventually(lambda: _status(db, "test:details"), lambda st: st != "pending", 5, "the notification out")

    await resident.send("/forgetme")
    intro = await resident.reply("删除我的个人信息")
    assert "删除后无法恢复" in text_of(intro)
    assert await person(db, resident.id) is not None  # nothing erased before confirming
    await resident.press("删除我的信息")
    assert "已删除" in text_of(await resident.reply(edited=True))

    gone = await person(db, pid=me.id)
    assert gone is not None and gone.forgotten_at is not None
    assert (gone.tg_user_id, gone.name, gone.phone, gone.username) == (None, "", None, None)
    async with db.session() as s:
        r = await s.get(HelpRequest, req.id)
        rating = (await s.execute(select(Rating).where(Rating.request_id == req.id))).scalars().one()
        payloads = [row.payload for row in (await s.execute(select(OutboxMessage))).scalars()]
        drafts = (await s.execute(select(UserData).where(UserData.tg_user_id == resident.id))).scalars().all()
        audit = (await s.execute(select(AuditEntry).where(AuditEntry.action == "privacy.forget"))).scalars().one()
    assert (r.address, r.phone, r.summary) == (None, None, "") and r.erased_at is not None
    assert (r.status, r.category, r.code) == ("completed", "repairs", req.code)  # the figures stay
    assert rating.comment is None and rating.stars == 5
    assert not any(ADDRESS in p or PHONE in p for p in payloads)
    assert drafts == []
    assert (audit.actor_id, audit.entity_id, audit.detail) == (me.id, me.id, "")

    # coming back later is a fresh start, as a new person
    await resident.send("/start")
    await resident.reply()
    fresh = await person(db, resident.id)
    assert fresh is not None and fresh.id != me.id


async def test_a_volunteer_keeps_points_and_hours_under_the_anonymous_row(world):
    db, vol, vp = world.db, world.volunteers[0], world.volunteer_people[0]
    async with db.session() as s:
        await points.award(
            s,
            ref="test:task:1",
            person_id=vp.id,
            grid_id=world.grid_a.id,
            community_id=world.community.id,
            reason=PointsReason.task,
            points=12,
            hours=1.5,
            now=datetime.now(UTC),
        )
    await vol.send("/forgetme")
    await vol.reply("删除我的个人信息")
    await vol.press("删除我的信息")
    await vol.reply("已删除", edited=True)
    async with db.session() as s:
        prof = (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id == vp.id))).scalars().one()
        ledger = (await s.execute(select(PointsEntry).where(PointsEntry.person_id == vp.id))).scalars().all()
        pairings = (await s.execute(select(Pairing).where(Pairing.volunteer_id == vp.id))).scalars().all()
    assert (prof.status, prof.skills, prof.shock_team, prof.consent_at) == ("left", "", False, None)
    assert [(e.points, e.hours) for e in ledger] == [(12, 1.5)]
    assert pairings and not any(p.active for p in pairings)
    gone = await person(db, pid=vp.id)
    assert gone.phone is None and gone.tg_user_id is None


async def test_nothing_is_erased_while_a_request_is_open_or_when_kept(world):
    db, resident = world.db, world.resident_en
    me = await person(db, resident.id)
    await a_past_request(db, me.id, world.grid_a.id, status=RequestStatus.open)
    await resident.send("/forgetme")
    assert "1 open request" in text_of(await resident.reply())
    assert (await person(db, resident.id)).forgotten_at is None
    async with db.session() as s:
        r = (await s.execute(select(HelpRequest).where(HelpRequest.resident_id == me.id))).scalars().one()
        r.status = RequestStatus.cancelled.value
        s.add(r)
    await resident.send("/forgetme")
    await resident.reply("Erase my personal details")
    await resident.press("Keep them")
    assert "Nothing was erased" in text_of(await resident.reply(edited=True))
    still = await person(db, resident.id)
    assert still is not None and still.id == me.id and still.forgotten_at is None


async def test_leaders_must_hand_over_first(world):
    await world.leader.send("/forgetme")
    assert "网格长" in text_of(await world.leader.reply())
    assert (await person(world.db, world.leader.id)).forgotten_at is None


async def test_forged_or_expired_confirmations_change_nothing(world):
    db, resident, other = world.db, world.resident_en, world.volunteers[1]
    await resident.send("/forgetme")
    msg = await resident.reply("Erase my personal details")
    data = next(b["callback_data"] for b in buttons_of(msg) if b.get("callback_data", "").startswith("privacy:erase:"))
    _, _, uid, stamp = data.split(":")
    # someone else's id, an expired stamp, and junk: refused with an alert
    for forged in (
        f"privacy:erase:{other.id}:{stamp}",
        f"privacy:erase:{uid}:{int(stamp) - 60}",
        f"privacy:erase:{uid}:{int(stamp) + 999}",
        "privacy:erase:x:y",
        "privacy:erase:" + "9" * 40,
    ):
        answer = await resident.press("", message=msg, data=forged, force=True)
        assert answer.get("show_alert"), forged
    assert (await person(db, resident.id)).forgotten_at is None
    # another user forging the resident's button in their own chat cannot erase either of them
    await other.send("/forgetme")
    own = await other.reply()
    answer = await other.press("", message=own, data=data, force=True)
    assert answer.get("show_alert")
    assert (await person(db, resident.id)).forgotten_at is None
    assert (await person(db, other.id)).forgotten_at is None


async def test_in_a_group_it_only_points_to_the_private_chat(world):
    resident = world.resident
    await resident.send("/forgetme", chat=world.resident_group)
    msg = await resident.reply(chat=world.resident_group)
    assert "私聊" in text_of(msg)
    assert any("start=forgetme" in (b.get("url") or "") for b in buttons_of(msg))
    assert (await person(world.db, resident.id)).forgotten_at is None
    # the deep link opens the confirmation in private
    await resident.send("/start forgetme")
    await resident.reply("删除我的个人信息")


async def test_the_command_is_in_the_menu(world):
    menu = (await world.sb.menu(world.resident_en.id))["commands"]  # what Alice's client shows
    assert {c["command"]: c["description"] for c in menu}["forgetme"] == "Erase my personal details"
    async with world.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Person)) > 0
