"""Figures by building, for the weekly digest and the dashboard: each building's households, how
many of them were visited in the week (by anyone: a paired volunteer or a building head), and
its open problems (the households' requests still open). Grids without buildings have no lines;
households of no building are counted on a line of their own ("" as name) when a grid has some."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.order import natural_key
from storage.enums import OPEN_REQUEST_STATUSES
from storage.models import Building, DoorVisit, HelpRequest, Household


@dataclass(frozen=True)
class BuildingLine:
    grid_id: int
    name: str  # "" for the grid's households of no building
    households: int
    visited: int
    open_problems: int


async def building_lines(s: AsyncSession, grid_ids: list[int], week: str) -> dict[int, list[BuildingLine]]:
    """Three grouped statements for all the grids: grid id -> its buildings' lines, in natural order."""
    if not grid_ids:
        return {}
    live = (col(Household.grid_id).in_(grid_ids), col(Household.erased_at).is_(None))
    named = {
        (b.grid_id, b.id): b.name
        for b in (await s.execute(select(Building).where(col(Building.grid_id).in_(grid_ids)))).scalars()
    }
    if not named:
        return {}
    key = (col(Household.grid_id), col(Household.building_id))
    counts = {
        (g, b): int(n) for g, b, n in (await s.execute(select(*key, func.count()).where(*live).group_by(*key))).all()
    }
    visited = {
        (g, b): int(n)
        for g, b, n in (
            await s.execute(
                select(*key, func.count(distinct(col(DoorVisit.household_id))))
                .join(DoorVisit, col(DoorVisit.household_id) == col(Household.id))
                .where(*live, col(DoorVisit.week) == week)
                .group_by(*key)
            )
        ).all()
    }
    problems = {
        (g, b): int(n)
        for g, b, n in (
            await s.execute(
                select(*key, func.count())
                .join(HelpRequest, col(HelpRequest.household_id) == col(Household.id))
                .where(*live, col(HelpRequest.status).in_([st.value for st in OPEN_REQUEST_STATUSES]))
                .group_by(*key)
            )
        ).all()
    }
    out: dict[int, list[BuildingLine]] = defaultdict(list)
    grids_with = {g for g, _ in named}
    for g, b in sorted(set(named) | {k for k in counts if k[0] in grids_with}, key=lambda k: _order(named, k)):
        out[g].append(
            BuildingLine(
                g,
                named.get((g, b), "") if b else "",
                counts.get((g, b), 0),
                visited.get((g, b), 0),
                problems.get((g, b), 0),
            )
        )
    return dict(out)


def _order(named: dict[tuple[int, int | None], str], k: tuple[int, int | None]) -> tuple[object, ...]:
    """By grid, the buildings in natural order (3栋 before 10栋), the households of none last."""
    return (k[0], k[1] is None, natural_key(named.get(k, "")), k[1] or 0)
