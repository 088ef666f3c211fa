"""A unit's claim (包联单位认领): the unit takes one slot of a request, with the same conditional UPDATE
as a volunteer's take (take.py), so units and volunteers pressing at once share the slots exactly;
then its contact puts members on it (assignments under the claim: they take no slot of their own)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .. import audit
from ..claim_reads import HOLDING
from ..enums import AssignmentStatus
from ..models import Assignment, Unit, UnitClaim, table_of
from .take import _TAKE

LIVE_CLAIM = "live"
_UC, _AS = table_of(UnitClaim), table_of(Assignment)


async def take_for_unit(
    session: AsyncSession, request_id: int, unit_id: int, by: int, now: datetime
) -> tuple[int, dict[str, Any]] | None:
    """Take one free slot for the unit: (the claim's id, every column of the request after the update);
    None when no slot was free. A second live claim of the same unit on the request violates the
    partial unique index `uq_unit_claim_live` (IntegrityError: the caller's transaction rolls back)."""
    conn = await session.connection()
    taken = (await conn.execute(_TAKE, {"rid": request_id, "now": now})).mappings().first()
    if taken is None:
        return None
    claim_id = (
        await conn.execute(
            insert(_UC).returning(_UC.c.id),
            dict(request_id=request_id, unit_id=unit_id, claimed_by=by, status=LIVE_CLAIM, created_at=now),
        )
    ).scalar_one()
    await audit.record(
        session,
        by,
        "task.unit_claim",
        "request",
        request_id,
        code=taken["code"],
        unit=unit_id,
        slots_taken=taken["slots_taken"],
        slots=taken["slots"],
    )
    return int(claim_id), dict(taken)


async def add_member(session: AsyncSession, claim: UnitClaim, person_id: int, by: int, now: datetime) -> int:
    """A member's assignment under the unit's claim (no slot: the claim holds it); its id. A member
    already on the request violates `uq_assignment_live` (IntegrityError)."""
    conn = await session.connection()
    return int(
        (
            await conn.execute(
                insert(_AS).returning(_AS.c.id),
                dict(
                    request_id=claim.request_id,
                    volunteer_id=person_id,
                    dispatched_by=by,
                    status=AssignmentStatus.accepted.value,
                    created_at=now,
                    unit_claim_id=claim.id,
                ),
            )
        ).scalar_one()
    )


def unassigned_claims(request_id: Any) -> Any:
    """EXISTS a live claim of a unit on the request with nobody on it (yet, or any more): the work is
    not done while a unit still owes it."""
    return (
        select(_UC.c.id)
        .where(
            _UC.c.request_id == request_id,
            _UC.c.status == LIVE_CLAIM,
            ~exists().where(and_(_AS.c.unit_claim_id == _UC.c.id, _AS.c.status.in_(HOLDING))),
        )
        .exists()
    )


async def end_unit_claims(session: AsyncSession, request_id: int, now: datetime) -> None:
    """Every live claim of a request ended (the request closed or cancelled)."""
    await session.execute(
        update(UnitClaim)
        .where(col(UnitClaim.request_id) == request_id, col(UnitClaim.status) == LIVE_CLAIM)
        .values(status="ended", ended_at=now)
    )


async def claiming_units(session: AsyncSession, request_id: int) -> list[str]:
    """The names of the units holding a live claim on the request, oldest claim first (the card names them)."""
    rows = await session.execute(
        select(col(Unit.name))
        .join(UnitClaim, col(UnitClaim.unit_id) == col(Unit.id))
        .where(col(UnitClaim.request_id) == request_id, col(UnitClaim.status) == LIVE_CLAIM)
        .order_by(col(UnitClaim.id))
    )
    return list(rows.scalars())
