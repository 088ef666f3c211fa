"""The volunteers' figures: points and hours with the week's top volunteers, and the applications waiting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.enums import VolunteerStatus
from storage.models import Grid, Person, PointsEntry, VolunteerProfile

from .figures import DigestFigures, Span
from .grouping import keyed, scope_key, within

TOP_N = 3


def _points_base(scope: str) -> tuple[Any, Any]:
    """PointsEntry with its key: the entry's own grid/community, else the volunteer's grid."""
    grid = func.coalesce(col(PointsEntry.grid_id), col(VolunteerProfile.grid_id))
    base = (
        select()
        .select_from(PointsEntry)
        .outerjoin(VolunteerProfile, col(VolunteerProfile.person_id) == col(PointsEntry.person_id))
    )
    if scope == "grid":
        return base, grid
    return base.outerjoin(Grid, col(Grid.id) == grid), func.coalesce(
        col(PointsEntry.community_id), col(Grid.community_id)
    )


async def points(s: AsyncSession, scope: str, keys: list[int], span: Span, out: dict[int, DigestFigures]) -> None:
    base, key = _points_base(scope)
    week = and_(within(col(PointsEntry.created_at), span), key.in_(keys))
    if scope == "grid":  # implied by the key's filter, in a form the (grid, created) index serves
        week = and_(week, or_(col(PointsEntry.grid_id).in_(keys), col(PointsEntry.grid_id).is_(None)))
    totals = (
        base.add_columns(key, func.sum(col(PointsEntry.points)), func.sum(col(PointsEntry.hours)))
        .where(week)
        .group_by(key)
    )
    for k, pts, hours in (await s.execute(totals)).all():
        out[k].points, out[k].hours = int(pts or 0), round(float(hours or 0.0), 1)
    per = (
        base.add_columns(
            key.label("k"), col(PointsEntry.person_id).label("pid"), func.sum(col(PointsEntry.points)).label("pts")
        )
        .where(week)
        .group_by(key, col(PointsEntry.person_id))
        .subquery()
    )
    ranked = select(
        per.c.k,
        per.c.pid,
        per.c.pts,
        func.row_number().over(partition_by=per.c.k, order_by=(per.c.pts.desc(), per.c.pid)).label("rn"),
    ).subquery()
    top = (
        select(ranked.c.k, col(Person.name), col(Person.id), ranked.c.pts)
        .join(Person, col(Person.id) == ranked.c.pid)
        .where(ranked.c.rn <= TOP_N, ranked.c.pts > 0)
        .order_by(ranked.c.k, ranked.c.rn)
    )
    for k, name, pid, pts in (await s.execute(top)).all():
        out[k].top.append((name or f"#{pid}", int(pts)))


async def pending_volunteers(s: AsyncSession, scope: str, keys: list[int], out: dict[int, DigestFigures]) -> None:
    key, _ = scope_key(scope, col(VolunteerProfile.grid_id))
    stmt = select(key, func.count()).select_from(VolunteerProfile)
    stmt, key = keyed(stmt, scope, col(VolunteerProfile.grid_id), keys)
    for k, n in (
        await s.execute(stmt.where(col(VolunteerProfile.status) == VolunteerStatus.pending.value).group_by(key))
    ).all():
        out[k].pending = int(n)
