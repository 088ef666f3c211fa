"""What a new scheduler leader takes over from the one before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from .enums import OutboxStatus
from .models import OutboxMessage
from .rows import affected


async def release_claimed_sends(session: AsyncSession, now: datetime) -> int:
    """Outbox rows claimed by a sender that is gone (only the leader sends, and this process has
    not started sending yet) go back to the queue at once instead of waiting out their lease."""
    result = await session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == OutboxStatus.sending.value)
        .values(status=OutboxStatus.pending.value, next_attempt_at=now)
    )
    return affected(result)
