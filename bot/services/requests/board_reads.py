"""派单, what the grid leader sees: the board — open requests, each volunteer's load — a request's
detail, who it can go to and what it could duplicate.

Every function checks that the actor leads the request's grid (or administers its community);
the web dashboard calls the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.roles import Actor, can_lead, ensure_person, is_admin_of, led_grids
from storage import claims
from storage.enums import AssignmentStatus, VolunteerStatus, WhenKind
from storage.models import Assignment, Grid, HelpRequest, Person, Unit, UnitClaim, VolunteerProfile
from storage.referral_reads import ReferralState, latest_referrals

from .common import ACTIVE, HOLDING, LIVE, assignments, display_name, get_request
from .facts import skills_fit
from .grid_today import this_year

BOARD_LIMIT = 30


@dataclass
class VolunteerLoad:
    person: Person
    open_tasks: int
    skills: list[str]
    fits: bool = False


@dataclass(frozen=True)
class UnitHolding:
    """A paired unit's live claim on a request, as the leader sees it: the unit, who of it is on it."""

    claim_id: int
    unit: str
    members: list[tuple[str, str]] = field(default_factory=list)  # name, assignment status


@dataclass
class BoardItem:
    request: HelpRequest
    takers: list[str] = field(default_factory=list)  # the volunteers on their own
    units: list[UnitHolding] = field(default_factory=list)  # and the units holding a slot
    referral: ReferralState | None = None  # 吹哨: its latest referral to a department


@dataclass
class Board:
    grid: Grid
    items: list[BoardItem]
    volunteers: list[VolunteerLoad]
    max_load: int
    this_year: int  # the year it is: a request's date in another year shows its year


@dataclass
class LeaderView:
    request: HelpRequest
    holders: list[tuple[Person, str]]  # volunteer, assignment status (volunteers on their own)
    this_year: int  # the year it is: the request's date in another year shows its year
    duplicate_of: HelpRequest | None = None
    units: list[UnitHolding] = field(default_factory=list)  # the units holding a slot each
    referral: ReferralState | None = None  # 吹哨: its latest referral to a department
    admin: bool = False  # the reader is an admin of its community: it may be forwarded (吹哨) from here


async def leader_of_request(s: AsyncSession, actor: Actor, request_id: int) -> tuple[Person, HelpRequest]:
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
                items.append(BoardItem(r, names, await unit_holdings(s, r.id or 0)))
            found = await latest_referrals(s, core.clock.now(), requests=[i.request.id or 0 for i in items])
            for i in items:
                i.referral = found.get(i.request.id or 0)
            boards.append(
                Board(
                    g,
                    items,
                    await volunteer_loads(s, g.id or 0),
                    core.cfg.requests.max_open_tasks_per_volunteer,
                    this_year(core),
                )
            )
        return boards


async def _holders(s: AsyncSession, request_id: int, *, members: bool = False) -> list[tuple[Person, str]]:
    """Who holds the request on their own (with `members`: and the units' members too)."""
    out = []
    for a in await assignments(s, request_id, LIVE + [AssignmentStatus.done.value]):
        p = await s.get(Person, a.volunteer_id)
        if p is not None and (members or a.unit_claim_id is None):
            out.append((p, a.status))
    return out


async def unit_holdings(s: AsyncSession, request_id: int) -> list[UnitHolding]:
    """The units holding a live claim on the request, oldest first, each with its members on it."""
    rows = (
        await s.execute(
            select(col(UnitClaim.id), col(Unit.name))
            .join(Unit, col(Unit.id) == col(UnitClaim.unit_id))
            .where(col(UnitClaim.request_id) == request_id, col(UnitClaim.status) == claims.LIVE_CLAIM)
            .order_by(col(UnitClaim.id))
        )
    ).all()
    out = []
    for cid, name in rows:
        members = (
            await s.execute(
                select(col(Person.name), col(Assignment.status))
                .join(Person, col(Person.id) == col(Assignment.volunteer_id))
                .where(col(Assignment.unit_claim_id) == cid, col(Assignment.status).in_(HOLDING))
                .order_by(col(Assignment.id))
            )
        ).all()
        out.append(UnitHolding(int(cid or 0), name, [(n or "?", st) for n, st in members]))
    return out


async def request_for_leader(core: Core, actor: Actor, request_id: int) -> LeaderView:
    async with core.db.session() as s:
        me, req = await leader_of_request(s, actor, request_id)
        dup = await s.get(HelpRequest, req.suspected_duplicate_of) if req.suspected_duplicate_of else None
        rid = req.id or 0
        found = await latest_referrals(s, core.clock.now(), requests=[rid])
        grid = await s.get(Grid, req.grid_id)
        admin = grid is not None and await is_admin_of(s, me, grid.community_id)
        return LeaderView(
            req, await _holders(s, rid), this_year(core), dup, await unit_holdings(s, rid), found.get(rid), admin
        )


async def volunteers_for(core: Core, actor: Actor, request_id: int) -> tuple[HelpRequest, list[VolunteerLoad]]:
    """Who the leader can dispatch this request to (skills that fit first, then the least busy)."""
    async with core.db.session() as s:
        _, req = await leader_of_request(s, actor, request_id)
        holding = {p.id for p, _ in await _holders(s, req.id or 0, members=True)}
        loads = [v for v in await volunteer_loads(s, req.grid_id, req.category) if v.person.id not in holding]
        return req, loads


async def duplicate_candidates(core: Core, actor: Actor, request_id: int) -> tuple[HelpRequest, list[HelpRequest]]:
    """Other active requests of the grid this one could duplicate (the flagged one first)."""
    async with core.db.session() as s:
        _, req = await leader_of_request(s, actor, request_id)
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
