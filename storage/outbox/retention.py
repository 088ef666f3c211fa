"""Finished rows: their text forgotten, then the rows purged, long after any job could re-queue their key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import OutboxStatus
from ..models import OutboxMessage
from ..rows import affected

FINISHED = (OutboxStatus.sent.value, OutboxStatus.failed.value, OutboxStatus.skipped.value)


async def forget_payloads(session: AsyncSession, before: datetime) -> int:
    """Rows delivered (or given up) before `before` lose their text (it may hold an address or a
    phone) but keep their key, so nothing is ever sent twice."""
    finished_at = func.coalesce(col(OutboxMessage.sent_at), col(OutboxMessage.created_at))
    result = await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.status).in_(FINISHED), finished_at < before, col(OutboxMessage.payload) != "{}")
        .values(payload="{}")
    )
    return affected(result)


async def purge_finished(session: AsyncSession, before: datetime) -> int:
    """Delete finished rows created before `before` (long after any job could re-queue their key)."""
    result = await session.execute(
        delete(OutboxMessage).where(col(OutboxMessage.status).in_(FINISHED), col(OutboxMessage.created_at) < before)
    )
    return affected(result)
