"""The community's honour list (好人榜) of a month: its volunteers (registered in its grids) ranked by
the points they earned that month, with the average of the ratings residents gave their tasks.

Only confirmed points count: the ledger holds nothing else (a task's points are granted when the
resident or a leader confirms it, a visit's when it is logged, an event's when attendance is taken,
an emergency's when it ends); a task reported done but not confirmed earns nothing yet. Volunteers
who opted out are left off (the others' ranks close up); ties share a rank. Months are cut at
midnight on the 1st in the community's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.periods import aware, local_midnight, zone
from storage.enums import AssignmentStatus, VolunteerStatus
from storage.models import Assignment, Community, Grid, HonourOptOut, Person, PointsEntry, Rating, VolunteerProfile

SIZE = 10  # places on the list (ties at the last place all stay)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Honoured:
    rank: int
    person_id: int
    name: str
    points: int
    rating: float | None  # the average stars of the month's ratings of their tasks; None: no rating
    ratings: int


@dataclass(frozen=True)
class HonourList:
    community_id: int
    community: str
    month: str  # 2026-11
    rows: tuple[Honoured, ...]


def parse_month(text: str | None) -> str:
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2999:
        raise InvalidInput("honour.error.bad_month")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_of(when: datetime, tz: str | None) -> str:
    local = aware(when).astimezone(zone(tz))
    return f"{local.year:04d}-{local.month:02d}"


def previous_month(month: str) -> str:
    year, mon = (int(x) for x in parse_month(month).split("-"))
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


def month_bounds(month: str, tz: str | None) -> tuple[datetime, datetime]:
    """[start, end) of the month in the zone, as aware UTC."""
    year, mon = (int(x) for x in parse_month(month).split("-"))
    after = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    z = zone(tz)
    return local_midnight(date(year, mon, 1), z), local_midnight(after, z)


async def honour_list(session: AsyncSession, community_id: int, month: str) -> HonourList:
    community = await session.get(Community, community_id)
    if community is None:
        return HonourList(community_id, "", month, ())
    start, end = month_bounds(month, community.timezone)
    in_month = (col(PointsEntry.created_at) >= start, col(PointsEntry.created_at) < end)
    total = func.sum(col(PointsEntry.points))
    ranked = (
        await session.execute(
            select(col(Person.id), col(Person.name), total)
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
            .join(PointsEntry, col(PointsEntry.person_id) == col(Person.id))
            .outerjoin(HonourOptOut, col(HonourOptOut.person_id) == col(Person.id))
            .where(
                col(Grid.community_id) == community_id,
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                col(Person.forgotten_at).is_(None),
                col(HonourOptOut.person_id).is_(None),
                *in_month,
            )
            .group_by(col(Person.id), col(Person.name))
            .having(total > 0)
            .order_by(total.desc(), col(Person.id))
        )
    ).all()
    top: list[tuple[int, int, str, int]] = []
    for i, row in enumerate(ranked):
        pid, name, points = cast("tuple[int, str, int]", tuple(row))
        rank = top[-1][0] if top and top[-1][3] == points else i + 1
        if rank > SIZE:
            break
        top.append((rank, pid, name, int(points)))
    ratings = await _ratings(session, [pid for _, pid, _, _ in top], start, end)
    rows = tuple(Honoured(rank, pid, name, points, *ratings.get(pid, (None, 0))) for rank, pid, name, points in top)
    return HonourList(community_id, community.name, month, rows)


async def _ratings(
    session: AsyncSession, people: list[int], start: datetime, end: datetime
) -> dict[int, tuple[float | None, int]]:
    """Each volunteer's average stars over the month's ratings of the tasks they did."""
    if not people:
        return {}
    rows = await session.execute(
        select(col(Assignment.volunteer_id), func.avg(col(Rating.stars)), func.count(col(Rating.stars)))
        .join(Rating, col(Rating.request_id) == col(Assignment.request_id))
        .where(
            col(Assignment.volunteer_id).in_(people),
            col(Assignment.status) == AssignmentStatus.done.value,
            col(Rating.stars).is_not(None),
            col(Rating.created_at) >= start,
            col(Rating.created_at) < end,
        )
        .group_by(col(Assignment.volunteer_id))
    )
    return {pid: (round(float(avg), 1) if avg is not None else None, int(n)) for pid, avg, n in rows.all()}


async def community_honour(core: Core, community_id: int, month: str) -> HonourList:
    """The list as the dashboard shows it (read now: someone who opted out since is left off)."""
    async with core.db.reading() as s:
        return await honour_list(s, community_id, month)
