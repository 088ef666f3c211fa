"""接单: volunteers take tasks from the board, start them, report them done or give them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, Conflict, NotAllowed, NotFound
from bot.services.kernel.roles import Actor, by_tg, ensure_person, leaders_of, load_me, load_rows, row_id
from storage import audit, claim_reads, claims
from storage.detached import detached
from storage.enums import AssignmentStatus, RequestStatus, VolunteerStatus
from storage.models import Assignment, HelpRequest, Household, Person, table_of
from storage.rows import AnyRow, set_committed

from . import fields as rin
from .common import (
    ACTIVE,
    display_name,
    get_request,
    notice_for,
    part_of,
    require_status,
    taker_name,
    taker_names_of,
    tell,
)
from .facts import TaskView
from .notices import DoneReported, ReleasedToLeader, TaskReleased, TaskStarted, TaskTaken, VolunteerComing
from .posting import Send, card_edits, queue, refresh_cards
from .ratings import ask_leaders_to_confirm


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
        raise Conflict(
            "board.error.already_holding" if dispatched else "task.error.already_yours",
            code=req.code or "",
            name=volunteer.name,
        )
    limit = core.cfg.requests.max_open_tasks_per_volunteer
    if load >= limit:
        raise NotAllowed(
            "board.error.too_many" if dispatched else "task.error.too_many", max=limit, name=volunteer.name
        )


async def assign_volunteer(
    core: Core, s: AsyncSession, req: HelpRequest, volunteer: Person, dispatched_by: int | None = None
) -> ClaimResult:
    """Take one slot for `volunteer` atomically, then tell them the details and the resident who is
    coming, and edit the card. AlreadyTaken when the last slot went to someone quicker."""
    await claims.lock_claim(s, volunteer.id or 0, req.id or 0)
    ctx = await claim_reads.claim_context(s, req.id or 0, volunteer.id or 0)
    return await _assign(core, s, req, volunteer, ctx, dispatched_by)


async def _assign(
    core: Core, s: AsyncSession, req: HelpRequest, volunteer: Person, ctx: AnyRow, dispatched_by: int | None
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
    resident, household = _people_of(ctx)
    view = _view_of(req, a, resident, household)
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
    takers = None if slot.others is None else [taker_name(p) for p in slot.others] + [display_name(volunteer)]
    await queue(core, s, sends, await card_edits(s, req, takers=takers, copies=slot.copies))
    return ClaimResult(
        req, slot.assignment_id, slot.slots - slot.slots_taken, slot.status == RequestStatus.filled.value
    )


def _people_of(ctx: AnyRow) -> tuple[Person | None, Household | None]:
    """The resident and household a claim's context row read (storage/claim_reads.py)."""
    p, h = part_of(ctx, claim_reads.RES, "p_"), part_of(ctx, claim_reads.HH, "h_")
    return (detached(Person, p) if p else None), (detached(Household, h) if h else None)


_PERSON = table_of(Person)
# the volunteer (Person first, as load_me wants), their profile and the request locked, what the claim checks: one row
_CLAIM = by_tg(*claim_reads.claim_columns(col(Person.id)), *claims.LOCK_COLUMNS).select_from(
    claim_reads.claim_joins(_PERSON, col(Person.id))
)


async def claim_task(core: Core, actor: Actor, request_id: int) -> ClaimResult:
    """A volunteer presses Accept: exactly as many win as there are slots (see storage/claims.py)."""
    try:
        async with core.db.session() as s:
            # this read locks the volunteer's profile and the request (PostgreSQL) to the commit: the take
            # then checks their holding and load again, seeing every claim of theirs before (fair-claiming
            # limit), and reads the card's other takers as they stay (see claims.lock_claim)
            ctx = await load_me(s, actor, _CLAIM, rid=row_id(request_id))
            volunteer, values = ctx[0], part_of(ctx, claim_reads.HR, "r_")
            if values is None or values["erased_at"] is not None:
                raise NotFound("request.error.not_found")
            req = detached(HelpRequest, values)
            if req.status == RequestStatus.filled.value:
                raise AlreadyTaken("task.error.taken", code=req.code or "")
            require_status(req, RequestStatus.open.value)
            return await _assign(core, s, req, volunteer, ctx, None)
    except IntegrityError:  # the same volunteer's two presses raced on PostgreSQL; one of them won
        raise Conflict("task.error.already_yours", code="") from None


async def _holding(s: AsyncSession, actor: Actor, request_id: int) -> tuple[Person, HelpRequest, Assignment]:
    person = await ensure_person(s, actor)
    req = await get_request(s, request_id)
    a = await claims.holds(s, request_id, person.id or 0)
    if a is None:
        raise NotAllowed("task.error.not_yours", code=req.code or "")
    return person, req, a


async def _view(s: AsyncSession, req: HelpRequest, a: Assignment) -> TaskView:
    resident = await s.get(Person, req.resident_id) if req.resident_id else None
    household = await s.get(Household, req.household_id) if req.household_id else None
    return _view_of(req, a, resident, household)


def _view_of(req: HelpRequest, a: Assignment, resident: Person | None, household: Household | None) -> TaskView:
    return TaskView(
        req,
        a,
        display_name(resident) if resident else None,
        household,
        bool(resident and resident.tg_user_id and req.status in ACTIVE),
    )


async def start_task(core: Core, actor: Actor, request_id: int) -> TaskView:
    async with core.db.session() as s:
        person, req, a = await _holding(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        if a.status != AssignmentStatus.accepted.value:
            raise Conflict("task.error.already_started", code=req.code or "")
        a.status, a.started_at = AssignmentStatus.started.value, core.clock.now()
        s.add(a)
        await audit.record(s, person.id, "task.start", "request", req.id, code=req.code)
        if req.resident_id:
            await tell(
                core,
                s,
                req.resident_id,
                f"started:{a.id}",
                TaskStarted,
                code=req.code or "",
                volunteer_name=display_name(person),
            )
        return await _view(s, req, a)


# the volunteer (Person first, as load_me wants), the request, their assignment on it, its resident
# and household: what the details show, one row. Done adds the reopen count (the confirmation's key)
# and one row per taker (the card's names)
_HELD = by_tg(*claim_reads.held_columns()).select_from(claim_reads.holding_joins(_PERSON, col(Person.id)))
_DONE = (
    by_tg(*claim_reads.held_columns(), claim_reads.REOPENS.label("reopens"), *claim_reads.taker_columns())
    .select_from(claim_reads.taker_joins(claim_reads.holding_joins(_PERSON, col(Person.id))))
    .order_by(claim_reads.TA.c.id)
)


@dataclass
class _Held:
    person: Person
    req: HelpRequest
    a: Assignment
    row: AnyRow
    rows: list[AnyRow]


async def _held(s: AsyncSession, actor: Actor, request_id: int, stmt: Any = _HELD) -> _Held:
    """As `_holding` (same refusals, same order), in one statement; the rows come back detached."""
    rows = await load_rows(s, actor, stmt, rid=row_id(request_id))
    row = rows[0]
    values = part_of(row, claim_reads.HR, "r_")
    if values is None or values["erased_at"] is not None:
        raise NotFound("request.error.not_found")
    req = detached(HelpRequest, values)
    a = part_of(row, claim_reads.AS, "a_")
    if a is None:
        raise NotAllowed("task.error.not_yours", code=req.code or "")
    return _Held(row[0], req, detached(Assignment, a), row, rows)


async def report_done(core: Core, actor: Actor, request_id: int, hours: float | str, note: str | None) -> TaskView:
    """The volunteer says it is done (hours, a note). Points wait for the resident's confirmation."""
    hours_v = rin.parse_hours(hours)
    note_v = rin.check_comment(note) if note and rin.clean_text(note) else None
    async with core.db.session() as s:
        h = await _held(s, actor, request_id, _DONE)
        person, req = h.person, h.req
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        done = await claims.finish(s, h.a.id or 0, core.clock.now(), hours_v, note_v)
        if done is None:
            raise Conflict("task.error.already_done", code=req.code or "")
        a = detached(Assignment, done.assignment)  # the UPDATEs' RETURNING instead of two refreshes
        if done.request is not None:
            req = detached(HelpRequest, done.request)
        await audit.record(s, person.id, "task.done", "request", req.id, code=req.code, hours=hours_v)
        resident, household = _people_of(h.row)
        sends: list[Send] = []
        if req.status == RequestStatus.done_reported.value:
            ask = notice_for(
                resident,
                DoneReported,
                code=req.code or "",
                request_id=req.id or 0,
                volunteer_name=display_name(person),
                hours=hours_v,
                note=note_v,
            )
            if ask is not None:
                sends.append((f"done:{req.id}:{int(h.row.reopens or 0)}", ask, None, False))
            else:  # nobody to confirm (a household's request): the leaders confirm right away
                await ask_leaders_to_confirm(core, s, req)
        # the resident's question and the card edits in one insert
        await queue(core, s, sends, await card_edits(s, req, takers=taker_names_of(h.rows)))
        return _view_of(req, a, resident, household)


async def release_task(core: Core, actor: Actor, request_id: int, reason: str) -> HelpRequest:
    """Give a task back with a reason; it returns to the board and the card says so."""
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        person, req, a = await _holding(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        if not await claims.give_back(
            s, a.id or 0, core.clock.now(), status=AssignmentStatus.released, reason=reason_v
        ):
            raise Conflict("task.error.already_done", code=req.code or "")
        await s.refresh(req)
        await audit.record(
            s, person.id, "task.release", "request", req.id, code=req.code, reason=rin.mask_phones(reason_v)[:200]
        )
        if req.resident_id:
            await tell(
                core,
                s,
                req.resident_id,
                f"released:{a.id}",
                TaskReleased,
                code=req.code or "",
                volunteer_name=display_name(person),
            )
        for leader in await leaders_of(s, req.grid_id):
            await tell(
                core,
                s,
                leader.id,
                f"released:{a.id}:lead:{leader.id}",
                ReleasedToLeader,
                code=req.code or "",
                request_id=req.id or 0,
                volunteer_name=display_name(person),
                reason=reason_v,
            )
        await refresh_cards(core, s, req, returned=True)
        return req


# the volunteer (Person first, as load_me wants), then one row per unfinished task with its
# request, resident and household (a row of NULLs when there is none)
_MY_TASKS = (
    by_tg(*claim_reads.task_columns())
    .select_from(claim_reads.task_joins(_PERSON, col(Person.id)))
    .order_by(claim_reads.HR.c.id)
)


async def my_tasks(core: Core, actor: Actor) -> list[TaskView]:
    """The volunteer's tasks not yet finished: taken, started, or done and waiting for confirmation."""
    async with core.db.reading() as s:
        views = []
        for row in await load_rows(s, actor, _MY_TASKS):
            values = part_of(row, claim_reads.HR, "r_")
            if values is None:
                continue
            resident, household = _people_of(row)
            a_values = part_of(row, claim_reads.AS, "a_")
            assert a_values is not None  # the join reads the volunteer's own assignment of each task
            a = detached(Assignment, a_values)
            views.append(_view_of(detached(HelpRequest, values), a, resident, household))
        return views


async def task_view(core: Core, actor: Actor, request_id: int) -> TaskView:
    """The private details of a task, for the volunteer who holds it."""
    async with core.db.reading() as s:
        h = await _held(s, actor, request_id)
        resident, household = _people_of(h.row)
        return _view_of(h.req, h.a, resident, household)
