"""接单: a volunteer takes a task from the board (or the leader dispatches one): one slot, atomically,
then the details to the volunteer, the news to the resident and the card edited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, AlreadyYours, NotAllowed, NotFound
from bot.services.kernel.roles import Actor, by_tg, load_rows, row_id
from storage import claim_reads, claims
from storage.card_reads import COPIES_JSON, LeadCopy, Taker, lead_pattern
from storage.detached import detached
from storage.enums import AssignmentStatus, RequestStatus, VolunteerStatus
from storage.models import Assignment, HelpRequest, Person, table_of
from storage.rows import AnyRow, set_committed

from .common import display_name, notice_for, part_of, require_status, taker_name
from .grid_today import this_year
from .notices import TaskTaken, VolunteerComing
from .posting import Send, card_edits, queue
from .task_details import people_of, view_of


@dataclass(frozen=True)
class ClaimResult:
    request: HelpRequest
    assignment_id: int
    slots_left: int
    filled: bool


def check_can_take(core: Core, volunteer: Person, req: HelpRequest, ctx: AnyRow, *, dispatched: bool = False) -> None:
    """An approved volunteer of the request's grid, under the open-task limit, not already on it.
    The refusals speak to the volunteer pressing Accept, or about them to the leader dispatching.
    `ctx`: their profile, holding and load (storage/claim_reads.py); on PostgreSQL the take checks
    the holding and load again after the locks (see check_load)."""
    if ctx.vp_status != VolunteerStatus.approved.value:
        raise NotAllowed("board.error.not_volunteer" if dispatched else "task.error.not_volunteer", name=volunteer.name)
    if ctx.vp_grid_id != req.grid_id:
        raise NotAllowed("task.error.other_grid")
    check_load(core, volunteer, req, ctx.held is not None, int(ctx.load or 0), dispatched=dispatched)


def check_load(core: Core, volunteer: Person, req: HelpRequest, held: bool, load: int, *, dispatched: bool) -> None:
    """Not already on the request, under the open-task limit (checked again by the take itself)."""
    if held:
        raise AlreadyYours(
            "board.error.already_holding" if dispatched else "task.error.already_yours",
            code=req.code or "",
            name=volunteer.name,
        )
    limit = core.cfg.requests.max_open_tasks_per_volunteer
    if load >= limit:
        raise NotAllowed("board.error.too_many" if dispatched else "task.error.too_many", n=limit, name=volunteer.name)


async def assign_volunteer(
    core: Core, s: AsyncSession, req: HelpRequest, volunteer: Person, dispatched_by: int | None = None
) -> ClaimResult:
    """Take one slot for `volunteer` atomically, then tell them the details and the resident who is
    coming, and edit the card. AlreadyTaken when the last slot went to someone quicker."""
    await claims.lock_claim(s, volunteer.id or 0, req.id or 0)
    ctx = await claim_reads.claim_context(s, req.id or 0, volunteer.id or 0)
    return await _assign(core, s, req, volunteer, ctx, dispatched_by)


Audience = tuple[list[Taker], list[LeadCopy]]  # the card's takers, oldest first, and the leaders' copies


async def _assign(
    core: Core,
    s: AsyncSession,
    req: HelpRequest,
    volunteer: Person,
    ctx: AnyRow,
    dispatched_by: int | None,
    audience: Audience | None = None,
) -> ClaimResult:
    dispatched = dispatched_by is not None
    check_can_take(core, volunteer, req, ctx, dispatched=dispatched)
    now = core.clock.now()
    slot = await claims.take_slot(
        s,
        req.id or 0,
        volunteer.id or 0,
        now,
        dispatched_by,
        limit=core.cfg.requests.max_open_tasks_per_volunteer,
        audit_action="task.dispatch" if dispatched_by else "task.claim",
    )
    if isinstance(slot, claims.Refused):  # a claim of theirs committed while this one waited for the lock
        check_load(core, volunteer, req, slot.held, slot.load, dispatched=dispatched)
    if not isinstance(slot, claims.Slot):
        raise AlreadyTaken("task.error.taken", code=req.code or "")
    set_committed(req, **slot.request)  # what a refresh would read, from the UPDATE's RETURNING
    a = detached(
        Assignment,
        dict(
            id=slot.assignment_id,
            request_id=req.id,
            volunteer_id=volunteer.id,
            status=AssignmentStatus.accepted.value,
            dispatched_by=dispatched_by,
            created_at=now,
            started_at=None,
            done_at=None,
            hours=None,
            note=None,
            release_reason=None,
        ),
    )
    resident, household = people_of(ctx)
    view = view_of(req, a, resident, household, this_year(core))
    sends: list[Send] = []
    taken = notice_for(volunteer, TaskTaken, task=view, dispatched=dispatched)
    if taken is not None:
        sends.append((f"task-details:{slot.assignment_id}", taken, None, False))
    if req.resident_id:
        coming = notice_for(
            resident,
            VolunteerComing,
            code=req.code or "",
            request_id=req.id or 0,
            volunteer_id=volunteer.id or 0,
            volunteer_name=display_name(volunteer),
            volunteer_short=volunteer.name or "",
        )
        if coming is not None:
            sends.append((f"coming:{slot.assignment_id}", coming, None, False))
    others, copies = (slot.others, slot.copies) if audience is None else audience
    takers = None if others is None else [taker_name(p) for p in others] + [display_name(volunteer)]
    # a unit may hold another place, its members among the takers: read on a request of several places
    several = slot.slots > 1
    await queue(core, s, sends, await card_edits(core, s, req, takers=takers, copies=copies, unit_members=several))
    return ClaimResult(
        req, slot.assignment_id, slot.slots - slot.slots_taken, slot.status == RequestStatus.filled.value
    )


_PERSON = table_of(Person)
# the volunteer (Person first, as load_me wants), their profile and the request locked, what the claim checks: one row
_CLAIM = by_tg(*claim_reads.claim_columns(col(Person.id)), *claims.LOCK_COLUMNS).select_from(
    claim_reads.claim_joins(_PERSON, col(Person.id))
)
# SQLite (no row locks, and no statement that takes and reads at once): the same, and what the card's
# edit needs, read here rather than after the take (its transaction runs alone: nobody else changes the
# takers or the copies in between; this volunteer, not holding it yet, is added as the newest): one row
# per taker of the request, oldest first, and the leaders' copies
_CLAIM_SQLITE = (
    by_tg(*claim_reads.claim_columns(col(Person.id)), *claim_reads.taker_columns(), COPIES_JSON.label("copies"))
    .select_from(claim_reads.taker_joins(claim_reads.claim_joins(_PERSON, col(Person.id))))
    .order_by(claim_reads.TA.c.id)
)


async def claim_task(core: Core, actor: Actor, request_id: int) -> ClaimResult:
    """A volunteer presses Accept: exactly as many win as there are slots (see storage/claims.py)."""
    code = ""
    try:
        async with core.db.session() as s:
            # this read locks the volunteer's profile and the request (PostgreSQL) to the commit: the take
            # then checks their holding and load again, seeing every claim of theirs before (fair-claiming
            # limit), and reads the card's other takers as they stay (see claims.lock_claim)
            if core.db.is_sqlite:
                rows = await load_rows(
                    s, actor, _CLAIM_SQLITE, rid=row_id(request_id), pattern=lead_pattern(request_id)
                )
                others = [Taker(r.t_id, r.t_name, r.t_username) for r in rows if r.t_aid is not None]
                audience: Audience | None = (others, [LeadCopy(*c) for c in rows[0].copies or []])
            else:
                rows, audience = await load_rows(s, actor, _CLAIM, rid=row_id(request_id)), None
            ctx = rows[0]
            volunteer, values = ctx[0], part_of(ctx, claim_reads.HR, "r_")
            if values is None or values["erased_at"] is not None:
                raise NotFound("request.error.not_found")
            req = detached(HelpRequest, values)
            code = req.code or ""
            if ctx.held is not None:  # theirs already (filled or not): said so, after the role and grid checks
                check_can_take(core, volunteer, req, ctx)
            if req.status == RequestStatus.filled.value:
                raise AlreadyTaken("task.error.taken", code=req.code or "")
            require_status(req, RequestStatus.open.value)
            return await _assign(core, s, req, volunteer, ctx, None, audience)
    except IntegrityError:  # the same volunteer's two presses raced on PostgreSQL; one of them won
        raise AlreadyYours("task.error.already_yours", code=code) from None
