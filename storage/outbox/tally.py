"""How far the messages of one fan-out have gone: its rows (all carrying one card_ref) by status."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import OutboxKind, OutboxStatus
from ..models import OutboxMessage

# card_ref = :ref uses ix_outbox_card_ref; edits of a card are not its messages
_TALLY = (
    select(col(OutboxMessage.status), func.count())
    .where(col(OutboxMessage.card_ref) == bindparam("ref"), col(OutboxMessage.kind) != OutboxKind.edit.value)
    .group_by(col(OutboxMessage.status))
)


@dataclass(frozen=True)
class Tally:
    delivered: int
    failed: int  # given up, or the chat is not reachable (blocked the bot, left, removed it)
    waiting: int

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.waiting


async def tally(session: AsyncSession, card_ref: str) -> Tally:
    counts = {status: n for status, n in (await session.execute(_TALLY, {"ref": card_ref})).all()}
    return Tally(
        delivered=counts.get(OutboxStatus.sent.value, 0),
        failed=counts.get(OutboxStatus.failed.value, 0) + counts.get(OutboxStatus.skipped.value, 0),
        waiting=counts.get(OutboxStatus.pending.value, 0) + counts.get(OutboxStatus.sending.value, 0),
    )
