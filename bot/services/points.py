"""Red points (红色积分) read from the append-only ledger: my points, hours, rank, leaderboards.

A grid's board ranks the volunteers registered in that grid (VolunteerProfile.grid_id) by the
points they earned anywhere; the community's board ranks every volunteer of its grids. "This
month" starts at midnight on the 1st in the community's time zone. Ties share a rank.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Grid, Person, PointsEntry, RoleGrant, VolunteerProfile

from .core import Core
from .errors import InvalidInput, NotAllowed, NotFound
from .life_common import grid_with_community, month_start
from .people import Actor, ensure_person, is_any_admin, led_grids

Scope = Literal["grid", "community"]
Period = Literal["month", "all"]
BOARD_SIZE = 10


@dataclass
class MyPoints:
    points: int
    hours: float
    month_points: int
    month_hours: float
    rank: int | None  # in the grid, all time; None when not a volunteer of a grid
    ranked: int       # volunteers in that grid
    grid_name: str


@dataclass
class BoardRow:
    rank: int
    person_id: int
    name: str
    points: int
    hours: float
    is_me: bool = False


@dataclass
class Board:
    scope: str
    period: str
    place: str  # grid or community name
    rows: list[BoardRow]
    me: BoardRow | None  # the actor's own line when they are on this board


def _totals(since: datetime | None) -> Select:
    stmt = select(PointsEntry.person_id.label("person_id"), func.sum(PointsEntry.points).label("pts"),  # type: ignore[attr-defined]
                  func.sum(PointsEntry.hours).label("hrs"))
    if since is not None:
        stmt = stmt.where(PointsEntry.created_at >= since)
    return stmt.group_by(PointsEntry.person_id)


def _members(scope: str, grid: Grid) -> Select:
    """Volunteers on the board: registered in the grid, or in any grid of its community."""
    stmt = select(VolunteerProfile.person_id).join(Grid, Grid.id == VolunteerProfile.grid_id)
    return stmt.where(VolunteerProfile.grid_id == grid.id) if scope == "grid" else stmt.where(
        Grid.community_id == grid.community_id)


async def _home_grid(s: AsyncSession, person: Person) -> tuple[VolunteerProfile | None, Grid]:
    """The grid whose board this person sees: their volunteer grid, a grid they lead, where they live."""
    prof = (await s.exec(select(VolunteerProfile).where(VolunteerProfile.person_id == person.id))).scalars().first()  # type: ignore[call-overload]
    grid_id = prof.grid_id if prof else None
    if grid_id is None:
        led = await led_grids(s, person)
        grid_id = led[0].id if led else person.grid_id
    if prof is None and not (await is_any_admin(s, person) or await s.scalar(select(RoleGrant.id).where(
            RoleGrant.person_id == person.id).limit(1))):
        raise NotAllowed("points.error.volunteers_only")
    if grid_id is None:
        raise NotFound("points.error.no_grid")
    grid, _ = await grid_with_community(s, grid_id)
    return prof, grid


async def _rank(s: AsyncSession, members: Select, since: datetime | None, mine: int) -> tuple[int, int]:
    """(1 + volunteers with more points than `mine`, volunteers on the board)."""
    totals = _totals(since).where(PointsEntry.person_id.in_(members)).subquery()  # type: ignore[attr-defined]
    pts = func.coalesce(totals.c.pts, 0)
    base = select(func.count()).select_from(VolunteerProfile).outerjoin(
        totals, totals.c.person_id == VolunteerProfile.person_id).where(VolunteerProfile.person_id.in_(members))  # type: ignore[attr-defined]
    above = int(await s.scalar(base.where(pts > mine)) or 0)
    count = int(await s.scalar(base) or 0)
    return above + 1, count


async def _sum(s: AsyncSession, person_id: int, since: datetime | None) -> tuple[int, float]:
    stmt = select(func.coalesce(func.sum(PointsEntry.points), 0), func.coalesce(func.sum(PointsEntry.hours), 0.0)).where(
        PointsEntry.person_id == person_id)
    if since is not None:
        stmt = stmt.where(PointsEntry.created_at >= since)
    pts, hrs = (await s.exec(stmt)).one()  # type: ignore[call-overload]
    return int(pts), round(float(hrs), 1)


async def my_points(core: Core, actor: Actor) -> MyPoints:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        prof, grid = await _home_grid(s, person)
        _, community = await grid_with_community(s, grid.id)
        since = month_start(core.clock.now(), community.timezone)
        pts, hrs = await _sum(s, person.id, None)
        mpts, mhrs = await _sum(s, person.id, since)
        rank, ranked = (await _rank(s, _members("grid", grid), None, pts)) if prof else (None, 0)
        return MyPoints(pts, hrs, mpts, mhrs, rank, ranked, grid.name)


async def leaderboard(core: Core, actor: Actor, scope: str, period: str, limit: int = BOARD_SIZE) -> Board:
    if scope not in ("grid", "community") or period not in ("month", "all"):
        raise InvalidInput("points.error.bad_board")
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        prof, grid = await _home_grid(s, person)
        _, community = await grid_with_community(s, grid.id)
        since = month_start(core.clock.now(), community.timezone) if period == "month" else None
        members = _members(scope, grid)
        totals = _totals(since).where(PointsEntry.person_id.in_(members)).subquery()  # type: ignore[attr-defined]
        stmt = (select(Person.id, Person.name, totals.c.pts, totals.c.hrs)
                .join(totals, totals.c.person_id == Person.id).where(totals.c.pts > 0)
                .order_by(totals.c.pts.desc(), totals.c.hrs.desc(), Person.id).limit(limit))
        rows: list[BoardRow] = []
        for pid, name, pts, hrs in (await s.exec(stmt)).all():  # type: ignore[call-overload]
            rank = rows[-1].rank if rows and rows[-1].points == int(pts) else len(rows) + 1
            rows.append(BoardRow(rank, pid, name or "—", int(pts), round(float(hrs or 0), 1), pid == person.id))
        me = next((r for r in rows if r.is_me), None)
        if me is None and prof is not None and (scope == "community" or prof.grid_id == grid.id):
            pts, hrs = await _sum(s, person.id, since)
            rank, _ = await _rank(s, members, since, pts)
            me = BoardRow(rank, person.id, person.name or "—", pts, hrs, True)
        return Board(scope, period, grid.name if scope == "grid" else community.name, rows, me)
