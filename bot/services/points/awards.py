"""What each award is made of. Every points message names its parts, and their sum is exactly what the
ledger line adds to /points: the award is written here from the same parts the message shows.

Kinds of award (storage.enums.PointsReason): a task (its base and its hours), the five-star bonus, a
door visit, an event attended, emergency duty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.kernel.config import PointsConfig
from storage import points as ledger
from storage.enums import PointsReason


class PartKind(StrEnum):
    task = "task"  # a task done
    hours = "hours"  # the task's hours of service
    five_star = "five_star"  # the resident's five stars
    visit = "visit"  # a Friday door visit logged
    event = "event"  # an event attended
    emergency = "emergency"  # on duty in an emergency


@dataclass(frozen=True)
class Part:
    kind: PartKind
    points: int
    hours: float = 0.0  # for the hours part: the hours it pays


@dataclass(frozen=True)
class Award:
    """One ledger line as its message tells it: the parts, and their sum (what /points gains)."""

    parts: tuple[Part, ...]

    @property
    def points(self) -> int:
        return sum(p.points for p in self.parts)


def task_parts(cfg: PointsConfig, hours: float) -> tuple[Part, ...]:
    """A task done: its base, and its hours (when they earn anything)."""
    by_hours = round(cfg.per_hour * hours)
    return (Part(PartKind.task, cfg.task_done),) + ((Part(PartKind.hours, by_hours, hours),) if by_hours else ())


async def grant(
    session: AsyncSession,
    *,
    ref: str,
    person_id: int,
    reason: PointsReason,
    parts: tuple[Part, ...],
    now: datetime,
    hours: float = 0.0,
    grid_id: int | None = None,
    community_id: int | None = None,
) -> Award | None:
    """Write the award once by `ref` (storage.points.award); the Award to tell, None if it was written before."""
    award = Award(parts)
    written = await ledger.award(
        session,
        ref=ref,
        person_id=person_id,
        reason=reason,
        points=award.points,
        hours=hours,
        grid_id=grid_id,
        community_id=community_id,
        now=now,
    )
    return award if written else None
