"""评单: what a confirmation does to a done task — completes it (the outcome stored, the volunteers'
points granted, once), reopens it for the same volunteers, or asks the grid's leaders to confirm.

Points for a task are granted here, once a confirmation came (ratings.py takes the resident's and the
leader's taps) — never on the volunteer's word alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict
from bot.services.kernel.roles import admins_of, leaders_of
from bot.services.points import grant, task_parts
from bot.services.withdrawal import withdraw_referrals
from storage import audit, claim_reads, claims
from storage.detached import detached
from storage.enums import AssignmentStatus, Outcome, PointsReason, RequestStatus
from storage.models import Assignment, Grid, HelpRequest, Person, Rating, table_of
from storage.rows import set_committed

from .common import community_of, display_name, end_relays, notice_for, part_of, reopen_count, tell
from .notices import Completed, ConfirmAsked, Reopened
from .posting import Send, card_edits, queue, refresh_cards

DONE = RequestStatus.done_reported.value

_COMMUNITY = select(col(Grid.community_id)).where(col(Grid.id) == bindparam("gid"))
_RATING_TABLE = table_of(Rating)
_INSERT_RATING = insert(_RATING_TABLE)
_RATING_COLUMNS = [c.key for c in _RATING_TABLE.columns if c.key != "id"]


async def reopen(core: Core, s: AsyncSession, req: HelpRequest, person: Person) -> HelpRequest:
    stamp = await reopen_count(s, req.id or 0)
    back = RequestStatus.filled if req.slots_taken >= req.slots else RequestStatus.open
    if not await claims.set_status(s, req.id or 0, [DONE], back, done_at=None):
        raise Conflict("request.stale.done_reported", code=req.code or "")
    volunteers = await _reopen_assignments(s, req.id or 0)
    set_committed(req, status=back.value, done_at=None)
    await audit.record(s, person.id, "request.reopen", "request", req.id, code=req.code, outcome="not_done")
    for vid in volunteers:
        await tell(core, s, vid, f"reopened:{req.id}:{vid}:{stamp}", Reopened, code=req.code or "", to_leader=False)
    for leader in await leaders_of(s, req.grid_id):
        await tell(
            core,
            s,
            leader.id,
            f"reopened:{req.id}:lead:{leader.id}:{stamp}",
            Reopened,
            code=req.code or "",
            to_leader=True,
        )
    await refresh_cards(core, s, req)
    return req


async def _reopen_assignments(s: AsyncSession, request_id: int) -> list[int]:
    """'Not done': the volunteers who reported done are back on the task; their person ids."""
    rows = (
        await s.execute(
            update(Assignment)
            .where(col(Assignment.request_id) == request_id, col(Assignment.status) == AssignmentStatus.done.value)
            .values(status=AssignmentStatus.accepted.value, done_at=None)
            .returning(col(Assignment.volunteer_id))
        )
    ).all()
    return [int(r[0]) for r in rows]


async def complete(
    core: Core,
    s: AsyncSession,
    req: HelpRequest,
    actor_id: int | None,
    outcome: Outcome,
    *,
    by_leader: bool,
    community_id: int | None = None,
    rows: list[Any] | None = None,
    relays: bool = True,
) -> None:
    """Close a done task as completed, store the outcome and grant the volunteers' points, once.
    `rows`: the takers (claim_reads.full_taker_columns) when the caller read them already."""
    now = core.clock.now()
    if not await claims.set_status(s, req.id or 0, [DONE], RequestStatus.completed, closed_at=now):
        raise Conflict("request.stale.completed", code=req.code or "")
    set_committed(req, status=RequestStatus.completed.value, closed_at=now)
    rating = Rating(
        request_id=req.id or 0,
        resident_id=req.resident_id,
        outcome=outcome.value,
        confirmed_by_leader=by_leader,
        created_at=now,
    )
    conn = await s.connection()
    await conn.execute(_INSERT_RATING, {k: getattr(rating, k) for k in _RATING_COLUMNS})
    if community_id is None:
        community_id = (await conn.execute(_COMMUNITY, {"gid": req.grid_id})).scalar()
    pts = core.cfg.points
    if rows is None:
        rows = await claim_reads.takers_full(s, req.id or 0)
    rows = [a for a in rows if a.t_aid is not None]
    takers = [_taker(a) for a in rows]
    sends: list[Send] = []
    for a, taker in zip(rows, takers, strict=True):
        if a.t_status != AssignmentStatus.done.value or taker is None:
            continue
        hours = a.t_hours or 0.0
        award = await grant(
            s,
            ref=f"task:{req.id}:{a.t_vid}",
            person_id=a.t_vid,
            reason=PointsReason.task,
            parts=task_parts(pts, hours),
            hours=hours,
            grid_id=req.grid_id,
            community_id=community_id,
            now=now,
        )
        done = notice_for(taker, Completed, code=req.code or "", award=award, hours=hours, by_leader=by_leader)
        if done is not None:
            sends.append((f"completed:{req.id}:{a.t_vid}", done, None, False))
    if relays:  # False: the caller read in this transaction that none is open
        await end_relays(s, req.id or 0, now)
    await withdraw_referrals(core, s, actor_id, now, code=req.code or f"#{req.id}", request_id=req.id)
    await audit.record(
        s, actor_id, "request.confirm", "request", req.id, code=req.code, outcome=outcome.value, by_leader=by_leader
    )
    # the volunteers' messages and the card edits in one insert; the takers' names already read
    members = any(a.t_unit is not None for a in rows)  # a unit's members among them: the card names the unit
    names = [display_name(p) for p in takers]
    await queue(core, s, sends, await card_edits(core, s, req, takers=names, unit_members=members))


def _taker(row: Any) -> Person | None:
    """The taker's Person a row of claim_reads.full_taker_columns read; None when the person is gone."""
    if row.p_id is None:
        return None
    values = part_of(row, claim_reads.TAKER, "p_")
    return detached(Person, values) if values is not None else None


async def ask_leaders_to_confirm(core: Core, s: AsyncSession, req: HelpRequest) -> bool:
    """Ask the grid's leaders (or, without any, the community admins) to confirm a done task, once."""
    marked = (
        await s.execute(
            update(HelpRequest)
            .where(col(HelpRequest.id) == req.id, col(HelpRequest.leader_confirm_asked_at) == None)  # noqa: E711
            .values(leader_confirm_asked_at=core.clock.now())
            .returning(col(HelpRequest.id))
        )
    ).first()
    if marked is None:
        return False
    people = await leaders_of(s, req.grid_id)
    if not people:
        com = await community_of(s, req.grid_id)
        people = await admins_of(s, com.id) if com and com.id else []
    for p in people:
        await tell(
            core, s, p.id, f"leader-confirm:{req.id}:{p.id}", ConfirmAsked, code=req.code or "", request_id=req.id or 0
        )
    return True
