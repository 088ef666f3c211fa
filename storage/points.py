"""The red-points ledger (红色积分): append-only, each award at most once by its `ref`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from .enums import PointsReason
from .models import PointsEntry
from .upsert import insert_ignore


async def award(
    session: AsyncSession,
    *,
    ref: str,
    person_id: int,
    reason: PointsReason,
    points: int,
    hours: float = 0.0,
    grid_id: int | None = None,
    community_id: int | None = None,
    now: datetime,
) -> bool:
    """Append one ledger line unless `ref` was already awarded; True when it was written.

    Refs name the action, e.g. `task:<request>:<volunteer>`, `visit:<household>:<volunteer>:<week>`,
    `event:<event>:<volunteer>`, `emergency:<emergency>:<volunteer>`.
    """
    return await insert_ignore(
        session,
        PointsEntry,
        dict(
            ref=ref,
            person_id=person_id,
            reason=reason.value,
            points=points,
            hours=hours,
            grid_id=grid_id,
            community_id=community_id,
            created_at=now,
        ),
        ["ref"],
    )
