"""接单: volunteers take tasks from the board, start them, report them done or give them back."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Raw, t, tp
from storage import audit, claims
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import Assignment, HelpRequest, Household, Person

from . import request_input as rin
from .cards import refresh_cards
from .core import Core
from .errors import AlreadyTaken, Conflict, NotAllowed
from .notifier import Button
from .people import Actor, approved_volunteer, ensure_person, leaders_of
from .request_common import ACTIVE, LIVE, display_name, get_request, reopen_count, require_status, tell
from .task_texts import details_buttons, details_text, outcome_buttons, relay_button


@dataclass(frozen=True)
class ClaimResult:
    request: HelpRequest
    assignment_id: int
    slots_left: int
    filled: bool


@dataclass
class TaskView:
    request: HelpRequest
    assignment: Assignment
    resident_name: str | None = None
    household: Household | None = None
    can_message: bool = False


async def check_can_take(s: AsyncSession, core: Core, volunteer: Person, req: HelpRequest, *,
                         dispatched: bool = False) -> None:
    """An approved volunteer of the request's grid, under the open-task limit, not already on it.
    The refusals speak to the volunteer pressing Accept, or about them to the leader dispatching."""
    prof = await approved_volunteer(s, volunteer)
    if prof is None:
        raise NotAllowed("board.error.not_volunteer" if dispatched else "task.error.not_volunteer", name=volunteer.name)
    if prof.grid_id != req.grid_id:
        raise NotAllowed("task.error.other_grid")
    if await claims.holds(s, req.id or 0, volunteer.id or 0):
        raise Conflict("board.error.already_holding" if dispatched else "task.error.already_yours",
                       code=req.code or "", name=volunteer.name)
    limit = core.cfg.requests.max_open_tasks_per_volunteer
    if await claims.open_load(s, volunteer.id or 0) >= limit:
        raise NotAllowed("board.error.too_many" if dispatched else "task.error.too_many", max=limit, name=volunteer.name)


async def assign_volunteer(core: Core, s: AsyncSession, req: HelpRequest, volunteer: Person,
                           dispatched_by: int | None = None) -> ClaimResult:
    """Take one slot for `volunteer` atomically, then tell them the details and the resident who is
    coming, and edit the card. AlreadyTaken when the last slot went to someone quicker."""
    await claims.lock_volunteer(s, volunteer.id or 0)
    await check_can_take(s, core, volunteer, req, dispatched=dispatched_by is not None)
    slot = await claims.take_slot(s, req.id or 0, volunteer.id or 0, core.clock.now(), dispatched_by)
    if slot is None:
        raise AlreadyTaken("task.error.taken", code=req.code or "")
    await s.refresh(req)
    action = "task.dispatch" if dispatched_by else "task.claim"
    await audit.record(s, dispatched_by or volunteer.id, action, "request", req.id, code=req.code,
                       volunteer=volunteer.id, slots_taken=slot.slots_taken, slots=slot.slots)
    view = await _view(s, req, (await s.get(Assignment, slot.assignment_id)))  # type: ignore[arg-type]
    intro = "task.details.dispatched_intro" if dispatched_by else "task.details.taken_intro"
    lang = core.lang(volunteer.language)
    await tell(core, s, volunteer.id, f"task-details:{slot.assignment_id}", "task.details.wrap",
               details_buttons(lang, view), intro=_raw(lang, intro, req), details=_raw_details(lang, view))
    if req.resident_id:
        await tell(core, s, req.resident_id, f"coming:{slot.assignment_id}", "request.coming",
                   lambda lg: [[relay_button(lg, req.id or 0, volunteer)]], code=req.code or "",
                   name=display_name(volunteer))
    await refresh_cards(core, s, req)
    return ClaimResult(req, slot.assignment_id, slot.slots - slot.slots_taken, slot.status == RequestStatus.filled.value)


def _raw(lang: str, key: str, req: HelpRequest) -> Raw:
    return Raw(t(lang, key, code=req.code or ""))


def _raw_details(lang: str, view: TaskView) -> Raw:
    return Raw(details_text(lang, view))


async def claim_task(core: Core, actor: Actor, request_id: int) -> ClaimResult:
    """A volunteer presses Accept: exactly as many win as there are slots (see storage/claims.py)."""
    try:
        async with core.db.session() as s:
            volunteer = await ensure_person(s, actor)
            req = await get_request(s, request_id)
            if req.status == RequestStatus.filled.value:
                raise AlreadyTaken("task.error.taken", code=req.code or "")
            require_status(req, RequestStatus.open.value)
            return await assign_volunteer(core, s, req, volunteer)
    except IntegrityError:  # the same volunteer's two presses raced on PostgreSQL; one of them won
        raise Conflict("task.error.already_yours", code="")


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
    return TaskView(req, a, display_name(resident) if resident else None, household,
                    bool(resident and resident.tg_user_id and req.status in ACTIVE))


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
            await tell(core, s, req.resident_id, f"started:{a.id}", "request.started", code=req.code or "",
                       name=display_name(person))
        return await _view(s, req, a)


async def report_done(core: Core, actor: Actor, request_id: int, hours: float | str, note: str | None) -> TaskView:
    """The volunteer says it is done (hours, a note). Points wait for the resident's confirmation."""
    hours_v = rin.parse_hours(hours)
    note_v = rin.check_comment(note) if note and rin.clean_text(note) else None
    async with core.db.session() as s:
        person, req, a = await _holding(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        now = core.clock.now()
        if not await claims.finish(s, a.id or 0, now, hours_v, note_v):
            raise Conflict("task.error.already_done", code=req.code or "")
        await s.refresh(req)
        await s.refresh(a)
        await audit.record(s, person.id, "task.done", "request", req.id, code=req.code, hours=hours_v)
        if req.status == RequestStatus.done_reported.value:
            await _ask_confirmation(core, s, req, person, hours_v, note_v)
        await refresh_cards(core, s, req)
        return await _view(s, req, a)


async def _ask_confirmation(core: Core, s: AsyncSession, req: HelpRequest, volunteer: Person, hours: float,
                            note: str | None) -> None:
    from .ratings import ask_leaders_to_confirm
    resident = await s.get(Person, req.resident_id) if req.resident_id else None
    if resident is not None and resident.tg_user_id is not None and resident.forgotten_at is None:
        await tell(core, s, resident.id, f"done:{req.id}:{await reopen_count(s, req.id or 0)}", "request.done_ask",
                   lambda lg: outcome_buttons(lg, req.id or 0), code=req.code or "",
                   name=display_name(volunteer), hours=f"{hours:g}", note=note or "—")
    else:  # nobody to confirm (a household's request): the leaders confirm right away
        await ask_leaders_to_confirm(core, s, req)


async def release_task(core: Core, actor: Actor, request_id: int, reason: str) -> HelpRequest:
    """Give a task back with a reason; it returns to the board and the card says so."""
    reason_v = rin.check_reason(reason)
    async with core.db.session() as s:
        person, req, a = await _holding(s, actor, request_id)
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        if not await claims.give_back(s, a.id or 0, core.clock.now(), status=AssignmentStatus.released, reason=reason_v):
            raise Conflict("task.error.already_done", code=req.code or "")
        await s.refresh(req)
        await audit.record(s, person.id, "task.release", "request", req.id, code=req.code,
                           reason=rin.mask_phones(reason_v)[:200])
        if req.resident_id:
            await tell(core, s, req.resident_id, f"released:{a.id}", "request.released", code=req.code or "",
                       name=display_name(person))
        for leader in await leaders_of(s, req.grid_id):
            await tell(core, s, leader.id, f"released:{a.id}:lead:{leader.id}", "board.released.to_leader",
                       lambda lg, r=req: [[Button(tp(lg, "board.open_button", code=r.code or ""), data=f"board:req:{r.id}")]],
                       code=req.code or "", name=display_name(person), reason=reason_v)
        await refresh_cards(core, s, req, note_key="request.card.returned")
        return req


async def my_tasks(core: Core, actor: Actor) -> list[TaskView]:
    """The volunteer's tasks not yet finished: taken, started, or done and waiting for confirmation."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        rows = (await s.exec(select(Assignment, HelpRequest).join(HelpRequest, HelpRequest.id == Assignment.request_id)  # type: ignore[call-overload]
                .where(Assignment.volunteer_id == person.id,
                       Assignment.status.in_(LIVE + [AssignmentStatus.done.value]),  # type: ignore[attr-defined]
                       HelpRequest.status.in_(ACTIVE)).order_by(HelpRequest.id))).all()  # type: ignore[attr-defined]
        return [await _view(s, req, a) for a, req in rows]


async def task_view(core: Core, actor: Actor, request_id: int) -> TaskView:
    """The private details of a task, for the volunteer who holds it."""
    async with core.db.session() as s:
        _, req, a = await _holding(s, actor, request_id)
        return await _view(s, req, a)


async def reopen_assignments(s: AsyncSession, request_id: int) -> list[int]:
    """'Not done': the volunteers who reported done are back on the task; their person ids."""
    rows = (await s.exec(update(Assignment).where(  # type: ignore[call-overload]
        Assignment.request_id == request_id, Assignment.status == AssignmentStatus.done.value)
        .values(status=AssignmentStatus.accepted.value, done_at=None).returning(Assignment.volunteer_id))).all()
    return [int(r[0]) for r in rows]
