"""A unit's claim given back, on SQLite and PostgreSQL (包联单位退回): the release is one atomic step —
with volunteers pressing Accept, a member pressing Done, or the grid leader taking it back at the same
moment, the slot is freed exactly once and never both given back and done; a member is held to the
open-task limit however they are put on tasks; the reminder goes once, across a restart."""

import asyncio

from sqlalchemy import func, select

from bot.jobs import escalation
from bot.outbox.notifier import OutboxNotifier
from bot.scheduler import run_due
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, DomainError, NotAllowed
from bot.services.kernel.roles import Actor
from bot.services.requests import (
    ClaimResult,
    UnitClaimView,
    assign_member,
    claim_for_unit,
    claim_task,
    release_unit_claim,
    remind_waiting_unit_claims,
    report_done,
    take_back_unit_claim,
)
from bot.services.requests.intake import RequestDraft, create_request
from storage.models import Assignment, HelpRequest, OutboxMessage, Person, UnitClaim, VolunteerProfile
from tests.support import factories as f

from .test_unit_claims import setup  # noqa: F401 (the fixture)

LEADER = Actor(1099, "赵网格长", language="zh-hans")


async def _request(core, slots: int = 1):
    """A request of 王奶奶's (one place), or of the grid leader's (赵网格长, several places)."""
    who = Actor(3001, "王奶奶", language="zh-hans")
    if slots > 1:
        async with core.db.session() as s:
            known = await s.scalar(select(Person.id).where(Person.tg_user_id == 1099))
            grid_id = (await s.execute(select(VolunteerProfile.grid_id))).scalars().first()
        if known is None:
            leader = await f.person(core.db, 1099, "赵网格长")
            await f.leader(core.db, leader.id, grid_id)
        who = LEADER
    draft = RequestDraft("moving", "帮老人搬家", "today", None, "3 栋 401", None, slots)
    return await create_request(core, who, draft, source="resident" if slots == 1 else "leader")


async def _members(core, unit_id: int, tgs: list[int]) -> None:
    async with core.db.session() as s:
        ids = (await s.execute(select(Person.id).where(Person.tg_user_id.in_(tgs)))).scalars().all()
        for prof in (await s.execute(select(VolunteerProfile).where(VolunteerProfile.person_id.in_(ids)))).scalars():
            prof.unit_id = unit_id


async def _claimed(core, contact, units, members: int = 1, slots: int = 1):
    """Unit 0 holds a new request, with its first `members` members (volunteers 0, 1...) on it."""
    await _members(core, units[0], [5000, 5001])
    req = await _request(core, slots)
    claim = await claim_for_unit(core, contact, req.id)
    for m in claim.members[:members]:
        await assign_member(core, contact, claim.claim_id, m.person_id)
    return req, claim


async def _counts(core, request_id: int) -> tuple[int, int, int, str]:
    """slots taken, volunteers on it on their own, live unit claims, the request's status."""
    async with core.db.session() as s:
        r = await s.get(HelpRequest, request_id)
        alone = await s.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(
                Assignment.request_id == request_id,
                Assignment.unit_claim_id.is_(None),
                Assignment.status.in_(["accepted", "started", "done"]),
            )
        )
        held = await s.scalar(
            select(func.count())
            .select_from(UnitClaim)
            .where(UnitClaim.request_id == request_id, UnitClaim.status == "live")
        )
        return r.slots_taken, alone, held, r.status


async def test_giving_back_while_twenty_volunteers_press_accept_frees_the_slot_exactly_once(setup):  # noqa: F811
    core, _, vols, contacts, units = setup
    req, claim = await _claimed(core, contacts[0], units, members=2)
    presses = [release_unit_claim(core, contacts[0], claim.claim_id, "单位有会") for _ in range(5)]
    presses += [claim_task(core, v, req.id) for v in vols[2:22]]
    results = await asyncio.gather(*presses, return_exceptions=True)
    released = [r for r in results[:5] if isinstance(r, UnitClaimView)]
    assert len(released) == 1 and all(isinstance(r, Conflict) for r in results[:5] if r not in released), results[:5]
    winners = [r for r in results[5:] if isinstance(r, ClaimResult)]
    assert len(winners) <= 1 and all(isinstance(r, ClaimResult | DomainError) for r in results[5:])
    taken, alone, held, _ = await _counts(core, req.id)
    assert (taken, alone, held) == (len(winners), len(winners), 0)
    async with core.db.session() as s:
        parts = (await s.execute(select(Assignment.status).where(Assignment.unit_claim_id == claim.claim_id))).all()
        assert sorted(p[0] for p in parts) == ["released", "released"]
        assert (await s.get(UnitClaim, claim.claim_id)).status == "released"


async def test_a_members_done_and_the_contact_giving_back_at_once_never_both_happen(setup):  # noqa: F811
    core, _, vols, contacts, units = setup
    for _ in range(3):
        req, claim = await _claimed(core, contacts[0], units, members=1)
        done, given = await asyncio.gather(
            report_done(core, vols[0], req.id, 2, None),
            release_unit_claim(core, contacts[0], claim.claim_id, "单位有会"),
            return_exceptions=True,
        )
        taken, _, held, status = await _counts(core, req.id)
        if isinstance(given, UnitClaimView):  # given back first: the Done found nothing to finish
            assert isinstance(done, DomainError) and (taken, held, status) == (0, 0, "open")
        else:  # done first: the work is there, it is not given back
            assert isinstance(given, Conflict), given  # the task moved on, or the unit's part is done
            assert given.key in ("units.claim_done", "request.stale.done_reported"), given
            assert not isinstance(done, Exception) and (taken, held, status) == (1, 1, "done_reported")


async def test_a_member_put_on_by_the_contact_and_accepting_at_once_stays_within_the_limit(setup, cfg):  # noqa: F811
    core, _, vols, contacts, units = setup
    cfg.requests.max_open_tasks_per_volunteer = 1
    await _members(core, units[0], [5000, 5001])
    for _ in range(3):
        unit_req, other = await _request(core), await _request(core)
        claim = await claim_for_unit(core, contacts[0], unit_req.id)
        member = next(m for m in claim.members if m.name == "志愿者0")
        put, took = await asyncio.gather(
            assign_member(core, contacts[0], claim.claim_id, member.person_id),
            claim_task(core, vols[0], other.id),
            return_exceptions=True,
        )
        assert [isinstance(r, Exception) for r in (put, took)].count(True) == 1, (put, took)
        refused = put if isinstance(put, Exception) else took
        assert isinstance(refused, NotAllowed) and refused.key in ("units.member_too_many", "task.error.too_many")
        async with core.db.session() as s:  # one task in hand; given back for the next round
            live = (
                await s.execute(
                    select(Assignment).where(
                        Assignment.volunteer_id == member.person_id, Assignment.status.in_(["accepted", "started"])
                    )
                )
            ).scalars()
            held = list(live)
            assert len(held) == 1
            for a in held:
                a.status = "released"


async def test_the_leader_taking_back_and_the_contact_giving_back_at_once_free_one_slot(setup):  # noqa: F811
    core, _, _, contacts, units = setup
    for _ in range(3):
        req, claim = await _claimed(core, contacts[0], units, members=1, slots=2)
        results = await asyncio.gather(
            take_back_unit_claim(core, LEADER, req.id, claim.claim_id),
            release_unit_claim(core, contacts[0], claim.claim_id, "单位有会"),
            return_exceptions=True,
        )
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        assert await _counts(core, req.id) == (0, 0, 0, "open")


async def test_the_reminder_goes_once_after_the_hours_across_a_restart_and_not_when_someone_is_on_it(
    setup,  # noqa: F811
    clock,
    cfg,
):
    core, _, _, contacts, units = setup
    assert cfg.requests.unit_claim_remind_hours == 4
    _, waiting = await _claimed(core, contacts[0], units, members=0)
    _, busy = await _claimed(core, contacts[0], units, members=1)
    clock.advance(hours=3, minutes=59)
    assert await remind_waiting_unit_claims(core) == 0
    clock.advance(minutes=2)
    assert [d.job for d in await run_due(core, jobs=[escalation.JOB])] == ["escalation-check"]  # the tick's check
    again = Core(db=core.db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)  # the bot restarted
    assert await remind_waiting_unit_claims(again) == 0
    clock.advance(days=2)
    await run_due(again, jobs=[escalation.JOB])
    assert await remind_waiting_unit_claims(again) == 0
    async with core.db.session() as s:
        keys = set(
            (await s.execute(select(OutboxMessage.key).where(OutboxMessage.key.like("unit-remind:%")))).scalars()
        )
    assert keys == {f"unit-remind:{waiting.claim_id}"}
