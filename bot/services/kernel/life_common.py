"""Small pieces the community-life services share: weeks and months, row locks (time zones and ISO
weeks: periods.py; free text: text.py, re-exported here for the features that import it from here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key
from sqlmodel import SQLModel, col

from storage.models import Community, Grid

from .errors import NotFound
from .periods import aware, iso_week, zone
from .text import clean_text

__all__ = ["aware", "clean_text", "grid_with_community", "iso_week", "lock", "month_start", "weeks_around", "zone"]
M = TypeVar("M", bound=SQLModel)  # a table model with an integer `id`


def weeks_around(when: datetime) -> tuple[str, str]:
    """The ISO weeks `when` falls in somewhere on Earth (every zone is within a day of UTC): lets one
    statement read this week's rows before it has read the community's time zone."""
    utc = when.astimezone(UTC)
    return iso_week(utc - timedelta(days=1), "UTC"), iso_week(utc + timedelta(days=1), "UTC")


def month_start(when: datetime, tz: str | None) -> datetime:
    """Midnight of the first day of `when`'s month in the time zone, as aware UTC (SQLite stores
    datetimes without their offset, so every value that reaches SQL must be UTC)."""
    local = when.astimezone(zone(tz))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


_GRID_WITH_COMMUNITY = (
    select(Grid, Community)
    .join(Community, col(Community.id) == col(Grid.community_id))
    .where(col(Grid.id) == bindparam("gid"))
)


def _loaded(session: AsyncSession, model: type[M], row_id: int) -> M | None:
    """The row if this session holds it fully loaded (as `session.get` would return it without SQL)."""
    obj = session.sync_session.identity_map.get(identity_key(model, row_id))
    return cast("M | None", obj) if obj is not None and not inspect(obj).expired_attributes else None


async def grid_with_community(session: AsyncSession, grid_id: int) -> tuple[Grid, Community]:
    grid = _loaded(session, Grid, grid_id)
    community = _loaded(session, Community, grid.community_id) if grid is not None else None
    if grid is None or community is None:  # one statement for both (a loop over loaded grids reads none)
        row = (await session.execute(_GRID_WITH_COMMUNITY, params={"gid": grid_id})).first()
        if row is None:
            raise NotFound()
        grid, community = row
    return grid, community


async def lock(session: AsyncSession, model: type[M], row_id: int) -> M | None:
    """Read one row, locked for this transaction on PostgreSQL (SQLite already holds the write lock)."""
    stmt = select(model).where(inspect(model).primary_key[0] == row_id).execution_options(populate_existing=True)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalars().first()
