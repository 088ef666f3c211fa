"""The emergencies of the week, each with how many answered that they were on duty."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.periods import aware
from storage.enums import DutyAnswer
from storage.models import DutyResponse, Emergency, Grid

from .figures import DigestFigures, EmergencyLine, Span


async def emergencies(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    """Emergencies that overlapped the week: a grid sees its own and its community's."""
    on_duty = (
        select(func.count())
        .where(
            col(DutyResponse.emergency_id) == col(Emergency.id), col(DutyResponse.answer) == DutyAnswer.on_duty.value
        )
        .scalar_subquery()
    )
    overlap = and_(
        col(Emergency.started_at) < span.end,
        or_(col(Emergency.ended_at).is_(None), col(Emergency.ended_at) >= span.start),
    )
    if scope == "grid":
        stmt = (
            select(col(Grid.id), col(Emergency.reason), col(Emergency.started_at), col(Emergency.ended_at), on_duty)
            .join(
                Emergency,
                or_(
                    col(Emergency.grid_id) == col(Grid.id),
                    and_(col(Emergency.grid_id).is_(None), col(Emergency.community_id) == col(Grid.community_id)),
                ),
            )
            .where(col(Grid.id).in_(keys))
        )
    else:
        stmt = select(
            col(Emergency.community_id),
            col(Emergency.reason),
            col(Emergency.started_at),
            col(Emergency.ended_at),
            on_duty,
        ).where(col(Emergency.community_id).in_(keys))
    for k, reason, started, ended, n in (
        await s.execute(stmt.where(overlap).order_by(col(Emergency.started_at)))
    ).all():
        out[k].emergencies.append(EmergencyLine(reason, aware(started), aware(ended) if ended else None, int(n)))
