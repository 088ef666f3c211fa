"""Red points (红色积分) read from the append-only ledger: my points, hours, rank, leaderboards.

A grid's board ranks the volunteers registered in that grid (col(VolunteerProfile.grid_id)) by the
points they earned anywhere; the community's board ranks every volunteer of its grids. "This
month" starts at midnight on the 1st in the community's time zone. Ties share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import BindParameter, Table, bindparam, case, exists, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.life_common import month_start
from bot.services.kernel.roles import Actor, by_tg, led_grids, load_me
from storage.enums import VolunteerStatus
from storage.models import Community, Grid, Person, PointsEntry, RoleGrant, VolunteerProfile

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
    ranked: int  # volunteers in that grid
    grid_name: str
    boards_empty: bool = False  # nobody of the community has earned a point yet: every board is empty


@dataclass
class BoardRow:
    rank: int
    person_id: int
    name: str | None
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


@dataclass(frozen=True)
class _Home:
    """The grid whose board this person sees, with its community."""

    person: Person
    has_profile: bool
    profile_grid_id: int | None
    grid_id: int
    grid_name: str
    community_id: int
    community_name: str
    timezone: str


# the person, their volunteer grid and its community, and whether they hold any role: one statement
_HOME = (
    by_tg(
        col(VolunteerProfile.id),
        col(Grid.id),
        col(Grid.name),
        col(Grid.community_id),
        col(Community.name),
        col(Community.timezone),
        exists().where(col(RoleGrant.person_id) == col(Person.id)),
    )
    .outerjoin(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
    .outerjoin(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
)
_PLACE = (
    select(col(Grid.name), col(Grid.community_id), col(Community.name), col(Community.timezone))
    .join(Community, col(Community.id) == col(Grid.community_id))
    .where(col(Grid.id) == bindparam("gid"))
)


async def _home_grid(s: AsyncSession, actor: Actor) -> _Home:
    """Their volunteer grid, else a grid they lead, else where they live (registers them on first contact)."""
    person, prof_id, grid_id, grid_name, com_id, com_name, tz, any_role = await load_me(s, actor, _HOME)
    if prof_id is not None:
        return _Home(person, True, grid_id, grid_id, grid_name, com_id, com_name, tz)
    if not (person.is_superadmin or any_role):
        raise NotAllowed("points.error.volunteers_only")
    led = await led_grids(s, person)
    home_id = led[0].id if led else person.grid_id
    place = (await (await s.connection()).execute(_PLACE, {"gid": home_id})).first() if home_id is not None else None
    if place is None or home_id is None:
        raise NotFound("points.error.no_grid" if home_id is None else None)
    name, community_id, community_name, timezone = place
    return _Home(person, False, None, home_id, name, community_id, community_name, timezone)


_PE = cast(Table, inspect(PointsEntry).local_table).c
_SINCE: BindParameter[datetime] = bindparam("since")


def _in_month(column: Any) -> Any:
    return case((_PE.created_at >= _SINCE, column), else_=0)


# /points in one statement: my totals, all time and this month, and my rank on my grid's board
_MINE = (
    select(
        func.coalesce(func.sum(_PE.points), 0).label("pts"),
        func.coalesce(func.sum(_PE.hours), 0.0),
        func.coalesce(func.sum(_in_month(_PE.points)), 0),
        func.coalesce(func.sum(_in_month(_PE.hours)), 0.0),
    )
    .where(_PE.person_id == bindparam("pid"))
    .subquery("mine")
)
_GRID_TOTALS = (
    select(_PE.person_id, func.sum(_PE.points).label("pts"))
    .where(
        _PE.person_id.in_(
            select(col(VolunteerProfile.person_id)).where(col(VolunteerProfile.grid_id) == bindparam("gid"))
        )
    )
    .group_by(_PE.person_id)
    .subquery()
)
_ABOVE = (
    select(func.count())
    .select_from(VolunteerProfile)
    .outerjoin(_GRID_TOTALS, _GRID_TOTALS.c.person_id == col(VolunteerProfile.person_id))
    .where(
        col(VolunteerProfile.grid_id) == bindparam("gid"),
        col(VolunteerProfile.status) == VolunteerStatus.approved.value,
        func.coalesce(_GRID_TOTALS.c.pts, 0) > _MINE.c.pts,
    )
    .scalar_subquery()
)
_RANKED = (
    select(func.count())
    .select_from(VolunteerProfile)
    .where(
        col(VolunteerProfile.grid_id) == bindparam("gid"),
        col(VolunteerProfile.status) == VolunteerStatus.approved.value,
    )
    .correlate_except(VolunteerProfile)
    .scalar_subquery()
)
_MY_POINTS = select(*_MINE.c, _ABOVE, _RANKED).select_from(_MINE)


def _totals(since: datetime | None) -> Select[int, int, float]:
    stmt: Select[int, int, float] = select(
        col(PointsEntry.person_id).label("person_id"),
        func.sum(col(PointsEntry.points)).label("pts"),
        func.sum(col(PointsEntry.hours)).label("hrs"),
    )
    if since is not None:
        stmt = stmt.where(col(PointsEntry.created_at) >= since)
    return stmt.group_by(col(PointsEntry.person_id))


def _members(scope: str, home: _Home) -> Select[int]:
    """Volunteers on the board: approved in the grid, or in any grid of its community (an applicant
    still waiting, or one who left, is not counted among them)."""
    stmt = (
        select(col(VolunteerProfile.person_id))
        .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
        .where(col(VolunteerProfile.status) == VolunteerStatus.approved.value)
    )
    return (
        stmt.where(col(VolunteerProfile.grid_id) == home.grid_id)
        if scope == "grid"
        else stmt.where(col(Grid.community_id) == home.community_id)
    )


async def _rank(s: AsyncSession, members: Select[int], since: datetime | None, mine: int) -> tuple[int, int]:
    """(1 + volunteers with more points than `mine`, volunteers on the board)."""
    totals = _totals(since).where(col(PointsEntry.person_id).in_(members)).subquery()
    pts = func.coalesce(totals.c.pts, 0)
    base = (
        select(func.count())
        .select_from(VolunteerProfile)
        .outerjoin(totals, totals.c.person_id == col(VolunteerProfile.person_id))
        .where(col(VolunteerProfile.person_id).in_(members))
    )
    above = int(await s.scalar(base.where(pts > mine)) or 0)
    count = int(await s.scalar(base) or 0)
    return above + 1, count


async def _sum(s: AsyncSession, person_id: int, since: datetime | None) -> tuple[int, float]:
    stmt = select(
        func.coalesce(func.sum(col(PointsEntry.points)), 0), func.coalesce(func.sum(col(PointsEntry.hours)), 0.0)
    ).where(col(PointsEntry.person_id) == person_id)
    if since is not None:
        stmt = stmt.where(col(PointsEntry.created_at) >= since)
    pts, hrs = (await s.execute(stmt)).one()
    return int(pts), round(float(hrs), 1)


async def my_points(core: Core, actor: Actor) -> MyPoints:
    async with core.db.reading() as s:
        home = await _home_grid(s, actor)
        since = month_start(core.clock.now(), home.timezone)
        row = (
            await (await s.connection()).execute(
                _MY_POINTS, {"pid": home.person.id, "gid": home.grid_id, "since": since}
            )
        ).one()
        pts, hrs, mpts, mhrs, above, ranked = tuple(row)
        rank, ranked = (int(above) + 1, int(ranked)) if home.has_profile else (None, 0)
        anyone = bool(pts) or bool(
            await s.scalar(
                select(
                    exists().where(
                        col(PointsEntry.person_id).in_(_members("community", home)), col(PointsEntry.points) > 0
                    )
                )
            )
        )
        return MyPoints(
            int(pts), round(float(hrs), 1), int(mpts), round(float(mhrs), 1), rank, ranked, home.grid_name, not anyone
        )


async def leaderboard(core: Core, actor: Actor, scope: str, period: str, limit: int = BOARD_SIZE) -> Board:
    if scope not in ("grid", "community") or period not in ("month", "all"):
        raise InvalidInput("points.error.bad_board")
    async with core.db.session() as s:
        home = await _home_grid(s, actor)
        person = home.person
        since = month_start(core.clock.now(), home.timezone) if period == "month" else None
        members = _members(scope, home)
        totals = _totals(since).where(col(PointsEntry.person_id).in_(members)).subquery()
        stmt = (
            select(col(Person.id), col(Person.name), totals.c.pts, totals.c.hrs)
            .join(totals, totals.c.person_id == col(Person.id))
            .where(totals.c.pts > 0)
            .order_by(totals.c.pts.desc(), totals.c.hrs.desc(), col(Person.id))
            .limit(limit)
        )
        rows: list[BoardRow] = []
        for pid, name, pts, hrs in (await s.execute(stmt)).all():
            rank = rows[-1].rank if rows and rows[-1].points == int(pts) else len(rows) + 1
            rows.append(BoardRow(rank, pid, name, int(pts), round(float(hrs or 0), 1), pid == person.id))
        me = next((r for r in rows if r.is_me), None)
        if me is None and home.has_profile and (scope == "community" or home.profile_grid_id == home.grid_id):
            assert person.id is not None
            mine, hours = await _sum(s, person.id, since)
            rank, _ = await _rank(s, members, since, mine)
            me = BoardRow(rank, person.id, person.name, mine, hours, True)
        return Board(scope, period, home.grid_name if scope == "grid" else home.community_name, rows, me)
