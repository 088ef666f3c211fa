"""派单: the grid leader's board — open requests, each volunteer's load, dispatch, reassign, close.

Every function checks that the actor leads the request's grid (or administers its community);
the web dashboard calls the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.roles import Actor, can_lead, ensure_person, led_grids, row_id
from storage import audit, claims
from storage.enums import AssignmentStatus, RequestStatus, VolunteerStatus, WhenKind
from storage.models import Assignment, Grid, HelpRequest, Person, VolunteerProfile

from . import fields as rin
from .common import ACTIVE, LIVE, assignments, display_name, end_relays, get_request, require_status, tell
from .facts import REFERRALS, skills_fit
from .notices import ClosedToResident, ClosedToVolunteer, Reassigned
from .posting import refresh_cards
from .tasks import ClaimResult, assign_volunteer

BOARD_LIMIT = 30


@dataclass
class VolunteerLoad:
    person: Person
    open_tasks: int
    skills: list[str]
    fits: bool = False


@dataclass
class BoardItem:
    request: HelpRequest
    takers: list[str] = field(default_factory=list)


@dataclass
class Board:
    grid: Grid
    items: list[BoardItem]
    volunteers: list[VolunteerLoad]
    max_load: int


@dataclass
class LeaderView:
    request: HelpRequest
    holders: list[tuple[Person, str]]  # volunteer, assignment status
    duplicate_of: HelpRequest | None = None


async def _leader_of_request(s: AsyncSession, actor: Actor, request_id: int) -> tuple[Person, HelpRequest]:
    person = await ensure_person(s, actor)
    req = await get_request(s, request_id)
    if not await can_lead(s, person, req.grid_id):
        raise NotAllowed("board.error.not_leader")
    return person, req


async def volunteer_loads(s: AsyncSession, grid_id: int, category: str | None = None) -> list[VolunteerLoad]:
    """Approved volunteers of the grid with their open tasks; those whose skills fit first."""
    load = (
        select(col(Assignment.volunteer_id), func.count().label("n"))
        .where(col(Assignment.status).in_(LIVE))
        .group_by(col(Assignment.volunteer_id))
        .subquery()
    )
    rows = (
        await s.execute(
            select(Person, col(VolunteerProfile.skills), func.coalesce(load.c.n, 0))
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .outerjoin(load, load.c.volunteer_id == col(Person.id))
            .where(
                col(VolunteerProfile.grid_id) == grid_id, col(VolunteerProfile.status) == VolunteerStatus.approved.value
            )
        )
    ).all()
    fit = set(skills_fit(category)) if category else set()
    out = [VolunteerLoad(p, int(n), [x for x in (skills or "").split(",") if x]) for p, skills, n in rows]
    for v in out:
        v.fits = bool(fit & set(v.skills))
    return sorted(out, key=lambda v: (not v.fits, v.open_tasks, v.person.name, v.person.id))


async def board_for(core: Core, actor: Actor) -> list[Board]:
    """One board per grid the actor leads: active requests (urgent first) and volunteers' loads."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grids = await led_grids(s, person)
        if not grids:
            raise NotAllowed("board.error.not_leader")
        boards = []
        for g in grids[:10]:
            reqs = (
                await s.execute(
                    select(HelpRequest)
                    .where(col(HelpRequest.grid_id) == g.id, col(HelpRequest.status).in_(ACTIVE))
                    .order_by((col(HelpRequest.when_kind) != WhenKind.urgent.value), col(HelpRequest.id))
                    .limit(BOARD_LIMIT)
                )
            ).scalars()
            items = []
            for r in reqs:
                names = [display_name(p) for p, _ in await _holders(s, r.id or 0)]
                items.append(BoardItem(r, names))
            boards.append(
                Board(g, items, await volunteer_loads(s, g.id or 0), core.cfg.requests.max_open_tasks_per_volunteer)
            )
        return boards


async def _holders(s: AsyncSession, request_id: int) -> list[tuple[Person, str]]:
    out = []
    for a in await assignments(s, request_id, LIVE + [AssignmentStatus.done.value]):
        p = await s.get(Person, a.volunteer_id)
        if p is not None:
            out.append((p, a.status))
    return out


async def request_for_leader(core: Core, actor: Actor, request_id: int) -> LeaderView:
    async with core.db.session() as s:
        _, req = await _leader_of_request(s, actor, request_id)
        dup = await s.get(HelpRequest, req.suspected_duplicate_of) if req.suspected_duplicate_of else None
        return LeaderView(req, await _holders(s, req.id or 0), dup)


async def volunteers_for(core: Core, actor: Actor, request_id: int) -> tuple[HelpRequest, list[VolunteerLoad]]:
    """Who the leader can dispatch this request to (skills that fit first, then the least busy)."""
    async with core.db.session() as s:
        _, req = await _leader_of_request(s, actor, request_id)
        holding = {p.id for p, _ in await _holders(s, req.id or 0)}
        loads = [v for v in await volunteer_loads(s, req.grid_id, req.category) if v.person.id not in holding]
        return req, loads


async def _volunteer(s: AsyncSession, person_id: int) -> Person:
    p = await s.get(Person, person_id) if row_id(person_id) else None
    if p is None:
        raise NotFound("board.error.no_volunteer")
    return p


async def dispatch_task(core: Core, actor: Actor, request_id: int, volunteer_person_id: int) -> ClaimResult:
    """派单: the leader gives one slot of an open request to a chosen volunteer of the grid."""
    async with core.db.session() as s:
        leader, req = await _leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value)
        return await assign_volunteer(core, s, req, await _volunteer(s, volunteer_person_id), dispatched_by=leader.id)


async def reassign_task(
    core: Core, actor: Actor, request_id: int, from_person_id: int, to_person_id: int
) -> ClaimResult:
    """Move a taken (not yet finished) slot from one volunteer to another, in one transaction."""
    async with core.db.session() as s:
        leader, req = await _leader_of_request(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        if from_person_id == to_person_id:
            raise InvalidInput("board.error.same_volunteer")
        held = await claims.holds(s, req.id or 0, from_person_id)
        if held is None or held.status not in LIVE:
            raise Conflict("board.error.not_holding", code=req.code or "")
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
        leader, req = await _leader_of_request(s, actor, request_id)
        require_status(req, *ACTIVE)
        return await _end(core, s, leader, req, RequestStatus.closed, "request.close", close_reason=reason_v)


async def mark_out_of_scope(core: Core, actor: Actor, request_id: int, referral: str, reason: str) -> HelpRequest:
    """Not for volunteers: say why and where it belongs (city hotline 12345, property management...)."""
    if referral not in REFERRALS:
        raise InvalidInput("board.error.referral")
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        leader, req = await _leader_of_request(s, actor, request_id)
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
        leader, req = await _leader_of_request(s, actor, request_id)
        other = await get_request(s, of_request_id)
        if other.id == req.id or other.grid_id != req.grid_id:
            raise InvalidInput("board.error.duplicate_target")
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        return await _end(core, s, leader, req, RequestStatus.duplicate, "request.duplicate", duplicate_of=other.id)


async def dismiss_duplicate(core: Core, actor: Actor, request_id: int) -> HelpRequest:
    """The leader says the flagged request is not a duplicate."""
    async with core.db.session() as s:
        leader, req = await _leader_of_request(s, actor, request_id)
        if req.suspected_duplicate_of is None:
            raise Conflict("board.error.not_flagged", code=req.code or "")
        req.suspected_duplicate_of = None
        s.add(req)
        await audit.record(s, leader.id, "request.not_duplicate", "request", req.id, code=req.code)
        return req


async def duplicate_candidates(core: Core, actor: Actor, request_id: int) -> tuple[HelpRequest, list[HelpRequest]]:
    """Other active requests of the grid this one could duplicate (the flagged one first)."""
    async with core.db.session() as s:
        _, req = await _leader_of_request(s, actor, request_id)
        rows = list(
            (
                await s.execute(
                    select(HelpRequest)
                    .where(
                        col(HelpRequest.grid_id) == req.grid_id,
                        col(HelpRequest.id) != req.id,
                        col(HelpRequest.status).in_(ACTIVE),
                    )
                    .order_by(col(HelpRequest.id).desc())
                    .limit(10)
                )
            ).scalars()
        )
        rows.sort(key=lambda r: r.id != req.suspected_duplicate_of)
        return req, rows
