"""Building heads named and removed with buttons from a building's screen (/buildings): the grid's
approved volunteers to pick from (a page at a time, those heading it already left out), the pick
itself, and the head a leader is about to remove (asked once before it goes).

Every press is checked again: the actor leads the building's grid, the building and the head still
exist, the volunteer is still an approved volunteer of that grid and not its head already."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.namesakes import namesake_hints
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, can_lead, ensure_person
from storage.enums import VolunteerStatus
from storage.models import Building, BuildingHead, Grid, Person, VolunteerProfile

from .heads import HeadGranted, make_head
from .manage import building_in_led_grid

PAGE = 10  # volunteers a page of the picker


@dataclass(frozen=True)
class HeadChoices:
    """A page of the grid's approved volunteers who may head the building (not heading it yet)."""

    building_id: int
    building: str
    grid: str
    volunteers: tuple[tuple[int, str], ...]  # (person id, name) on this page, in natural order of name
    page: int
    pages: int
    total: int
    hints: dict[int, str] = field(default_factory=dict)  # what tells namesakes apart (kernel.namesakes)


@dataclass(frozen=True)
class HeadToRemove:
    head_id: int
    building_id: int
    person: str
    building: str
    grid: str


async def head_choices(core: Core, actor: Actor, building_id: int, page: int = 0) -> HeadChoices:
    """Page `page` (from 0; past the end: the last) of the volunteers a leader may name head."""
    async with core.db.reading() as s:
        _, b, grid = await building_in_led_grid(s, actor, building_id)
        heading = select(col(BuildingHead.person_id)).where(col(BuildingHead.building_id) == b.id)
        found = (
            await s.execute(
                select(col(Person.id), col(Person.name), col(Person.phone))
                .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                .where(
                    col(VolunteerProfile.grid_id) == b.grid_id,
                    col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                    col(Person.tg_user_id).is_not(None),
                    col(Person.id).not_in(heading),
                )
            )
        ).all()
    people = natural(((stored_id(pid), str(name)) for pid, name, _ in found), lambda p: p[1], lambda p: p[0])
    hints = namesake_hints((pid, name, phone) for pid, name, phone in found)
    pages = max(1, -(-len(people) // PAGE))
    page = min(max(page, 0), pages - 1)
    return HeadChoices(
        stored_id(b.id),
        b.name,
        grid.name,
        tuple(people[page * PAGE : (page + 1) * PAGE]),
        page,
        pages,
        len(people),
        hints,
    )


async def name_head(core: Core, actor: Actor, building_id: int, person_id: int) -> HeadGranted:
    """The picker's press: the volunteer becomes a head of the building (and is told privately)."""
    async with core.db.session() as s:
        me, b, grid = await building_in_led_grid(s, actor, building_id)
        target = await s.get(Person, person_id)
        if target is None or target.tg_user_id is None:
            raise Conflict("buildings.volunteer_gone")
        return await make_head(core, s, me, b, grid, target)


async def head_to_remove(core: Core, actor: Actor, head_id: int) -> HeadToRemove:
    """The head a leader pressed ✖️ on, for the question before removing them."""
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        row = (
            await s.execute(
                select(BuildingHead, Building, Grid, col(Person.name))
                .join(Building, col(Building.id) == col(BuildingHead.building_id))
                .join(Grid, col(Grid.id) == col(Building.grid_id))
                .join(Person, col(Person.id) == col(BuildingHead.person_id))
                .where(col(BuildingHead.id) == head_id)
            )
        ).first()
        if row is None:
            raise Conflict("buildings.head_gone")
        head, b, g, name = row
        if not await can_lead(s, me, stored_id(g.id)):
            raise NotAllowed("buildings.leaders_only")
        return HeadToRemove(stored_id(head.id), stored_id(b.id), str(name), b.name, g.name)
