"""A slot freed: the one statement by which a slot given back (a volunteer's, a unit's) returns to the board."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ..enums import RequestStatus
from ..models import HelpRequest


async def free_slot(session: AsyncSession, request_id: int) -> None:
    """One slot of an open or filled request back on the board (the request is open again)."""
    await session.execute(
        update(HelpRequest)
        .where(
            col(HelpRequest.id) == request_id,
            col(HelpRequest.slots_taken) > 0,
            col(HelpRequest.status).in_([RequestStatus.open.value, RequestStatus.filled.value]),
        )
        .values(slots_taken=col(HelpRequest.slots_taken) - 1, status=RequestStatus.open.value)
    )
