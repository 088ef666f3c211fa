"""The reads of the request loop's hot paths, built once with bind parameters.

Accepting a task reads, in one statement after the volunteer's row lock: the request, whether the
volunteer already holds it, how many tasks they hold, and the resident and household the details
name. (What the card edits read is in storage/card_reads.py.) Building these as ORM statements on every call cost more than running them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from .detached import labelled
from .enums import ACTIVE_ASSIGNMENT_STATUSES, AssignmentStatus, RequestStatus
from .models import Assignment, AuditEntry, HelpRequest, Household, OutboxMessage, Person, VolunteerProfile, table_of
from .rows import AnyRow

LIVE = [s.value for s in ACTIVE_ASSIGNMENT_STATUSES]
HOLDING = LIVE + [AssignmentStatus.done.value]
ACTIVE = [RequestStatus.open.value, RequestStatus.filled.value, RequestStatus.done_reported.value]

HR = table_of(HelpRequest)
HH = table_of(Household)
AS = table_of(Assignment)
PE = table_of(Person)
VP = table_of(VolunteerProfile)
OB = table_of(OutboxMessage)
AU = table_of(AuditEntry)
RES = PE.alias("res")  # the request's resident
TAKER = PE.alias("taker")


def holding(request_id: Any, person_id: Any) -> Any:
    """The id of the volunteer's assignment on the request (accepted, started or done), or NULL."""
    return (
        select(AS.c.id)
        .where(AS.c.request_id == request_id, AS.c.volunteer_id == person_id, AS.c.status.in_(HOLDING))
        .limit(1)
        .scalar_subquery()
    )


def load(person_id: Any) -> Any:
    """How many tasks the volunteer holds and has not finished (the fair-claiming limit's count)."""
    return (
        select(func.count())
        .select_from(AS)
        .where(AS.c.volunteer_id == person_id, AS.c.status.in_(LIVE))
        .scalar_subquery()
    )


def claim_columns(person_id: Any) -> list[Any]:
    """What a claim checks and tells, for the volunteer `person_id` (a column or a bind parameter)
    and the request `:rid`: the profile, the holding and the load, request, resident, household."""
    return [
        VP.c.grid_id.label("vp_grid_id"),
        VP.c.status.label("vp_status"),
        holding(HR.c.id, person_id).label("held"),
        load(person_id).label("load"),
        *labelled(HR, "r_"),
        *labelled(RES, "p_"),
        *labelled(HH, "h_"),
    ]


def claim_joins(left: Any, person_id: Any) -> Any:
    return (
        left.outerjoin(VP, VP.c.person_id == person_id)
        .outerjoin(HR, HR.c.id == bindparam("rid"))
        .outerjoin(RES, RES.c.id == HR.c.resident_id)
        .outerjoin(HH, HH.c.id == HR.c.household_id)
    )


# a leader dispatching: the same for a volunteer chosen by person id (:pid); one row
_FOR_PERSON = select(*claim_columns(bindparam("pid"))).select_from(
    claim_joins(select(literal(1).label("one")).subquery("one"), bindparam("pid"))
)


async def claim_context(session: AsyncSession, request_id: int, person_id: int) -> AnyRow:
    return (await (await session.connection()).execute(_FOR_PERSON, {"rid": request_id, "pid": person_id})).one()


def task_columns() -> list[Any]:
    """A volunteer's unfinished task with its request, resident and household (see task_joins)."""
    return [*labelled(AS, "a_"), *labelled(HR, "r_"), *labelled(RES, "p_"), *labelled(HH, "h_")]


def task_joins(left: Any, person_id: Any) -> Any:
    return (
        left.outerjoin(AS, and_(AS.c.volunteer_id == person_id, AS.c.status.in_(HOLDING)))
        .outerjoin(HR, and_(HR.c.id == AS.c.request_id, HR.c.status.in_(ACTIVE)))
        .outerjoin(RES, RES.c.id == HR.c.resident_id)
        .outerjoin(HH, HH.c.id == HR.c.household_id)
    )


def holding_joins(left: Any, person_id: Any) -> Any:
    """The request `:rid`, the volunteer's assignment on it (accepted, started or done; NULLs when
    none), its resident and household: what Start, Done and the details check and show."""
    return (
        left.outerjoin(HR, HR.c.id == bindparam("rid"))
        .outerjoin(AS, and_(AS.c.request_id == HR.c.id, AS.c.volunteer_id == person_id, AS.c.status.in_(HOLDING)))
        .outerjoin(RES, RES.c.id == HR.c.resident_id)
        .outerjoin(HH, HH.c.id == HR.c.household_id)
    )


def held_columns() -> list[Any]:
    """The columns of holding_joins: assignment, request, resident, household."""
    return [*labelled(AS, "a_"), *labelled(HR, "r_"), *labelled(RES, "p_"), *labelled(HH, "h_")]


TA = AS.alias("ta")  # every taker of the request, beside the volunteer's own assignment


def taker_columns() -> list[Any]:
    """One row per taker (oldest first, order by TA.c.id): assignment id, and their person's id,
    name, username (NULL when gone), and the unit's claim they are on for their unit (包联单位; NULL on
    their own). What the card edits name, read with what the step needs."""
    return [
        TA.c.id.label("t_aid"),
        TA.c.unit_claim_id.label("t_unit"),
        TAKER.c.id.label("t_id"),
        TAKER.c.name.label("t_name"),
        TAKER.c.username.label("t_username"),
    ]


def taker_joins(left: Any) -> Any:
    return left.outerjoin(TA, and_(TA.c.request_id == HR.c.id, TA.c.status.in_(HOLDING))).outerjoin(
        TAKER, TAKER.c.id == TA.c.volunteer_id
    )


# how often the resident said "not done" (numbers the done/reopen rounds in outbox keys)
REOPENS = (
    select(func.count())
    .select_from(AU)
    .where(AU.c.entity == "request", AU.c.entity_id == HR.c.id, AU.c.action == "request.reopen")
    .scalar_subquery()
)


def of_takers(*columns: Any) -> Any:
    """`columns` of every taker of the request `:rid` (assignment accepted, started or done) and of
    their person (NULLs when gone); order by AS.c.id for the oldest first."""
    return (
        select(*columns)
        .select_from(AS.outerjoin(TAKER, TAKER.c.id == AS.c.volunteer_id))
        .where(AS.c.request_id == bindparam("rid"), AS.c.status.in_(HOLDING))
    )


_TAKERS = of_takers(TAKER.c.id, TAKER.c.name, TAKER.c.username, AS.c.volunteer_id).order_by(AS.c.id)


def full_taker_columns(assignment: Any) -> list[Any]:
    """A taker's assignment id, volunteer, status and hours, and every column of their person
    (NULLs when gone): the card's names and the volunteers a confirmation pays and tells."""
    return [
        assignment.c.id.label("t_aid"),
        assignment.c.volunteer_id.label("t_vid"),
        assignment.c.status.label("t_status"),
        assignment.c.hours.label("t_hours"),
        assignment.c.unit_claim_id.label("t_unit"),
        *labelled(TAKER, "p_"),
    ]


_TAKERS_FULL = of_takers(*full_taker_columns(AS)).order_by(AS.c.id)


async def takers_full(session: AsyncSession, request_id: int) -> list[AnyRow]:
    return list((await (await session.connection()).execute(_TAKERS_FULL, {"rid": request_id})).all())


async def takers(session: AsyncSession, request_id: int) -> list[AnyRow]:
    """Who holds the request (oldest first): id, name, username of each (None if the person is gone)."""
    return list((await (await session.connection()).execute(_TAKERS, {"rid": request_id})).all())
