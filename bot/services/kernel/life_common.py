"""Small pieces the community-life services share: time zones, ISO weeks, row locks, free text."""
from __future__ import annotations

from sqlmodel import col

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm.util import identity_key
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, Grid

from bot.services.kernel.errors import InvalidInput, NotFound

# bidi overrides can make text render backwards or hide parts of it: never accepted
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Shanghai")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def iso_week(when: datetime, tz: str | None) -> str:
    """The ISO week of `when` in the time zone, e.g. `2026-W47`."""
    year, week, _ = when.astimezone(zone(tz)).isocalendar()
    return f"{year}-W{week:02d}"


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


def aware(when: datetime) -> datetime:
    """A datetime read back from SQLite comes without its zone; every stored value is UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


_GRID_WITH_COMMUNITY = select(Grid, Community).join(Community, col(Community.id) == col(Grid.community_id)).where(
    col(Grid.id) == bindparam("gid"))


def _loaded(session: AsyncSession, model: type, row_id: int):  # type: ignore[no-untyped-def]
    """The row if this session holds it fully loaded (as `session.get` would return it without SQL)."""
    obj = session.sync_session.identity_map.get(identity_key(model, row_id))
    return obj if obj is not None and not inspect(obj).expired_attributes else None


async def grid_with_community(session: AsyncSession, grid_id: int) -> tuple[Grid, Community]:
    grid = _loaded(session, Grid, grid_id)
    community = _loaded(session, Community, grid.community_id) if grid is not None else None
    if grid is None or community is None:  # one statement for both (a loop over loaded grids reads none)
        row = (await session.execute(_GRID_WITH_COMMUNITY, params={"gid": grid_id})).first()
        if row is None:
            raise NotFound()
        grid, community = row
    return grid, community


async def lock(session: AsyncSession, model: type, row_id: int):  # type: ignore[no-untyped-def]
    """Read one row, locked for this transaction on PostgreSQL (SQLite already holds the write lock)."""
    stmt = select(model).where(model.id == row_id).execution_options(populate_existing=True)  # type: ignore[attr-defined]
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalars().first()


def clean_text(text: str | None, *, max_len: int, key: str, required: bool = True,
               allow_newlines: bool = True) -> str:
    """Human free text: trimmed, bounded, no control or bidi-override characters.

    Raises InvalidInput(key, max=...) and never echoes the text back (it may hold an address)."""
    value = re.sub(r"[ \t]+", " ", (text or "").strip())
    value = re.sub(r"\n{3,}", "\n\n", value)
    if not value:
        if required:
            raise InvalidInput(key, max=max_len)
        return ""
    bad = any(ch in _BIDI or (unicodedata.category(ch) == "Cc" and not (allow_newlines and ch == "\n"))
              for ch in value)
    if bad or len(value) > max_len or not any(ch.isalnum() for ch in value):
        raise InvalidInput(key, max=max_len)
    return value
