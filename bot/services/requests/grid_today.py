"""Today where the request is: a request's date is checked against the day in its grid's community
time zone (the bot's own zone when the community has none, or an unknown one)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.models import Community, Grid

from . import fields as rin

_ZONE = (
    select(col(Community.timezone))
    .join(Grid, col(Grid.community_id) == col(Community.id))
    .where(col(Grid.id) == bindparam("gid"))
)


def today_in(core: Core, tz: str | None) -> date:
    try:
        zone = ZoneInfo(tz) if tz is not None else core.cfg.tz
    except (ValueError, KeyError):
        zone = core.cfg.tz
    return core.clock.now().astimezone(zone).date()


async def local_today(session: AsyncSession, core: Core, grid_id: int) -> date:
    row = (await (await session.connection()).execute(_ZONE, {"gid": grid_id})).first()
    return today_in(core, row[0] if row else None)


async def check_date(core: Core, grid_id: int, text: str | None) -> str:
    """A typed date as ISO, checked against today in the grid's community time zone (DateRefused:
    why not, with today)."""
    return rin.parse_date(text, await grid_today(core, grid_id)).isoformat()


async def grid_today(core: Core, grid_id: int) -> date:
    """Today in the grid's community time zone: the prompts' example dates start from it."""
    async with core.db.reading() as s:
        return await local_today(s, core, grid_id)


def this_year(core: Core) -> int:
    """The year it is now (in `bot.timezone`): a request's date in another year shows its year."""
    return today_in(core, None).year


async def tomorrow(core: Core, grid_id: int) -> str:
    """The Tomorrow button's day, as ISO."""
    return (await grid_today(core, grid_id) + timedelta(days=1)).isoformat()
