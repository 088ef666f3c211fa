"""Taking a slot (接单): who holds one, and the take itself (one statement on PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .. import audit
from ..card_reads import LeadCopy, Taker, lead_copies, lead_ref_prefix
from ..claim_reads import HOLDING, OB, TAKER, holding, load, of_takers
from ..enums import AssignmentStatus, RequestStatus
from ..models import Assignment, AuditEntry, HelpRequest, table_of
from ..models._base import utcnow
from ..upsert import dialect


@dataclass(frozen=True)
class Slot:
    assignment_id: int
    slots_taken: int
    slots: int
    status: str
    request: dict[str, Any] = field(default_factory=dict)  # every column of the request after the update
    # read with the take (PostgreSQL): the other takers, oldest first, and the leaders' copies of the
    # card; None when not read
    others: list[Taker] | None = None
    copies: list[LeadCopy] | None = None


async def holds(session: AsyncSession, request_id: int, person_id: int) -> Assignment | None:
    """The volunteer's live (accepted, started or done) assignment on this request."""
    stmt = select(Assignment).where(
        col(Assignment.request_id) == request_id,
        col(Assignment.volunteer_id) == person_id,
        col(Assignment.status).in_(HOLDING),
    )
    return (await session.execute(stmt)).scalars().first()


_TAKEN = col(HelpRequest.slots_taken) + 1
_FREE = (
    col(HelpRequest.id) == bindparam("rid"),
    col(HelpRequest.status) == RequestStatus.open.value,
    col(HelpRequest.slots_taken) < col(HelpRequest.slots),
)
_TAKE_VALUES = dict(
    slots_taken=_TAKEN,
    status=case((_TAKEN >= col(HelpRequest.slots), RequestStatus.filled.value), else_=RequestStatus.open.value),
    first_accepted_at=func.coalesce(
        col(HelpRequest.first_accepted_at), bindparam("now", type_=DateTime(timezone=True))
    ),
)
# every column back (the caller's copy of the request is then current without a refresh)
_TAKE = update(table_of(HelpRequest)).where(*_FREE).values(**_TAKE_VALUES).returning(*table_of(HelpRequest).c)
_ASSIGN = insert(table_of(Assignment)).returning(col(Assignment.id))

# PostgreSQL: the checks, the slot, the assignment and the audit entry in one statement (four round
# trips were half of an accept's time at city scale). Its snapshot is taken after the volunteer's row
# lock, so the holding and the load it checks include every claim of theirs that committed before.
_AS, _HR, _AU = table_of(Assignment), table_of(HelpRequest), table_of(AuditEntry)
_VID = bindparam("vid", type_=Integer)
_HELD, _LOAD = holding(bindparam("rid"), _VID), load(_VID)
_taken = (
    update(_HR)
    .where(*_FREE, _HELD.is_(None), _LOAD < bindparam("limit"))
    .values(**_TAKE_VALUES)
    .returning(*_HR.c)
    .cte("taken")
)
_assigned = (
    insert(_AS)
    .from_select(
        ["request_id", "volunteer_id", "dispatched_by", "status", "created_at"],
        select(
            _taken.c.id,
            _VID,
            bindparam("by", type_=Integer),
            literal(AssignmentStatus.accepted.value),
            bindparam("now", type_=DateTime(timezone=True)),
        ),
    )
    .returning(_AS.c.id)
    .cte("assigned")
)
_audited = (
    insert(_AU)
    .from_select(
        ["at", "actor_id", "action", "entity", "entity_id", "detail"],
        select(
            bindparam("at", type_=DateTime(timezone=True)),
            bindparam("actor", type_=Integer),
            bindparam("action", type_=String),
            literal("request"),
            _taken.c.id,
            cast(
                func.json_build_object(
                    "code",
                    _taken.c.code,
                    "volunteer",
                    _VID,
                    "slots_taken",
                    _taken.c.slots_taken,
                    "slots",
                    _taken.c.slots,
                ),
                Text,
            ),
        ),
    )
    .cte("audited")
)
# the card's audience as the statement's snapshot has it: with the request locked since the claim's
# first read, nobody else changed its takers (see lock_claim); this claim's own assignment is not in it
_TAKERS = of_takers(
    func.json_agg(aggregate_order_by(func.json_build_array(TAKER.c.id, TAKER.c.name, TAKER.c.username), _AS.c.id))
).scalar_subquery()
# the leaders' copies, the prefix as a range of varchar_pattern_ops (~>=~, ~<~) rather than a LIKE: a
# generic plan can use the index for a range given as parameters, not for a LIKE pattern given as one
# (which leaves PostgreSQL planning this statement on every execution)
_copies = lead_copies(
    and_(
        OB.c.card_ref.op("~>=~")(bindparam("lo", type_=String)), OB.c.card_ref.op("~<~")(bindparam("hi", type_=String))
    )
)
_COPIES = select(func.json_agg(func.json_build_array(*_copies.c))).scalar_subquery()
_one = select(literal(1).label("one")).subquery("one")
_TAKE_PG = (
    select(
        _HELD.label("held"),
        _LOAD.label("load"),
        _assigned.c.id.label("assignment_id"),
        type_coerce(_TAKERS, JSON).label("takers"),
        type_coerce(_COPIES, JSON).label("copies"),
        *_taken.c,
    )
    .select_from(_one.outerjoin(_taken, true()).outerjoin(_assigned, true()))
    .add_cte(_audited)
)


@dataclass(frozen=True)
class Refused:
    """The take's own check (PostgreSQL): the volunteer holds the request, or as many tasks as allowed."""

    held: bool
    load: int


async def take_slot(
    session: AsyncSession,
    request_id: int,
    volunteer_id: int,
    now: datetime,
    dispatched_by: int | None = None,
    *,
    limit: int | None = None,
    audit_action: str | None = None,
) -> Slot | Refused | None:
    """Take one free slot and record the assignment (and, with `audit_action`, the audit entry of it:
    its actor the dispatcher or the volunteer); None when no slot was free (someone was quicker).

    With `limit`, on PostgreSQL the volunteer must not hold the request already nor `limit` tasks:
    Refused otherwise; the Slot then also holds the card's other takers and the leaders' copies (lock
    the claim first, see lock_claim). On SQLite, where transactions
    run one at a time, the caller's own check of what it read suffices.
    A second live assignment of the same volunteer on the same request violates the partial unique
    index `uq_assignment_live` (IntegrityError): the caller's transaction then rolls back whole.
    """
    conn = await session.connection()
    if dialect(session) == "postgresql" and limit is not None and audit_action is not None:
        prefix = lead_ref_prefix(
            request_id
        )  # the copies' refs: from the prefix up to the next string (";" follows ":")
        row = (
            (
                await conn.execute(
                    _TAKE_PG,
                    {
                        "rid": request_id,
                        "vid": volunteer_id,
                        "by": dispatched_by,
                        "now": now,
                        "limit": limit,
                        "at": utcnow(),
                        "actor": dispatched_by or volunteer_id,
                        "action": audit_action,
                        "lo": prefix,
                        "hi": prefix[:-1] + ";",
                    },
                )
            )
            .mappings()
            .one()
        )
        if row["held"] is not None or row["load"] >= limit:
            return Refused(row["held"] is not None, int(row["load"]))
        if row["assignment_id"] is None:
            return None
        request = {c.name: row[c.name] for c in _HR.c}
        return Slot(
            int(row["assignment_id"]),
            int(request["slots_taken"]),
            int(request["slots"]),
            str(request["status"]),
            request,
            [Taker(*t) for t in row["takers"] or []],
            [LeadCopy(*c) for c in row["copies"] or []],
        )
    taken = (await conn.execute(_TAKE, {"rid": request_id, "now": now})).mappings().first()
    if taken is None:
        return None
    assignment_id = (
        await conn.execute(
            _ASSIGN,
            dict(
                request_id=request_id,
                volunteer_id=volunteer_id,
                dispatched_by=dispatched_by,
                status=AssignmentStatus.accepted.value,
                created_at=now,
            ),
        )
    ).scalar_one()
    assert assignment_id is not None  # the key of the row just inserted
    slot = Slot(assignment_id, int(taken["slots_taken"]), int(taken["slots"]), str(taken["status"]), dict(taken))
    if audit_action is not None:
        await audit.record(
            session,
            dispatched_by or volunteer_id,
            audit_action,
            "request",
            request_id,
            code=taken["code"],
            volunteer=volunteer_id,
            slots_taken=slot.slots_taken,
            slots=slot.slots,
        )
    return slot
