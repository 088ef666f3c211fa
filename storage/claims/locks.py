"""The locks a claim takes first (PostgreSQL): the volunteer, then the request."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..models import HelpRequest, Person, VolunteerProfile, table_of
from ..upsert import dialect

# the volunteer's profile and the request, locked (both exist, or nothing is locked and the claim fails)
_LOCK = (
    select(col(VolunteerProfile.id), col(HelpRequest.id))
    .where(col(VolunteerProfile.person_id) == bindparam("pid"), col(HelpRequest.id) == bindparam("rid"))
    .with_for_update()
)


async def lock_claim(session: AsyncSession, person_id: int, request_id: int) -> None:
    """On PostgreSQL, lock the volunteer (their claims one at a time: the fair-claiming limit) and the
    request (whoever takes or gives back a slot updates it, so after this nobody changes its takers
    until we commit: take_slot's list of them stays true); SQLite's transactions run one at a time."""
    if dialect(session) == "postgresql":
        await (await session.connection()).execute(_LOCK, {"pid": person_id, "rid": request_id})


# the same locks, the volunteer found by their Telegram id and the request by :rid, as columns of the
# read that starts their claim (the columns read the CTEs, so they run and lock, the volunteer first;
# one profile per person; SQLite has no row locks: ignored)
_LOCKED_TG = (
    select(col(VolunteerProfile.id))
    .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
    .where(col(Person.tg_user_id) == bindparam("tg"))
    .with_for_update(of=table_of(VolunteerProfile))
    .cte("locked")
)
_LOCKED_REQUEST = (
    select(col(HelpRequest.id)).where(col(HelpRequest.id) == bindparam("rid")).with_for_update().cte("locked_request")
)
LOCK_COLUMNS = [
    select(_LOCKED_TG.c.id).scalar_subquery().label("locked"),
    select(_LOCKED_REQUEST.c.id).scalar_subquery().label("locked_request"),
]


async def lock_volunteer(session: AsyncSession, person_id: int) -> None:
    """On PostgreSQL, the volunteer's profile locked to the commit (their claims, their unit's putting
    them on a task, one at a time: the open-task limit counts every one before)."""
    if dialect(session) == "postgresql":
        await session.execute(
            select(col(VolunteerProfile.id)).where(col(VolunteerProfile.person_id) == person_id).with_for_update()
        )
