"""Where each card was posted (so its edits reach every copy), and whether its send is still queued."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import OutboxKind, OutboxStatus
from ..models import OutboxMessage, Person, PostedCard
from ..upsert import insert_ignore


async def remember_card(session: AsyncSession, ref: str, chat_id: int, message_id: int) -> None:
    await insert_ignore(session, PostedCard, dict(ref=ref, chat_id=chat_id, message_id=message_id), ["ref", "chat_id"])


# built once: an edit of a card reads both for every copy it reaches, and building the statements
# cost more than running them
_CARDS = (
    select(PostedCard, col(Person.language))
    .outerjoin(Person, col(Person.tg_user_id) == col(PostedCard.chat_id))
    .where(col(PostedCard.ref) == bindparam("ref"))
    .order_by(col(PostedCard.id))
)
_PENDING = (
    select(func.count())
    .select_from(OutboxMessage)
    .where(
        and_(
            col(OutboxMessage.card_ref) == bindparam("ref"),
            col(OutboxMessage.kind) != OutboxKind.edit.value,
            col(OutboxMessage.status).in_([OutboxStatus.pending.value, OutboxStatus.sending.value]),
        )
    )
)


async def cards(session: AsyncSession, ref: str) -> list[tuple[PostedCard, str | None]]:
    """Every posted copy of the card, with its reader's language as stored (None in a group chat,
    or for a person who never told Telegram theirs)."""
    return [(card, language) for card, language in (await session.execute(_CARDS, {"ref": ref})).all()]


async def card_pending(session: AsyncSession, ref: str) -> bool:
    """Is a send of this card still queued (so an edit must wait for it)?"""
    return bool(await session.scalar(_PENDING, {"ref": ref}))
