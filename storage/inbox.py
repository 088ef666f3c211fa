"""Incoming updates, exactly once: take an update id before handling it, mark it done after.

A taken-but-not-done row is a lease: if the process that took it dies, the update may be taken
again once the lease is over (Telegram re-delivers it). Duplicate deliveries of a done update are
recognised for as long as the row is kept (Telegram gives up re-delivering after 24 hours).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .models import ProcessedUpdate, table_of
from .rows import affected
from .upsert import dialect, insert_ignore, per_dialect


class Claim(StrEnum):
    taken = "taken"  # this process handles it now
    done = "done"  # handled before: a duplicate delivery
    busy = "busy"  # another process is handling it right now


async def take(
    session: AsyncSession, update_id: int, now: datetime, lease: timedelta, *, reclaim: bool = False
) -> Claim:
    """Take an update for handling. `reclaim`: the caller took it before and could not give it
    back (database away), so it may take it again without waiting for the lease."""
    if await insert_ignore(session, ProcessedUpdate, dict(update_id=update_id, at=now, done_at=None), ["update_id"]):
        return Claim.taken
    row = (
        await session.execute(select(col(ProcessedUpdate.done_at)).where(col(ProcessedUpdate.update_id) == update_id))
    ).first()
    if row is not None and row[0] is not None:
        return Claim.done
    result = await session.execute(
        update(ProcessedUpdate)
        .where(
            col(ProcessedUpdate.update_id) == update_id,
            col(ProcessedUpdate.done_at).is_(None),
            *(() if reclaim else (col(ProcessedUpdate.at) < now - lease,)),
        )
        .values(at=now)
    )
    return Claim.taken if affected(result) else Claim.busy


_TABLE = table_of(ProcessedUpdate)
# the ids not seen before, inserted together; it returns those it wrote
_TAKE_NEW = per_dialect(
    lambda insert: insert(_TABLE).on_conflict_do_nothing(index_elements=["update_id"]).returning(_TABLE.c.update_id)
)


async def take_many(
    session: AsyncSession,
    update_ids: list[int],
    now: datetime,
    lease: timedelta,
    *,
    reclaim: set[int] | frozenset[int] = frozenset(),
) -> dict[int, Claim]:
    """`take` for several updates in one statement (the usual case: none was seen before); the
    ones already known go through `take` one by one."""
    conn = await session.connection()
    rows = [dict(update_id=u, at=now, done_at=None) for u in update_ids]
    fresh = {r[0] for r in await conn.execute(_TAKE_NEW[dialect(session)], rows)} if rows else set()
    out = {u: Claim.taken for u in fresh}
    for u in update_ids:
        if u not in fresh:
            out[u] = await take(session, u, now, lease, reclaim=u in reclaim)
    return out


_FINISH = update(_TABLE).where(_TABLE.c.update_id == bindparam("uid")).values(done_at=bindparam("now"))


async def finish(session: AsyncSession, update_id: int, now: datetime) -> None:
    await (await session.connection()).execute(_FINISH, {"uid": update_id, "now": now})


async def finish_many(session: AsyncSession, update_ids: list[int], now: datetime) -> None:
    if update_ids:
        await (await session.connection()).execute(_FINISH, [{"uid": u, "now": now} for u in update_ids])


async def give_back(session: AsyncSession, update_id: int) -> None:
    """The update could not be handled (database away): let the next delivery take it at once."""
    await session.execute(
        delete(ProcessedUpdate).where(
            col(ProcessedUpdate.update_id) == update_id, col(ProcessedUpdate.done_at).is_(None)
        )
    )


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget update ids handled before `before` (Telegram no longer re-delivers them)."""
    result = await session.execute(delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < before))
    return affected(result)


async def give_back_all(session: AsyncSession) -> int:
    """Polling (one process only): whatever a previous run took and did not finish is free again."""
    result = await session.execute(delete(ProcessedUpdate).where(col(ProcessedUpdate.done_at).is_(None)))
    return affected(result)
