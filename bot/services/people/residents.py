"""Where a resident lives: the grid their requests go to."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import DomainError
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person
from bot.services.places import get_community, get_grid
from storage import audit
from storage.models import Community, Grid


class NoGrid(DomainError):
    """Something grid-bound was tried by someone who has not said where they live (see /grid)."""

    key = "residents.no_grid"


async def grid_of(core: Core, actor: Actor) -> Grid | None:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        return await s.get(Grid, person.grid_id) if person.grid_id is not None else None


async def require_grid(core: Core, actor: Actor) -> Grid:
    """The person's grid, or NoGrid (handlers then guide them to /grid)."""
    grid = await grid_of(core, actor)
    if grid is None:
        raise NoGrid()
    return grid


async def where_i_live(core: Core, actor: Actor) -> tuple[Community, Grid] | None:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if person.grid_id is None:
            return None
        grid = await get_grid(s, person.grid_id)
        return await get_community(s, grid.community_id), grid


async def grid_choices(core: Core, community_id: int) -> tuple[Community, list[Grid]]:
    async with core.db.session() as s:
        com = await get_community(s, community_id)
        grids = (await s.execute(select(Grid).where(col(Grid.community_id) == community_id))).scalars()
        return com, natural(grids, lambda g: g.name, lambda g: g.id)


async def choose_grid(core: Core, actor: Actor, grid_id: int) -> tuple[Community, Grid]:
    """Anyone may say which grid they live in (and change it later)."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grid = await get_grid(s, grid_id)
        com = await get_community(s, grid.community_id)
        if person.grid_id != grid.id:
            await audit.record(
                s, person.id, "resident.grid", "person", person.id, old_grid_id=person.grid_id, grid_id=grid.id
            )
            person.grid_id = grid.id
            s.add(person)
        return com, grid
