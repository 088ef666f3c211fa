"""A building's name (楼栋, e.g. "3栋"), and a grid's building found, or made, by that name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.inputs import clean_line
from storage import audit
from storage.models import Building

NAME_MAX = 50


def clean_building_name(text: str | None) -> str:
    return clean_line(text, max_len=NAME_MAX, key="buildings.bad_name")


async def building_named(
    session: AsyncSession, grid_id: int, name: str, *, create: bool, now: datetime | None = None
) -> int:
    """The id of the grid's building of that name; made when `create` (the CSV import) and missing.
    Names compare as written: "3栋" and "3 栋" are two buildings (the office's roster decides)."""
    found = await session.scalar(
        select(col(Building.id)).where(col(Building.grid_id) == grid_id, col(Building.name) == name)
    )
    if found is not None or not create:
        return int(found or 0)
    building = Building(grid_id=grid_id, name=name)
    if now is not None:
        building.created_at = now
    session.add(building)
    await session.flush()
    await audit.record(session, None, "building.create", "building", building.id, grid_id=grid_id, source="import")
    return int(building.id or 0)
