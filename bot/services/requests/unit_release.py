"""A unit gives its claim back (包联单位退回认领): its contact from chat, with a reason, as a volunteer gives
a task back (the same reason step, the same news to the resident and the grid's leaders, the card back
on the board); or the grid leader takes it back, to the board or to a volunteer (reassign). One atomic
statement frees the slot (storage/claims/unit.py: give_back_unit_claim). Also the contact's news of
their members (one gave their part back) and the reminder of a claim nobody was put on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotFound
from bot.services.kernel.roles import Actor, ensure_person, leaders_of, row_id
from storage import audit, claims
from storage.claim_reads import HOLDING
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import Assignment, HelpRequest, Person, Unit, UnitClaim
from storage.rows import key_of

from . import fields as rin
from .board_reads import leader_of_request
from .claiming import ClaimResult, assign_volunteer
from .common import display_name, notice_for, require_status, tell
from .notices import ReleasedToLeader, TaskReleased, UnitClaimView
from .posting import refresh_cards
from .unit_claims import claim_view, contact_claim
from .unit_notices import UnitClaimEnded, UnitClaimTakenBack, UnitClaimWaiting, UnitMemberLeft

WAITING_DAYS = 30  # claims older than this with nobody on them are not reminded any more (long past)
BATCH = 200


async def _give_back(
    core: Core,
    s: AsyncSession,
    claim: UnitClaim,
    unit: Unit,
    req: HelpRequest,
    by: Person,
    reason: str | None,
    *,
    by_leader: bool,
) -> HelpRequest:
    """Free the unit's slot; tell its members, the resident (if members were ever coming) and, when the
    contact gave it back, the grid's leaders; the cards follow."""
    require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
    status = AssignmentStatus.removed if by_leader else AssignmentStatus.released
    done = await claims.give_back_unit_claim(s, key_of(claim), core.clock.now(), member_status=status, reason=reason)
    if done is None:
        finished = await s.scalar(
            select(col(Assignment.id)).where(
                col(Assignment.unit_claim_id) == claim.id, col(Assignment.status) == AssignmentStatus.done.value
            )
        )
        raise Conflict("units.claim_done" if finished else "units.claim_ended", code=req.code or "")
    await s.refresh(req)
    cid, code = key_of(claim), req.code or ""
    action = "task.unit_take_back" if by_leader else "task.unit_release"
    await audit.record(
        s,
        by.id,
        action,
        "request",
        req.id,
        code=code,
        unit=unit.id,
        members=done.members,
        reason=rin.mask_phones(reason or "")[:200],
    )
    for pid in done.members:
        await tell(
            core, s, pid, f"unit-ended:{cid}:{pid}", UnitClaimEnded, code=code, unit=unit.name, by_leader=by_leader
        )
    if by_leader:
        await tell(core, s, unit.contact_id, f"unit-taken-back:{cid}", UnitClaimTakenBack, code=code, unit=unit.name)
    if req.resident_id and (done.members or await _ever_sent(s, cid)):  # the resident was told of the unit
        await tell(core, s, req.resident_id, f"unit-released:{cid}", TaskReleased, code=code, volunteer_name=unit.name)
    if not by_leader:
        for leader in await leaders_of(s, req.grid_id):
            await tell(
                core,
                s,
                leader.id,
                f"unit-released:{cid}:lead:{leader.id}",
                ReleasedToLeader,
                code=code,
                request_id=key_of(req),
                volunteer_name=f"🏢 {unit.name}",
                reason=reason or "",
            )
    await refresh_cards(core, s, req, returned=True)
    return req


async def _ever_sent(s: AsyncSession, claim_id: int) -> bool:
    """Did the unit ever put a member on its claim (the resident was told who was coming, and, when they
    gave their part back, that the unit still holds it)?"""
    return (
        await s.scalar(select(col(Assignment.id)).where(col(Assignment.unit_claim_id) == claim_id).limit(1))
    ) is not None


async def release_unit_claim(core: Core, actor: Actor, claim_id: int, reason: str) -> UnitClaimView:
    """The unit's contact gives the unit's task back, with a reason: the slot is on the board again.
    Refused (stale) once the claim ended, the task moved on, or a member has done the unit's part."""
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        claim, unit, req = await contact_claim(s, me, claim_id)
        await claims.lock_unit_claim(s, key_of(claim))
        await s.refresh(claim)
        if claim.status != claims.LIVE_CLAIM:
            raise Conflict("units.claim_ended", code=req.code or "")
        req = await _give_back(core, s, claim, unit, req, me, reason_v, by_leader=False)
        await s.refresh(claim)
        return await claim_view(s, claim, unit, req)


async def _leaders_claim(
    s: AsyncSession, actor: Actor, request_id: int, claim_id: int
) -> tuple[Person, UnitClaim, Unit, HelpRequest]:
    leader, req = await leader_of_request(s, actor, request_id)
    claim = await s.get(UnitClaim, claim_id) if row_id(claim_id) else None
    if claim is None or claim.request_id != req.id:
        raise NotFound("units.claim_not_found")
    await claims.lock_unit_claim(s, key_of(claim))
    await s.refresh(claim)
    if claim.status != claims.LIVE_CLAIM:
        raise Conflict("units.claim_ended_leader", code=req.code or "")
    return leader, claim, await s.get_one(Unit, claim.unit_id), req


async def take_back_unit_claim(core: Core, actor: Actor, request_id: int, claim_id: int) -> HelpRequest:
    """The grid leader takes a unit's claim back to the board (its contact and members are told)."""
    async with core.db.session() as s:
        leader, claim, unit, req = await _leaders_claim(s, actor, request_id, claim_id)
        return await _give_back(core, s, claim, unit, req, leader, None, by_leader=True)


async def reassign_unit_claim(
    core: Core, actor: Actor, request_id: int, claim_id: int, to_person_id: int
) -> ClaimResult:
    """派单 from a unit: the leader moves the unit's slot to a volunteer, in one transaction (the
    volunteer held to the same checks and limit as any dispatch)."""
    async with core.db.session() as s:
        leader, claim, unit, req = await _leaders_claim(s, actor, request_id, claim_id)
        target = await s.get(Person, to_person_id) if row_id(to_person_id) else None
        if target is None:
            raise NotFound("board.error.no_volunteer")
        req = await _give_back(core, s, claim, unit, req, leader, None, by_leader=True)
        return await assign_volunteer(core, s, req, target, dispatched_by=leader.id)


async def tell_contact_member_left(
    core: Core, s: AsyncSession, req: HelpRequest, assignment: Assignment, member: Person, reason: str
) -> str:
    """A member gave their part of the unit's task back: the contact hears it in private, with the
    claim as it is now (put another member on it, or give it back). Returns the unit's name ("" if gone)."""
    claim = await s.get(UnitClaim, assignment.unit_claim_id) if assignment.unit_claim_id else None
    unit = await s.get(Unit, claim.unit_id) if claim is not None else None
    contact = await s.get(Person, unit.contact_id) if unit is not None and unit.contact_id else None
    if claim is None or unit is None:
        return ""
    notice = notice_for(
        contact, UnitMemberLeft, claim=await claim_view(s, claim, unit, req), member=display_name(member), reason=reason
    )
    if notice is not None:
        await core.notifier.send(s, f"unit-member-left:{assignment.id}", notice)
    return unit.name


async def remind_waiting_unit_claims(core: Core) -> int:
    """Once per claim, its contact is reminded of a unit's task nobody of the unit is on after
    `requests.unit_claim_remind_hours` (with the member buttons). Driven by the database (the
    reminder's outbox key), so a restart neither loses nor repeats one. Returns how many went out."""
    hours = core.cfg.requests.unit_claim_remind_hours
    until = core.clock.now() - timedelta(hours=hours)
    async with core.db.reading() as s:
        ids = await claims.waiting_claims(s, until - timedelta(days=WAITING_DAYS), until, BATCH)
    sent = 0
    for cid in ids:  # one short transaction per claim
        async with core.db.session() as s:
            claim = await s.get(UnitClaim, cid)
            if claim is None or claim.status != claims.LIVE_CLAIM:
                continue
            req = await s.get_one(HelpRequest, claim.request_id)
            unit = await s.get_one(Unit, claim.unit_id)
            on = await s.scalar(
                select(col(Assignment.id)).where(
                    col(Assignment.unit_claim_id) == cid, col(Assignment.status).in_(HOLDING)
                )
            )
            if on is not None or req.status not in (RequestStatus.open.value, RequestStatus.filled.value):
                continue
            contact = await s.get(Person, unit.contact_id) if unit.contact_id else None
            notice = notice_for(contact, UnitClaimWaiting, claim=await claim_view(s, claim, unit, req), hours=hours)
            if notice is not None and await core.notifier.send(s, f"{claims.REMIND_KEY}{cid}", notice):
                sent += 1
    return sent
