"""What a dashboard viewer may see (their scope) and the week's key figures for it.

A grid leader sees the grids they lead; a community admin every grid of their community; a
superadmin everything. Personal details (addresses, phones) are shown only for grids where
the viewer is the leader or an admin of the grid's community (`Scope.can_see_private`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from bot.services.buildings import BuildingLine, building_lines
from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.life_common import iso_week, zone
from bot.services.kernel.order import natural_key
from bot.services.kernel.roles import Actor
from storage.enums import OPEN_REQUEST_STATUSES, RequestStatus, RoleKind, VolunteerStatus
from storage.models import (
    Community,
    DoorVisit,
    Emergency,
    Grid,
    HelpRequest,
    Household,
    Pairing,
    Person,
    PointsEntry,
    Rating,
    RoleGrant,
    VolunteerProfile,
)

DONE_STATUSES = (RequestStatus.done_reported.value, RequestStatus.completed.value)
ENDED_STATUSES = (
    RequestStatus.cancelled.value,
    RequestStatus.closed.value,
    RequestStatus.out_of_scope.value,
    RequestStatus.duplicate.value,
)
STALE_VISIT_DAYS = 14


@dataclass(frozen=True)
class GridInfo:
    id: int
    name: str
    community_id: int
    community_name: str
    timezone: str


@dataclass(frozen=True)
class Scope:
    """The grids a viewer may see, decided once per page from their role grants."""

    person_id: int
    tg_user_id: int | None
    name: str
    language: str | None
    grids: tuple[GridInfo, ...]
    admin_of: frozenset[int] = frozenset()  # community ids
    leader_of: frozenset[int] = frozenset()  # grid ids
    superadmin: bool = False

    @property
    def grid_ids(self) -> list[int]:
        return [g.id for g in self.grids]

    @property
    def actor(self) -> Actor:
        """The same Actor the bot builds for this person, for calling the shared services."""
        assert self.tg_user_id is not None
        return Actor(tg_user_id=self.tg_user_id, name=self.name, language=self.language)

    @property
    def timezone(self) -> str:
        return self.grids[0].timezone if self.grids else "Asia/Shanghai"

    def grid(self, grid_id: int) -> GridInfo:
        for g in self.grids:
            if g.id == grid_id:
                return g
        raise NotFound("dash.error.not_found")

    def can_see_private(self, grid_id: int) -> bool:
        if self.superadmin or grid_id in self.leader_of:
            return True
        return any(g.id == grid_id and g.community_id in self.admin_of for g in self.grids)

    def pick(self, grid_id: int | None) -> list[int]:
        """The grid ids a page shows: one chosen grid (must be in scope) or all of them."""
        if grid_id is None:
            return self.grid_ids
        return [self.grid(grid_id).id]


async def scope_of(session: AsyncSession, person: Person) -> Scope:
    grants = (await session.execute(select(RoleGrant).where(col(RoleGrant.person_id) == person.id))).scalars().all()
    leader_of = frozenset(g.grid_id for g in grants if g.role == RoleKind.leader.value and g.grid_id)
    admin_of = frozenset(g.community_id for g in grants if g.role == RoleKind.admin.value and g.community_id)
    stmt = select(Grid, Community).join(Community, col(Community.id) == col(Grid.community_id))
    if not person.is_superadmin:
        stmt = stmt.where(or_(col(Grid.id).in_(leader_of), col(Grid.community_id).in_(admin_of)))
    rows = sorted(
        (await session.execute(stmt)).all(),
        key=lambda gc: (natural_key(gc[1].name), gc[1].id or 0, natural_key(gc[0].name), gc[0].id or 0),
    )
    grids = tuple(
        GridInfo(g.id, g.name, c.id, c.name, c.timezone) for g, c in rows if g.id is not None and c.id is not None
    )
    if person.id is None or (not grids and not person.is_superadmin and not admin_of):
        raise NotAllowed("dashboard.not_allowed")
    return Scope(
        person.id, person.tg_user_id, person.name, person.language, grids, admin_of, leader_of, person.is_superadmin
    )


async def load_scope(core: Core, person_id: int) -> Scope:
    async with core.db.session() as s:
        person = await s.get(Person, person_id)
        if person is None:
            raise NotAllowed("dashboard.not_allowed")
        return await scope_of(s, person)


def week_start(now: datetime, tz: str) -> datetime:
    """Monday 00:00 of `now`'s week in the time zone, as an aware datetime."""
    local = now.astimezone(zone(tz))
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class WeekFigures:
    since: datetime
    opened: int = 0
    accepted: int = 0
    done: int = 0
    open_now: int = 0
    escalated_open: int = 0
    median_accept_minutes: float | None = None
    satisfaction: float | None = None  # share of 4-5 stars, 0..1
    ratings: int = 0
    visits: int = 0
    paired_households: int = 0
    stale_households: int = 0
    hours: float = 0.0
    points: int = 0
    pending_volunteers: int = 0
    active_volunteers: int = 0
    emergencies: list[str] = field(default_factory=list)
    buildings: list[BuildingLine] = field(default_factory=list)  # by building (楼栋), where grids have some


async def week_figures(core: Core, scope: Scope, grid_id: int | None = None) -> WeekFigures:
    """This week so far (Monday 00:00 in the community's time zone until now)."""
    grids = scope.pick(grid_id)
    now = core.clock.now()
    fig = WeekFigures(since=week_start(now, scope.timezone))
    since = fig.since.astimezone(UTC)  # SQLite compares wall-clock text: always query in UTC
    R = HelpRequest
    in_grids = col(R.grid_id).in_(grids)
    accepted, status = col(R.first_accepted_at), col(R.status)
    async with core.db.session() as s:
        fig.opened = await _count(s, R, in_grids, col(R.created_at) >= since)
        fig.accepted = await _count(s, R, in_grids, accepted >= since)
        fig.done = await _count(s, R, in_grids, col(R.done_at) >= since, status.in_(DONE_STATUSES))
        open_statuses = [st.value for st in OPEN_REQUEST_STATUSES]
        fig.open_now = await _count(s, R, in_grids, status.in_(open_statuses))
        fig.escalated_open = await _count(s, R, in_grids, status.in_(open_statuses), col(R.escalation_level) > 0)
        waits = (await s.execute(select(col(R.created_at), accepted).where(in_grids, accepted >= since))).all()
        if waits:
            fig.median_accept_minutes = statistics.median(
                (b - a).total_seconds() / 60 for a, b in waits if b is not None
            )
        rated = (
            (
                await s.execute(
                    select(col(Rating.stars))
                    .join(R, col(R.id) == col(Rating.request_id))
                    .where(in_grids, col(Rating.created_at) >= since, col(Rating.stars).is_not(None))
                )
            )
            .scalars()
            .all()
        )
        stars = [x for x in rated if x is not None]
        fig.ratings = len(stars)
        if stars:
            fig.satisfaction = sum(1 for x in stars if x >= 4) / len(stars)
        fig.visits = await _count(s, DoorVisit, col(DoorVisit.grid_id).in_(grids), col(DoorVisit.created_at) >= since)
        fig.paired_households = await paired_household_count(s, grids)
        fig.stale_households = await stale_household_count(s, grids, now)
        pts = (
            await s.execute(
                select(
                    func.coalesce(func.sum(col(PointsEntry.hours)), 0.0),
                    func.coalesce(func.sum(col(PointsEntry.points)), 0),
                ).where(col(PointsEntry.grid_id).in_(grids), col(PointsEntry.created_at) >= since)
            )
        ).one()
        fig.hours, fig.points = float(pts[0]), int(pts[1])
        V = VolunteerProfile
        fig.pending_volunteers = await _count(
            s, V, col(V.grid_id).in_(grids), col(V.status) == VolunteerStatus.pending.value
        )
        fig.active_volunteers = await _count(
            s, V, col(V.grid_id).in_(grids), col(V.status) == VolunteerStatus.approved.value
        )
        fig.emergencies = await active_emergency_reasons(s, scope, grids)
        week = iso_week(now, scope.timezone)
        fig.buildings = [b for lines in (await building_lines(s, grids, week)).values() for b in lines]
    return fig


async def _count(session: AsyncSession, model: type[SQLModel], *where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def paired_household_count(session: AsyncSession, grids: list[int]) -> int:
    """Households (not erased) that have at least one active volunteer pairing."""
    paired = select(col(Pairing.household_id)).where(col(Pairing.active) == True)  # noqa: E712
    return await _count(
        session,
        Household,
        col(Household.grid_id).in_(grids),
        col(Household.erased_at).is_(None),
        col(Household.id).in_(paired),
    )


async def stale_household_count(session: AsyncSession, grids: list[int], now: datetime) -> int:
    """Households with no door visit for two weeks or more (or never visited)."""
    recent = select(col(DoorVisit.household_id)).where(
        col(DoorVisit.grid_id).in_(grids), col(DoorVisit.created_at) >= now - timedelta(days=STALE_VISIT_DAYS)
    )
    return await _count(
        session,
        Household,
        col(Household.grid_id).in_(grids),
        col(Household.erased_at).is_(None),
        col(Household.id).not_in(recent),
    )


async def active_emergency_reasons(session: AsyncSession, scope: Scope, grids: list[int]) -> list[str]:
    communities = {g.community_id for g in scope.grids if g.id in grids}
    rows = (
        (
            await session.execute(
                select(col(Emergency.reason)).where(
                    col(Emergency.ended_at).is_(None),
                    col(Emergency.community_id).in_(communities),
                    or_(col(Emergency.grid_id).is_(None), col(Emergency.grid_id).in_(grids)),
                )
            )
        )
        .scalars()
        .all()
    )
    return list(rows)
