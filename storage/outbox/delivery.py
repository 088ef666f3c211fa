"""The sender's side: take due rows under a lease, record each outcome, follow a moved chat."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import OutboxStatus
from ..models import OutboxMessage, table_of


async def claim_due(session: AsyncSession, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
    """Claim due rows for sending (oldest, urgent first). A claim is a lease: rows of a sender
    that died come back when it expires. SKIP LOCKED lets several PostgreSQL workers share."""
    due = or_(
        col(OutboxMessage.status) == OutboxStatus.pending.value, col(OutboxMessage.status) == OutboxStatus.sending.value
    )
    stmt = (
        select(OutboxMessage)
        .where(due, col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.urgent).desc(), col(OutboxMessage.id))
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list((await session.execute(stmt)).scalars())
    for row in rows:
        row.status = OutboxStatus.sending.value
        row.next_attempt_at = now + lease
        session.add(row)
    return rows


async def release(session: AsyncSession, row_id: int, at: datetime) -> None:
    """Give a claimed row back without counting an attempt (rate limit, card not posted yet)."""
    await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id)
        .values(status=OutboxStatus.pending.value, next_attempt_at=at)
    )


_OB = table_of(OutboxMessage)
# a Core statement built once: the ORM-enabled UPDATE it replaced was built and evaluated per row
_SENT = (
    update(_OB)
    .where(_OB.c.id == bindparam("rid"))
    .values(
        status=OutboxStatus.sent.value,
        sent_at=bindparam("at", type_=DateTime(timezone=True)),
        message_id=bindparam("mid"),
        attempts=_OB.c.attempts + 1,
    )
)


async def mark_sent(session: AsyncSession, sent: list[tuple[int, int | None]], now: datetime) -> None:
    """Mark delivered rows sent: (row id, the new message's id), in one executemany."""
    if sent:
        await (await session.connection()).execute(_SENT, [dict(rid=rid, at=now, mid=mid) for rid, mid in sent])


async def mark_retry(
    session: AsyncSession, row_id: int, at: datetime, error: str, *, count_attempt: bool = True, max_attempts: int = 8
) -> None:
    row = await session.get(OutboxMessage, row_id)
    if row is None:
        return
    if count_attempt:
        row.attempts += 1
    row.last_error = error[:500]
    if row.attempts >= max_attempts:
        row.status = OutboxStatus.failed.value
    else:
        row.status = OutboxStatus.pending.value
        row.next_attempt_at = at
    session.add(row)


async def mark_skipped(session: AsyncSession, row_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id)
        .values(status=OutboxStatus.skipped.value, last_error=error[:500])
    )


async def skip_chat(session: AsyncSession, chat_id: int, error: str) -> None:
    """The recipient blocked the bot: drop everything else queued for them too."""
    await session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == chat_id,
            col(OutboxMessage.status).in_([OutboxStatus.pending.value, OutboxStatus.sending.value]),
        )
        .values(status=OutboxStatus.skipped.value, last_error=error[:500])
    )


async def release_many(session: AsyncSession, row_ids: list[int], at: datetime) -> None:
    if row_ids:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(row_ids))
            .values(status=OutboxStatus.pending.value, next_attempt_at=at)
        )


async def move_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: queued rows (and the group's binding) follow it."""
    from ..models import ChatBinding

    await session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == old_chat_id,
            col(OutboxMessage.status).in_([OutboxStatus.pending.value, OutboxStatus.sending.value]),
        )
        .values(chat_id=new_chat_id)
    )
    await session.execute(
        update(ChatBinding).where(col(ChatBinding.chat_id) == old_chat_id).values(chat_id=new_chat_id)
    )


async def depth(session: AsyncSession) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status).in_([OutboxStatus.pending.value, OutboxStatus.sending.value]))
        )
        or 0
    )


async def oldest_pending_at(session: AsyncSession) -> datetime | None:
    """When the oldest row still waiting to be sent was queued (None: nothing waits)."""
    waiting = col(OutboxMessage.status).in_([OutboxStatus.pending.value, OutboxStatus.sending.value])
    found: datetime | None = await session.scalar(select(func.min(col(OutboxMessage.created_at))).where(waiting))
    return found


async def last_sent_at(session: AsyncSession) -> datetime | None:
    """When the sender last delivered a row (None: never)."""
    found: datetime | None = await session.scalar(select(func.max(col(OutboxMessage.sent_at))))
    return found


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2**attempts))
