"""接单: what a volunteer sees of a task they hold — its private details (the resident, the household),
one task or all of theirs, built from the rows the claim and the held-task reads return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.roles import Actor, by_tg, load_rows, row_id
from storage import claim_reads
from storage.detached import detached
from storage.enums import RequestStatus
from storage.models import Assignment, HelpRequest, Household, Person, table_of
from storage.rows import AnyRow

from .common import ACTIVE, LIVE, display_name, part_of, require_status
from .facts import TaskView
from .grid_today import this_year


def people_of(ctx: AnyRow) -> tuple[Person | None, Household | None]:
    """The resident and household a claim's context row read (storage/claim_reads.py)."""
    p, h = part_of(ctx, claim_reads.RES, "p_"), part_of(ctx, claim_reads.HH, "h_")
    return (detached(Person, p) if p else None), (detached(Household, h) if h else None)


async def read_view(s: AsyncSession, req: HelpRequest, a: Assignment, this_year: int) -> TaskView:
    resident = await s.get(Person, req.resident_id) if req.resident_id else None
    household = await s.get(Household, req.household_id) if req.household_id else None
    return view_of(req, a, resident, household, this_year)


def view_of(
    req: HelpRequest, a: Assignment, resident: Person | None, household: Household | None, this_year: int
) -> TaskView:
    return TaskView(
        req,
        a,
        this_year,
        display_name(resident) if resident else None,
        household,
        bool(resident and resident.tg_user_id and req.status in ACTIVE),
    )


_PERSON = table_of(Person)
# the volunteer (Person first, as load_me wants), the request, their assignment on it, its resident
# and household: what the details show, one row
HELD = by_tg(*claim_reads.held_columns()).select_from(claim_reads.holding_joins(_PERSON, col(Person.id)))


@dataclass
class Held:
    person: Person
    req: HelpRequest
    a: Assignment
    row: AnyRow
    rows: list[AnyRow]


async def held(s: AsyncSession, actor: Actor, request_id: int, stmt: Any = HELD) -> Held:
    """As tasks' `_holding` (same refusals, same order), in one statement; the rows come back detached."""
    rows = await load_rows(s, actor, stmt, rid=row_id(request_id))
    row = rows[0]
    values = part_of(row, claim_reads.HR, "r_")
    if values is None or values["erased_at"] is not None:
        raise NotFound("request.error.not_found")
    req = detached(HelpRequest, values)
    a = part_of(row, claim_reads.AS, "a_")
    if a is None:
        raise NotAllowed("task.error.not_yours", code=req.code or "")
    return Held(row[0], req, detached(Assignment, a), row, rows)


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
            resident, household = people_of(row)
            a_values = part_of(row, claim_reads.AS, "a_")
            assert a_values is not None  # the join reads the volunteer's own assignment of each task
            a = detached(Assignment, a_values)
            views.append(view_of(detached(HelpRequest, values), a, resident, household, this_year(core)))
        return views


async def task_view(core: Core, actor: Actor, request_id: int) -> TaskView:
    """The private details of a task, for the volunteer who holds it."""
    async with core.db.reading() as s:
        h = await held(s, actor, request_id)
        resident, household = people_of(h.row)
        return view_of(h.req, h.a, resident, household, this_year(core))


async def live_task(core: Core, actor: Actor, request_id: int) -> TaskView:
    """The details of a task the volunteer is about to change (report done, give back): refused as
    stale (Conflict) once it is no longer theirs to change (done, completed, closed, given back)."""
    view = await task_view(core, actor, request_id)
    require_status(view.request, RequestStatus.open.value, RequestStatus.filled.value)
    if view.assignment.status not in LIVE:
        raise Conflict("task.error.already_done", code=view.request.code or "")
    return view
