"""Who an emergency calls and how they answer: the place's shock team, and the starting admin's headcount card."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import aware
from storage.enums import DutyAnswer, VolunteerStatus
from storage.models import Community, DutyResponse, Emergency, Grid, Person, VolunteerProfile

from .notices import Headcount


def shock_team(em: Emergency) -> Select[Person]:
    stmt = (
        select(Person)
        .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
        .where(col(VolunteerProfile.shock_team) == True, col(VolunteerProfile.status) == VolunteerStatus.approved.value)  # noqa: E712
    )
    if em.grid_id is not None:
        return stmt.where(col(VolunteerProfile.grid_id) == em.grid_id).order_by(col(Person.id))
    return (
        stmt.join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
        .where(col(Grid.community_id) == em.community_id)
        .order_by(col(Person.id))
    )


async def place_of(s: AsyncSession, em: Emergency) -> tuple[str, str]:
    """(place name, time zone) of the emergency."""
    community = await s.get(Community, em.community_id)
    if community is None:
        raise NotFound("emergency.error.no_place")
    grid = await s.get(Grid, em.grid_id) if em.grid_id else None
    return (grid.name if grid else community.name), community.timezone


async def headcount_card(s: AsyncSession, em: Emergency, chat_id: int, language: str | None) -> Headcount:
    place, tz = await place_of(s, em)
    rows = (
        await s.execute(
            select(col(Person.name), col(DutyResponse.answer))
            .join(DutyResponse, col(DutyResponse.volunteer_id) == col(Person.id))
            .where(col(DutyResponse.emergency_id) == em.id)
            .order_by(col(DutyResponse.answered_at), col(DutyResponse.id))
        )
    ).all()
    on = tuple(n for n, a in rows if a == DutyAnswer.on_duty.value)
    called = int(await s.scalar(select(func.count()).select_from(shock_team(em).subquery())) or 0)
    return Headcount(
        chat_id=chat_id,
        language=language,
        emergency_id=stored_id(em.id),
        place=place,
        reason=em.reason,
        timezone=tz,
        started_at=aware(em.started_at),
        ended_at=aware(em.ended_at) if em.ended_at is not None else None,
        target=em.target,
        on_duty=on,
        cant=len(rows) - len(on),
        waiting=max(0, called - len(rows)),
    )


async def refresh_headcount(core: Core, s: AsyncSession, em: Emergency) -> None:
    starter = await s.get(Person, em.started_by) if em.started_by else None
    card = await headcount_card(s, em, 0, starter.language if starter else None)
    await core.notifier.edit_card(s, f"emergency:{em.id}:hc", card)
