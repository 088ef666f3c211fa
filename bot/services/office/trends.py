"""Weekly series for the dashboard charts: requests by status, time to accept, satisfaction,
visit coverage. One GROUP BY per series; weeks are bucketed in SQL with a CASE over the week
boundaries (computed in the community's time zone), so it works on SQLite and PostgreSQL alike."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.office.dashboard import DONE_STATUSES, ENDED_STATUSES, Scope, paired_household_count, week_start
from storage.models import DoorVisit, HelpRequest, Rating

STATUS_GROUPS = ("open", "done", "ended")  # chart series; see status_group()


def status_group(status: str) -> str:
    if status in DONE_STATUSES:
        return "done"
    if status in ENDED_STATUSES:
        return "ended"
    return "open"


@dataclass
class Trends:
    week_starts: list[datetime]  # aware, community time zone, oldest first
    requests: dict[str, list[int]] = field(default_factory=dict)  # status group -> count per week
    accept_minutes: list[float | None] = field(default_factory=list)  # median per week
    satisfaction: list[float | None] = field(default_factory=list)  # share of 4-5 stars per week
    ratings: list[int] = field(default_factory=list)
    visited: list[int] = field(default_factory=list)  # distinct households visited per week
    paired_households: int = 0

    @property
    def coverage(self) -> list[float | None]:
        if not self.paired_households:
            return [None for _ in self.visited]
        return [min(1.0, v / self.paired_households) for v in self.visited]


def _bucket(column: Mapped[datetime], starts: list[datetime]) -> ColumnElement[int | None]:
    """The index of the week `column` falls in (NULL outside the window)."""
    return case(*[(and_(column >= starts[i], column < starts[i + 1]), i) for i in range(len(starts) - 1)], else_=None)


async def weekly_trends(core: Core, scope: Scope, grid_id: int | None = None, weeks: int = 8) -> Trends:
    grids = scope.pick(grid_id)
    first = week_start(core.clock.now(), scope.timezone)
    # aware arithmetic in the local zone is wall-clock: every start stays a Monday midnight
    local = [first - timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
    starts = [w.astimezone(UTC) for w in local]  # SQLite compares wall-clock text: query in UTC
    tr = Trends(week_starts=local[:-1])
    tr.requests = {g: [0] * weeks for g in STATUS_GROUPS}
    R = HelpRequest
    async with core.db.session() as s:
        b = _bucket(col(R.created_at), starts)
        rows = (
            await s.execute(
                select(b, col(R.status), func.count())
                .where(col(R.grid_id).in_(grids), col(R.created_at) >= starts[0], col(R.created_at) < starts[-1])
                .group_by(b, col(R.status))
            )
        ).all()
        for week, status, n in rows:
            if week is not None:
                tr.requests[status_group(status)][int(week)] += int(n)
        waits: dict[int, list[float]] = defaultdict(list)
        accepts = (
            await s.execute(
                select(b, col(R.created_at), col(R.first_accepted_at)).where(
                    col(R.grid_id).in_(grids), col(R.created_at) >= starts[0], col(R.first_accepted_at).is_not(None)
                )
            )
        ).all()
        for week, created, accepted in accepts:
            if week is not None and accepted is not None:
                waits[int(week)].append((accepted - created).total_seconds() / 60)
        tr.accept_minutes = [statistics.median(waits[i]) if waits[i] else None for i in range(weeks)]
        rb = _bucket(col(Rating.created_at), starts)
        good = func.sum(case((col(Rating.stars) >= 4, 1), else_=0))
        rated = (
            await s.execute(
                select(rb, good, func.count(col(Rating.stars)))
                .join(R, col(R.id) == col(Rating.request_id))
                .where(col(R.grid_id).in_(grids), col(Rating.created_at) >= starts[0], col(Rating.stars).is_not(None))
                .group_by(rb)
            )
        ).all()
        by_week = {int(w): (int(g or 0), int(n)) for w, g, n in rated if w is not None}
        tr.ratings = [by_week.get(i, (0, 0))[1] for i in range(weeks)]
        tr.satisfaction = [by_week[i][0] / by_week[i][1] if by_week.get(i, (0, 0))[1] else None for i in range(weeks)]
        vb = _bucket(col(DoorVisit.created_at), starts)
        seen = (
            await s.execute(
                select(vb, func.count(func.distinct(col(DoorVisit.household_id))))
                .where(col(DoorVisit.grid_id).in_(grids), col(DoorVisit.created_at) >= starts[0])
                .group_by(vb)
            )
        ).all()
        visited = {int(w): int(n) for w, n in seen if w is not None}
        tr.visited = [visited.get(i, 0) for i in range(weeks)]
        tr.paired_households = await paired_household_count(s, grids)
    return tr
