"""Where a resident's request goes: the grid they live in (or the one grid they lead), and whether
they may lead it (leaders and admins may ask for several volunteers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import DomainError
from bot.services.kernel.roles import ADMIN, LEADER, Actor, by_tg, can_lead, grants, led_grids, load_me
from bot.services.people import choose_grid
from storage.models import Grid, Person, RoleGrant


class NoGrid(DomainError):
    key = "request.error.no_grid"


@dataclass(frozen=True)
class RequestStart:
    grid_id: int
    grid_name: str
    can_set_slots: bool  # leaders and admins may ask for several volunteers (moving house: 4)


async def home_grid(session: AsyncSession, person: Person) -> Grid | None:
    if person.grid_id is not None:
        return await session.get(Grid, person.grid_id)
    led = await led_grids(session, person)
    return led[0] if len(led) == 1 else None


def may_lead(grid: Any) -> Any:
    """can_lead(person, grid) for the Person and `grid` of the enclosing statement (see people.can_lead)."""
    return or_(
        grants(LEADER, col(RoleGrant.grid_id) == grid.id),
        and_(
            grid.id.is_not(None),
            or_(col(Person.is_superadmin), grants(ADMIN, col(RoleGrant.community_id) == grid.community_id)),
        ),
    )


# /request: the person, the grid they live in and whether they may lead it, in one statement
_BEGIN = by_tg(col(Grid.id), col(Grid.name), may_lead(Grid)).outerjoin(Grid, col(Grid.id) == col(Person.grid_id))


async def begin_request(core: Core, actor: Actor) -> RequestStart:
    """Where this person's request will go; NoGrid if they have not said where they live. It only
    reads (a reading step: no BEGIN and COMMIT); the request's own transaction checks again."""
    async with core.db.reading() as s:
        person, grid_id, grid_name, leads = await load_me(s, actor, _BEGIN)
        if person.grid_id is not None:
            if grid_id is None:
                raise NoGrid()
            return RequestStart(grid_id, grid_name, bool(leads))
        grid = await home_grid(s, person)
        if grid is None or grid.id is None:
            raise NoGrid()
        return RequestStart(grid.id, grid.name, await can_lead(s, person, grid.id))


async def begin_request_in(core: Core, actor: Actor, grid_id: int) -> RequestStart:
    """Someone with no grid chose one inside /request: it is where they live from now on (as /grid
    records it), and the request goes there."""
    await choose_grid(core, actor, grid_id)
    return await begin_request(core, actor)
