"""Ending assignments: a slot given back, a task finished, every live assignment of a request ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..claim_reads import LIVE
from ..enums import AssignmentStatus, RequestStatus
from ..models import Assignment, HelpRequest, table_of
from .freeing import free_slot
from .unit import unassigned_claims


async def give_back(
    session: AsyncSession, assignment_id: int, now: datetime, *, status: AssignmentStatus, reason: str | None = None
) -> bool:
    """End a live assignment (released or removed) and free its slot; False if it was not live."""
    ended = (
        await session.execute(
            update(Assignment)
            .where(col(Assignment.id) == assignment_id, col(Assignment.status).in_(LIVE))
            .values(status=status.value, release_reason=reason, done_at=None)
            .returning(col(Assignment.request_id), col(Assignment.unit_claim_id))
        )
    ).first()
    if ended is None:
        return False
    if ended[1] is not None:  # a unit's member: the unit's claim still holds the slot (its contact puts another)
        return True
    await free_slot(session, ended[0])
    return True


_AS, _HR = table_of(Assignment), table_of(HelpRequest)
# every column back, so the caller's copies are current without a refresh
_FINISH = (
    update(_AS)
    .where(_AS.c.id == bindparam("aid"), _AS.c.status.in_(LIVE))
    .values(
        status=AssignmentStatus.done.value,
        done_at=bindparam("now", type_=DateTime(timezone=True)),
        hours=bindparam("hours"),
        note=bindparam("note"),
    )
    .returning(*_AS.c)
)
# done_reported once nobody on the request is still working: the count and the update in one statement
_LIVE_LEFT = select(_AS.c.id).where(_AS.c.request_id == bindparam("rid"), _AS.c.status.in_(LIVE)).exists()
_REPORTED = (
    update(_HR)
    .where(
        _HR.c.id == bindparam("rid"),
        _HR.c.status.in_([RequestStatus.open.value, RequestStatus.filled.value]),
        ~_LIVE_LEFT,
        ~unassigned_claims(bindparam("rid")),
    )
    .values(status=RequestStatus.done_reported.value, done_at=bindparam("now", type_=DateTime(timezone=True)))
    .returning(*_HR.c)
)


@dataclass(frozen=True)
class Finished:
    assignment: dict[str, Any]  # every column after the update
    request: dict[str, Any] | None  # every column, when the request became done_reported; else None


async def finish(
    session: AsyncSession, assignment_id: int, now: datetime, hours: float, note: str | None
) -> Finished | None:
    """Mark a live assignment done; then, if nobody on the request is still working, the request is
    done_reported. None if the assignment was not live (a replayed Done)."""
    conn = await session.connection()
    done = (
        (await conn.execute(_FINISH, {"aid": assignment_id, "now": now, "hours": hours, "note": note}))
        .mappings()
        .first()
    )
    if done is None:
        return None
    reported = (await conn.execute(_REPORTED, {"rid": done["request_id"], "now": now})).mappings().first()
    return Finished(dict(done), dict(reported) if reported is not None else None)


async def end_assignments(session: AsyncSession, request_id: int, status: AssignmentStatus) -> list[int]:
    """End every live assignment of a request (closed, cancelled); the volunteers' person ids."""
    rows = (
        await session.execute(
            update(Assignment)
            .where(col(Assignment.request_id) == request_id, col(Assignment.status).in_(LIVE))
            .values(status=status.value)
            .returning(col(Assignment.volunteer_id))
        )
    ).all()
    return [int(r[0]) for r in rows]
