"""接单 by a paired unit (包联单位认领): the unit's contact claims a request for the unit (one slot, taken
atomically with the same statement as a volunteer's Accept: storage/claims/unit.py), then puts members
on it. Each member then holds the task as a volunteer does (details with the address, the resident
told who is coming, start, done, rating, points); the contact never sees the address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, AlreadyYours, Conflict, NotAllowed, NotFound
from bot.services.kernel.namesakes import namesake_hints
from bot.services.kernel.roles import Actor, ensure_person, row_id
from storage import audit, claim_reads, claims
from storage.claim_reads import HOLDING
from storage.enums import RequestStatus, VolunteerStatus
from storage.models import (
    Assignment,
    Grid,
    HelpRequest,
    Household,
    Person,
    Unit,
    UnitClaim,
    UnitCommunity,
    VolunteerProfile,
)
from storage.rows import key_of, set_committed

from .common import display_name, notice_for, require_status
from .grid_today import this_year
from .notices import TaskTaken, UnitClaimed, UnitClaimView, UnitMember, VolunteerComing
from .posting import Send, card_edits, queue
from .task_details import view_of


async def _contact_unit(s: AsyncSession, me: Person, grid_id: int) -> Unit:
    """The unit this person is the contact of, paired with the grid's community (the first by id)."""
    unit = (
        (
            await s.execute(
                select(Unit)
                .join(UnitCommunity, col(UnitCommunity.unit_id) == col(Unit.id))
                .join(Grid, col(Grid.community_id) == col(UnitCommunity.community_id))
                .where(col(Unit.contact_id) == me.id, col(Grid.id) == grid_id)
                .order_by(col(Unit.id))
            )
        )
        .scalars()
        .first()
    )
    if unit is None:
        raise NotAllowed("units.claim_contacts_only")
    return unit


async def claim_view(s: AsyncSession, claim: UnitClaim, unit: Unit, req: HelpRequest) -> UnitClaimView:
    """The claim with the unit's approved members who serve in the request's community."""
    grid = await s.get_one(Grid, req.grid_id)
    rows = (
        await s.execute(
            select(col(Person.id), col(Person.name), col(Person.phone))
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
            .where(
                col(VolunteerProfile.unit_id) == unit.id,
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                col(Grid.community_id) == grid.community_id,
                col(Person.forgotten_at).is_(None),
            )
            .order_by(col(Person.id))
        )
    ).all()
    on = set(
        (
            await s.execute(
                select(col(Assignment.volunteer_id)).where(
                    col(Assignment.unit_claim_id) == claim.id, col(Assignment.status).in_(HOLDING)
                )
            )
        ).scalars()
    )
    hints = namesake_hints((pid, name, phone) for pid, name, phone in rows)
    return UnitClaimView(
        key_of(claim),
        unit.name,
        req.code or "",
        req.category,
        req.summary,
        claim.status == claims.LIVE_CLAIM and req.status in (RequestStatus.open.value, RequestStatus.filled.value),
        [UnitMember(int(pid or 0), name, pid in on, hints.get(int(pid or 0))) for pid, name, _ in rows],
    )


async def claim_for_unit(core: Core, actor: Actor, request_id: int) -> UnitClaimView:
    """The unit's contact presses "claim for my unit" on a card: the unit takes one slot, or
    AlreadyTaken when the last went to someone quicker. The contact is sent the claim in private,
    with a button per member."""
    code = ""
    try:
        async with core.db.session() as s:
            me = await ensure_person(s, actor)
            req = await s.get(HelpRequest, request_id) if row_id(request_id) else None
            if req is None or req.erased_at is not None:
                raise NotFound("request.error.not_found")
            code = req.code or ""
            # the card's moment has passed for everyone (done, closed), whoever presses
            require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
            unit = await _contact_unit(s, me, req.grid_id)
            held = await s.scalar(
                select(col(UnitClaim.id)).where(
                    col(UnitClaim.request_id) == req.id,
                    col(UnitClaim.unit_id) == unit.id,
                    col(UnitClaim.status) == claims.LIVE_CLAIM,
                )
            )
            if held is not None:
                raise AlreadyYours("units.claim_already_yours", code=code)
            if req.status == RequestStatus.filled.value:
                raise AlreadyTaken("task.error.taken", code=code)
            now = core.clock.now()
            taken = await claims.take_for_unit(s, key_of(req), key_of(unit), key_of(me), now)
            if taken is None:
                raise AlreadyTaken("task.error.taken", code=code)
            claim_id, values = taken
            set_committed(req, **values)
            claim = await s.get_one(UnitClaim, claim_id)
            view = await claim_view(s, claim, unit, req)
            sends: list[Send] = []
            told = notice_for(me, UnitClaimed, claim=view)
            if told is not None:
                sends.append((f"unit-claimed:{claim_id}", told, f"unit-claim:{claim_id}", False))
            await queue(core, s, sends, await card_edits(core, s, req))  # the takers and units, read
            return view
    except IntegrityError:  # the same unit's two presses raced on PostgreSQL; one of them won
        raise AlreadyYours("units.claim_already_yours", code=code) from None


async def check_member_load(core: Core, s: AsyncSession, req: HelpRequest, person_id: int, name: str) -> None:
    """A member put on the unit's task is held to the open-task limit of a volunteer's Accept: their
    claims one at a time (PostgreSQL: their profile locked, as an Accept locks it), then their load."""
    await claims.lock_volunteer(s, person_id)
    limit = core.cfg.requests.max_open_tasks_per_volunteer
    if int(await s.scalar(select(claim_reads.load(person_id))) or 0) >= limit:
        raise NotAllowed("units.member_too_many", n=limit, name=name)


async def contact_claim(s: AsyncSession, me: Person, claim_id: int) -> tuple[UnitClaim, Unit, HelpRequest]:
    claim = await s.get(UnitClaim, claim_id) if row_id(claim_id) else None
    if claim is None:
        raise NotFound("units.claim_not_found")
    unit = await s.get_one(Unit, claim.unit_id)
    if unit.contact_id != me.id:
        raise NotAllowed("units.claim_contacts_only")
    return claim, unit, await s.get_one(HelpRequest, claim.request_id)


async def unit_claim(core: Core, actor: Actor, claim_id: int) -> UnitClaimView:
    """The claim as it is now, for its unit's contact."""
    async with core.db.session() as s:
        claim, unit, req = await contact_claim(s, await ensure_person(s, actor), claim_id)
        return await claim_view(s, claim, unit, req)


async def assign_member(core: Core, actor: Actor, claim_id: int, person_id: int) -> UnitClaimView:
    """The contact puts a member on the unit's task: they get its details (address included: they go)
    and the resident is told who is coming; the card names them. Stale once the claim ended or the
    task moved on; AlreadyYours when the member is on it already."""
    try:
        async with core.db.session() as s:
            me = await ensure_person(s, actor)
            claim, unit, req = await contact_claim(s, me, claim_id)
            await claims.lock_unit_claim(s, key_of(claim))  # not given back while a member is put on it
            await s.refresh(claim)
            if claim.status != claims.LIVE_CLAIM:
                raise Conflict("units.claim_ended", code=req.code or "")
            require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
            view = await claim_view(s, claim, unit, req)
            member = next((m for m in view.members if m.person_id == person_id), None)
            if member is None:
                raise NotAllowed("units.not_a_member")
            if member.on_it:
                raise AlreadyYours("units.member_on_it", name=member.name)
            await check_member_load(core, s, req, person_id, member.name)
            now = core.clock.now()
            aid = await claims.add_member(s, claim, person_id, key_of(me), now)
            a = await s.get_one(Assignment, aid)
            volunteer = await s.get_one(Person, person_id)
            resident = await s.get(Person, req.resident_id) if req.resident_id else None
            household = await s.get(Household, req.household_id) if req.household_id else None
            sends: list[Send] = []
            taken = notice_for(
                volunteer,
                TaskTaken,
                task=view_of(req, a, resident, household, this_year(core)),
                dispatched=True,
                unit=unit.name,
            )
            if taken is not None:
                sends.append((f"task-details:{aid}", taken, None, False))
            coming = notice_for(
                resident,
                VolunteerComing,
                code=req.code or "",
                request_id=key_of(req),
                volunteer_id=person_id,
                volunteer_name=display_name(volunteer),
                volunteer_short=volunteer.name or "",
            )
            if coming is not None:
                sends.append((f"coming:{aid}", coming, None, False))
            await audit.record(s, me.id, "task.unit_assign", "request", req.id, unit=unit.id, volunteer=person_id)
            await queue(core, s, sends, await card_edits(core, s, req))  # the takers and units, read
            return await claim_view(s, claim, unit, req)
    except IntegrityError:  # the member took it themselves, or two presses raced
        raise AlreadyYours("units.member_on_it", name="") from None
