"""吹哨's withdrawal against a department's answer, at once, on SQLite and PostgreSQL: the meeting
closing an item (or a resident cancelling a request) while its department answers. Exactly one of
them decides the referral: either the department's answer closes the item and the meeting's close is
refused, or the referral is withdrawn (the department told, its answer refused) and the meeting's
decision stands. Never both, never neither, never a deadlock."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.services import meetings, referrals
from bot.services.kernel.errors import Conflict
from bot.services.kernel.roles import Actor
from bot.services.requests import cancel_request, create_request
from bot.services.requests.intake import RequestDraft
from bot.services.visits import record_visit
from storage.enums import ReferralStatus
from storage.models import OutboxMessage, Referral, VisitIssue
from tests.support import factories as f
from tests.support.town import core_on, seed_town

ROUNDS = 6


async def _outbox(db, key: str) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key == key)) or 0)


async def _outcome(step) -> object:
    """What `step` returned, or the exception it raised (as asyncio.gather(return_exceptions=True))."""
    try:
        return await step
    except Exception as e:
        return e


async def _setup(db, clock, cfg):
    core = core_on(db, clock, cfg)
    town = await seed_town(db, volunteers=1, homes_each=ROUNDS)
    clerk = await f.person(db, 88001, "老周")
    admin = Actor(town.admin.tg_user_id, town.admin.name)
    dep = await referrals.add_department(core, admin, "街道城管科", clerk.tg_user_id)
    return core, town, admin, dep, Actor(88001, "老周")


async def test_the_meeting_closing_an_item_while_its_department_answers_decides_it_once(any_db, clock, cfg):
    core, town, admin, dep, clerk = await _setup(any_db, clock, cfg)
    vol = town.vols[0]
    leader = Actor(town.leader.tg_user_id, town.leader.name)
    outcomes = set()
    for n, home in enumerate(town.homes[vol.id]):
        await record_visit(core, Actor(vol.tg_user_id, vol.name), home.id, "needs_help", "路灯坏了", ["safety"])
        async with any_db.session() as s:
            issue = (await s.execute(select(VisitIssue).order_by(VisitIssue.id.desc()))).scalars().first()
        sent = await referrals.forward_item(core, admin, issue.id, dep.id, address=False, phone=False, days=3)
        await meetings.record_decision(core, leader, issue.id, "社区自行修好")
        racers = [
            referrals.decide(core, clerk, sent.referral_id, ReferralStatus.answered, "已派人维修"),
            meetings.close_item(core, leader, issue.id),
        ]
        if n % 2:  # each starts first in turn
            racers.reverse()
        if n < 2:  # the first two one after the other, so that each side is seen winning at least once
            done = [await _outcome(racers[0]), await _outcome(racers[1])]
        else:  # the rest at once: whichever wins, exactly one decides
            done = await asyncio.gather(*racers, return_exceptions=True)
        answer, close = done if n % 2 == 0 else done[::-1]
        async with any_db.session() as s:
            ref = await s.get(Referral, sent.referral_id)
            item = await s.get(VisitIssue, issue.id)
        assert item.status == "closed"
        withdrawn = await _outbox(any_db, f"referral-withdrawn:{ref.id}")
        if ref.status == ReferralStatus.answered.value:  # the department first: the meeting's close refused
            assert not isinstance(answer, Exception) and isinstance(close, meetings.ItemClosed)
            assert item.decision == "【街道城管科】已派人维修" and withdrawn == 0
        else:  # the meeting first: withdrawn, the department told, its answer refused
            assert ref.status == ReferralStatus.withdrawn.value
            assert isinstance(answer, Conflict) and answer.key == "referrals.withdrawn_already"
            assert not isinstance(close, Exception)
            assert item.decision == "社区自行修好" and withdrawn == 1
        assert await _outbox(any_db, f"meet-tell:{issue.id}") == 1  # the household is told once
        outcomes.add(ref.status)
    assert outcomes == {"answered", "withdrawn"}  # both ways were seen (the first two rounds)


async def test_a_resident_cancelling_while_the_department_answers_ends_in_one_consistent_state(any_db, clock, cfg):
    core, town, admin, dep, clerk = await _setup(any_db, clock, cfg)
    resident = await f.person(any_db, 88002, "王奶奶", grid_id=town.grid.id)
    me = Actor(resident.tg_user_id, resident.name)
    for i in range(ROUNDS):
        draft = RequestDraft("repairs", f"楼道灯坏了 {i}", "this_week", None, "幸福里 1 栋", None, 1)
        req = await create_request(core, me, draft, grid_id=town.grid.id)
        sent = await referrals.forward(core, admin, req.id, dep.id, address=False, phone=False, days=3)
        answer, cancel = await asyncio.gather(
            referrals.decide(core, clerk, sent.referral_id, ReferralStatus.answered, "已派人维修"),
            cancel_request(core, me, req.id),
            return_exceptions=True,
        )
        assert not isinstance(cancel, Exception)  # the resident may always withdraw their own request
        async with any_db.session() as s:
            ref = await s.get(Referral, sent.referral_id)
        withdrawn = await _outbox(any_db, f"referral-withdrawn:{ref.id}")
        if ref.status == ReferralStatus.answered.value:
            assert not isinstance(answer, Exception) and withdrawn == 0
        else:
            assert ref.status == ReferralStatus.withdrawn.value and withdrawn == 1
            assert isinstance(answer, Conflict) and answer.key == "referrals.withdrawn_already"


async def test_an_offline_departments_referral_is_withdrawn_to_the_admin_who_records_its_answers(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    town = await seed_town(any_db, volunteers=1, homes_each=1)
    admin = Actor(town.admin.tg_user_id, town.admin.name)
    leader = Actor(town.leader.tg_user_id, town.leader.name)
    dep = await referrals.add_department(core, admin, "街道办", None)
    vol, [home] = town.vols[0], town.homes[town.vols[0].id]
    await record_visit(core, Actor(vol.tg_user_id, vol.name), home.id, "needs_help", "楼顶漏水", ["safety"])
    async with any_db.session() as s:
        issue = (await s.execute(select(VisitIssue))).scalars().one()
    sent = await referrals.forward_item(core, admin, issue.id, dep.id, address=False, phone=False, days=3)
    await meetings.record_decision(core, leader, issue.id, "物业已修好")
    await meetings.close_item(core, leader, issue.id)  # the leader settles it: the admin is told
    assert await _outbox(any_db, f"referral-withdrawn:{sent.referral_id}") == 1
    async with any_db.session() as s:
        msg = (
            (
                await s.execute(
                    select(OutboxMessage).where(OutboxMessage.key == f"referral-withdrawn:{sent.referral_id}")
                )
            )
            .scalars()
            .one()
        )
    assert msg.chat_id == town.admin.tg_user_id
    with pytest.raises(Conflict) as refused:  # its answer recorded now changes nothing
        await referrals.decide(core, admin, sent.referral_id, ReferralStatus.handed_back)
    assert refused.value.key == "referrals.withdrawn_already"
