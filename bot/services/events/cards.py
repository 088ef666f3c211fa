"""The event card posted in volunteer groups (as a notice), and the small reads shared by the event services."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotFound
from bot.services.kernel.life_common import aware
from bot.services.kernel.roles import can_lead, is_admin_of
from storage.enums import SignupStatus
from storage.models import Community, Event, EventSignup, Person

from .notices import CardState, EventCard

COUNTED = (SignupStatus.signed.value, SignupStatus.attended.value, SignupStatus.no_show.value)


def id_of(row: Any) -> int:
    """The id of a row read from (or flushed to) the database."""
    assert row.id is not None
    return cast(int, row.id)


async def signed_count(s: AsyncSession, event_id: int) -> int:
    return int(
        await s.scalar(
            select(func.count())
            .select_from(EventSignup)
            .where(col(EventSignup.event_id) == event_id, col(EventSignup.status).in_(COUNTED))
        )
        or 0
    )


async def timezone_of(s: AsyncSession, ev: Event) -> str:
    community = await s.get(Community, ev.community_id)
    if community is None:
        raise NotFound("events.error.no_place")
    return community.timezone


def card_state(ev: Event, signed: int, now: datetime) -> CardState:
    if ev.cancelled:
        return CardState.cancelled
    if aware(ev.starts_at) <= now:
        return CardState.closed
    return CardState.full if signed >= ev.slots else CardState.open


def event_card(ev: Event, signed: int, tz: str, now: datetime, chat_id: int = 0) -> EventCard:
    """The card in a volunteer group (community's default language): live count, its state."""
    return EventCard(
        chat_id=chat_id,
        event_id=id_of(ev),
        kind=ev.kind,
        title=ev.title,
        place=ev.place,
        starts_at=aware(ev.starts_at),
        timezone=tz,
        signed=signed,
        slots=ev.slots,
        state=card_state(ev, signed, now),
    )


async def refresh_card(core: Core, s: AsyncSession, ev: Event) -> int:
    """Edit every posted copy of the card with the current count (in the caller's transaction)."""
    signed = await signed_count(s, id_of(ev))
    card = event_card(ev, signed, await timezone_of(s, ev), core.clock.now())
    await core.notifier.edit_card(s, f"event:{ev.id}", card)
    return signed


async def may_manage(s: AsyncSession, person: Person, ev: Event) -> bool:
    if ev.grid_id is not None:
        return await can_lead(s, person, ev.grid_id)
    return await is_admin_of(s, person, ev.community_id)
