"""A unit's claim (包联单位认领): the unit takes one slot of a request, with the same conditional UPDATE
as a volunteer's take (take.py), so units and volunteers pressing at once share the slots exactly;
then its contact puts members on it (assignments under the claim: they take no slot of their own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, exists, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .. import audit
from ..card_reads import Taker
from ..claim_reads import HOLDING, LIVE
from ..enums import AssignmentStatus
from ..models import Assignment, OutboxMessage, Person, Unit, UnitClaim, table_of
from ..upsert import dialect
from .freeing import free_slot
from .take import _TAKE

LIVE_CLAIM = "live"
RELEASED_CLAIM = "released"
_UC, _AS, _OB, _PE = table_of(UnitClaim), table_of(Assignment), table_of(OutboxMessage), table_of(Person)


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


async def claiming_units(session: AsyncSession, request_id: int) -> list[tuple[str, list[Taker]]]:
    """The units holding a live claim on the request, oldest claim first, each with its members on it
    (oldest first; id None when the person is gone): the card names the unit with its members."""
    rows = await session.execute(
        select(col(Unit.name), _UC.c.id, _PE.c.id, _PE.c.name, _PE.c.username, _AS.c.id)
        .select_from(_UC)
        .join(table_of(Unit), col(Unit.id) == _UC.c.unit_id)
        .outerjoin(_AS, and_(_AS.c.unit_claim_id == _UC.c.id, _AS.c.status.in_(HOLDING)))
        .outerjoin(_PE, _PE.c.id == _AS.c.volunteer_id)
        .where(_UC.c.request_id == request_id, _UC.c.status == LIVE_CLAIM)
        .order_by(_UC.c.id, _AS.c.id)
    )
    units: dict[int, tuple[str, list[Taker]]] = {}
    for name, claim_id, pid, pname, username, aid in rows.all():
        members = units.setdefault(int(claim_id), (str(name), []))[1]
        if aid is not None:
            members.append(Taker(pid, pname, username))
    return list(units.values())


async def lock_unit_claim(session: AsyncSession, claim_id: int) -> None:
    """On PostgreSQL, the claim's row locked to the commit: members are put on it, or it is given
    back, one at a time (SQLite's transactions run one at a time)."""
    if dialect(session) == "postgresql":
        await session.execute(select(_UC.c.id).where(_UC.c.id == claim_id).with_for_update())


@dataclass(frozen=True)
class ClaimGivenBack:
    request_id: int
    members: list[int]  # the members who were on it (their part ended with the claim)


async def give_back_unit_claim(
    session: AsyncSession, claim_id: int, now: datetime, *, member_status: AssignmentStatus, reason: str | None = None
) -> ClaimGivenBack | None:
    """The unit gives its slot back: the claim released, its members' live parts ended with it, the slot
    on the board again. None when the claim is not live any more, or a member has done the unit's part
    (the work is there: it is not given back). The members' rows are locked first (PostgreSQL), so a
    member's Done at the same moment is either before (and the release refused) or after (and refused)."""
    if dialect(session) == "postgresql":
        await session.execute(select(_AS.c.id).where(_AS.c.unit_claim_id == claim_id).with_for_update())
    done = exists().where(and_(_AS.c.unit_claim_id == claim_id, _AS.c.status == AssignmentStatus.done.value))
    released = (
        await session.execute(
            update(_UC)
            .where(_UC.c.id == claim_id, _UC.c.status == LIVE_CLAIM, ~done)
            .values(status=RELEASED_CLAIM, ended_at=now)
            .returning(_UC.c.request_id)
        )
    ).first()
    if released is None:
        return None
    members = (
        await session.execute(
            update(_AS)
            .where(_AS.c.unit_claim_id == claim_id, _AS.c.status.in_(LIVE))
            .values(status=member_status.value, release_reason=reason)
            .returning(_AS.c.volunteer_id)
        )
    ).all()
    await free_slot(session, int(released[0]))
    return ClaimGivenBack(int(released[0]), [int(m[0]) for m in members])


REMIND_KEY = "unit-remind:"  # the outbox key of a claim's reminder to its contact: this, then the claim's id


async def waiting_claims(session: AsyncSession, since: datetime, until: datetime, limit: int) -> list[int]:
    """The live claims made between `since` and `until` with nobody of the unit on them, whose contact
    was not reminded yet (the reminder's outbox key): their ids, oldest first."""
    reminded = exists().where(_OB.c.key == literal(REMIND_KEY) + cast(_UC.c.id, String))
    rows = await session.execute(
        select(_UC.c.id)
        .where(
            _UC.c.status == LIVE_CLAIM,
            _UC.c.created_at > since,
            _UC.c.created_at <= until,
            ~exists().where(and_(_AS.c.unit_claim_id == _UC.c.id, _AS.c.status.in_(HOLDING))),
            ~reminded,
        )
        .order_by(_UC.c.id)
        .limit(limit)
    )
    return [int(i) for i in rows.scalars()]
