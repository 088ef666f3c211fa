"""派单, what the grid leader does from the board: dispatch, reassign, close, out of scope, duplicates.

Every function checks that the actor leads the request's grid (or administers its community);
the web dashboard calls the same functions.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotFound
from bot.services.kernel.roles import Actor, row_id
from bot.services.withdrawal import withdraw_referrals
from storage import audit, claims
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import HelpRequest, Person

from . import fields as rin
from .board_reads import leader_of_request
from .claiming import ClaimResult, assign_volunteer
from .common import ACTIVE, LIVE, assignments, end_relays, get_request, require_status, tell
from .facts import REFERRALS
from .notices import ClosedToResident, ClosedToVolunteer, Reassigned
from .posting import refresh_cards


async def _volunteer(s: AsyncSession, person_id: int) -> Person:
    p = await s.get(Person, person_id) if row_id(person_id) else None
    if p is None:
        raise NotFound("board.error.no_volunteer")
    return p


async def dispatch_task(core: Core, actor: Actor, request_id: int, volunteer_person_id: int) -> ClaimResult:
    """派单: the leader gives one slot of an open request to a chosen volunteer of the grid."""
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value)
        return await assign_volunteer(core, s, req, await _volunteer(s, volunteer_person_id), dispatched_by=leader.id)


async def reassign_task(
    core: Core, actor: Actor, request_id: int, from_person_id: int, to_person_id: int
) -> ClaimResult:
    """Move a taken (not yet finished) slot from one volunteer to another, in one transaction."""
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        if from_person_id == to_person_id:
            raise InvalidInput("board.error.same_volunteer")
        held = await claims.holds(s, req.id or 0, from_person_id)
        if held is None or held.status not in LIVE:
            raise Conflict("board.error.not_holding", code=req.code or "")
        if held.unit_claim_id is not None:  # the unit's slot: its claim is reassigned whole (unit_release.py)
            raise Conflict("board.error.unit_member", code=req.code or "")
        target = await _volunteer(s, to_person_id)
        if not await claims.give_back(s, held.id or 0, core.clock.now(), status=AssignmentStatus.removed):
            raise Conflict("board.error.not_holding", code=req.code or "")
        await s.refresh(req)
        await tell(core, s, from_person_id, f"reassigned:{held.id}", Reassigned, code=req.code or "")
        await audit.record(
            s,
            leader.id,
            "task.reassign",
            "request",
            req.id,
            code=req.code,
            from_volunteer=from_person_id,
            to_volunteer=to_person_id,
        )
        return await assign_volunteer(core, s, req, target, dispatched_by=leader.id)


async def _end(
    core: Core, s: AsyncSession, leader: Person, req: HelpRequest, status: RequestStatus, action: str, **values: object
) -> HelpRequest:
    now = core.clock.now()
    if not await claims.set_status(s, req.id or 0, ACTIVE, status, closed_at=now, **values):
        raise Conflict("request.stale.closed", code=req.code or "")
    volunteers = [a.volunteer_id for a in await assignments(s, req.id or 0, LIVE + [AssignmentStatus.done.value])]
    await claims.end_assignments(s, req.id or 0, AssignmentStatus.removed)
    await claims.end_unit_claims(s, req.id or 0, now)
    await s.refresh(req)
    for vid in volunteers:
        await tell(core, s, vid, f"closed:{req.id}:{vid}", ClosedToVolunteer, code=req.code or "")
    if req.resident_id and req.resident_id != leader.id:
        await tell(
            core,
            s,
            req.resident_id,
            f"closed:{req.id}",
            ClosedToResident,
            code=req.code or "",
            status=status.value,
            reason=req.close_reason or "",
            referral=req.referral,
            other_code=await _code(s, req.duplicate_of),
        )
    await end_relays(s, req.id or 0, now)
    await withdraw_referrals(core, s, leader.id, now, code=req.code or f"#{req.id}", request_id=req.id)
    await audit.record(
        s,
        leader.id,
        action,
        "request",
        req.id,
        code=req.code,
        reason=rin.mask_phones(req.close_reason or "")[:200],
        referral=req.referral,
        of=req.duplicate_of,
    )
    await refresh_cards(core, s, req)
    return req


async def _code(s: AsyncSession, request_id: int | None) -> str:
    other = await s.get(HelpRequest, request_id) if request_id else None
    return other.code or "" if other else ""


async def close_request(core: Core, actor: Actor, request_id: int, reason: str) -> HelpRequest:
    """The leader closes a request with a reason; whoever held it is told."""
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        require_status(req, *ACTIVE)
        return await _end(core, s, leader, req, RequestStatus.closed, "request.close", close_reason=reason_v)


async def mark_out_of_scope(core: Core, actor: Actor, request_id: int, referral: str, reason: str) -> HelpRequest:
    """Not for volunteers: say why and where it belongs (city hotline 12345, property management...)."""
    if referral not in REFERRALS:
        raise InvalidInput("board.error.referral")
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        return await _end(
            core,
            s,
            leader,
            req,
            RequestStatus.out_of_scope,
            "request.out_of_scope",
            close_reason=reason_v,
            referral=referral,
        )


async def mark_duplicate(core: Core, actor: Actor, request_id: int, of_request_id: int) -> HelpRequest:
    """A duplicate of another request of the same grid; it leaves the board and the figures."""
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        other = await get_request(s, of_request_id)
        if other.id == req.id or other.grid_id != req.grid_id:
            raise InvalidInput("board.error.duplicate_target")
        return await _end(core, s, leader, req, RequestStatus.duplicate, "request.duplicate", duplicate_of=other.id)


async def dismiss_duplicate(core: Core, actor: Actor, request_id: int) -> HelpRequest:
    """The leader says the flagged request is not a duplicate."""
    async with core.db.session() as s:
        leader, req = await leader_of_request(s, actor, request_id)
        if req.suspected_duplicate_of is None:
            raise Conflict("board.error.not_flagged", code=req.code or "")
        req.suspected_duplicate_of = None
        s.add(req)
        await audit.record(s, leader.id, "request.not_duplicate", "request", req.id, code=req.code)
        return req
