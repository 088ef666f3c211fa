"""接单, once taken: the volunteer starts a task they hold, reports it done or gives it back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.roles import Actor, by_tg, ensure_person, leaders_of
from storage import audit, claim_reads, claims
from storage.detached import detached
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import Assignment, HelpRequest, Person, table_of

from . import fields as rin
from .common import display_name, get_request, notice_for, require_status, taker_names_of, tell
from .confirmation import ask_leaders_to_confirm
from .facts import TaskView
from .grid_today import this_year
from .notices import DoneReported, ReleasedToLeader, TaskReleased, TaskStarted
from .posting import Send, card_edits, queue, refresh_cards
from .task_details import held, people_of, read_view, view_of
from .unit_release import tell_contact_member_left


async def _holding(s: AsyncSession, actor: Actor, request_id: int) -> tuple[Person, HelpRequest, Assignment]:
    person = await ensure_person(s, actor)
    req = await get_request(s, request_id)
    a = await claims.holds(s, request_id, person.id or 0)
    if a is None:
        raise NotAllowed("task.error.not_yours", code=req.code or "")
    return person, req, a


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
        return await read_view(s, req, a, this_year(core))


_PERSON = table_of(Person)
# as task_details.HELD (the volunteer, the request, their assignment on it, its resident and household),
# plus the reopen count (the confirmation's key) and one row per taker (the card's names)
_DONE = (
    by_tg(*claim_reads.held_columns(), claim_reads.REOPENS.label("reopens"), *claim_reads.taker_columns())
    .select_from(claim_reads.taker_joins(claim_reads.holding_joins(_PERSON, col(Person.id))))
    .order_by(claim_reads.TA.c.id)
)


async def report_done(core: Core, actor: Actor, request_id: int, hours: float | str, note: str | None) -> TaskView:
    """The volunteer says it is done (hours, a note). Points wait for the resident's confirmation."""
    hours_v = rin.parse_hours(hours)
    note_v = rin.check_comment(note) if note and rin.clean_text(note) else None
    async with core.db.session() as s:
        h = await held(s, actor, request_id, _DONE)
        person, req = h.person, h.req
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        done = await claims.finish(s, h.a.id or 0, core.clock.now(), hours_v, note_v)
        if done is None:
            raise Conflict("task.error.already_done", code=req.code or "")
        a = detached(Assignment, done.assignment)  # the UPDATEs' RETURNING instead of two refreshes
        if done.request is not None:
            req = detached(HelpRequest, done.request)
        await audit.record(s, person.id, "task.done", "request", req.id, code=req.code, hours=hours_v)
        resident, household = people_of(h.row)
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
        members = any(r.t_unit is not None for r in h.rows)  # a unit's members among them: the card names the unit
        edits = await card_edits(core, s, req, takers=taker_names_of(h.rows), unit_members=members)
        await queue(core, s, sends, edits)
        return view_of(req, a, resident, household, this_year(core))


@dataclass(frozen=True)
class Released:
    request: HelpRequest
    for_unit: bool  # a unit's member gave their part back: the unit holds the slot, its contact was told


async def release_task(core: Core, actor: Actor, request_id: int, reason: str) -> Released:
    """Give a task back with a reason; it returns to the board and the card says so (a unit's member's
    part stays the unit's: its contact is told, to put another member on it or give it back)."""
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
        unit = ""  # a unit's member: the unit still holds the slot; its contact hears
        if a.unit_claim_id is not None:
            unit = await tell_contact_member_left(core, s, req, a, person, reason_v)
        if req.resident_id:  # told it waits for another volunteer, or that the unit sends someone else
            await tell(
                core,
                s,
                req.resident_id,
                f"released:{a.id}",
                TaskReleased,
                code=req.code or "",
                volunteer_name=display_name(person),
                unit=unit,
            )
        if a.unit_claim_id is not None:
            await refresh_cards(core, s, req)
            return Released(req, True)
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
        return Released(req, False)
