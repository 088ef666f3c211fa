"""A building head's /households: the households of the buildings they head, with their paired
volunteers (read-only: adding and pairing stay with the grid's leaders); and a household put into
a building of its grid by a leader (its household screen's 🏢 button)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, approved_volunteer, can_lead, ensure_person
from bot.services.places import HouseholdRow
from storage import audit
from storage.models import Building, BuildingHead, Grid, Household, Pairing, Person

from .manage import buildings_in


@dataclass
class HeadedBuilding:
    id: int
    name: str
    grid: str
    rows: list[HouseholdRow] = field(default_factory=list)


async def headed_households(core: Core, actor: Actor) -> list[HeadedBuilding]:
    """The buildings this person heads with their households; NotAllowed when they head none."""
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        found = (
            await s.execute(
                select(Building, col(Grid.name))
                .join(BuildingHead, col(BuildingHead.building_id) == col(Building.id))
                .join(Grid, col(Grid.id) == col(Building.grid_id))
                .where(col(BuildingHead.person_id) == me.id)
            )
        ).all()
        if not found or await approved_volunteer(s, me) is None:  # a suspended head sees no addresses
            raise NotAllowed("households.leaders_only")
        out = {stored_id(b.id): HeadedBuilding(stored_id(b.id), b.name, grid) for b, grid in found}
        homes = (
            await s.execute(
                select(Household).where(col(Household.building_id).in_(list(out)), col(Household.erased_at).is_(None))
            )
        ).scalars()
        rows: dict[int, HouseholdRow] = {}
        for h in natural(homes, lambda h: h.address, lambda h: h.id):
            rows[stored_id(h.id)] = HouseholdRow(h)
            out[h.building_id or 0].rows.append(rows[stored_id(h.id)])
        pairs = await s.execute(
            select(col(Pairing.household_id), col(Person.name))
            .join(Person, col(Person.id) == col(Pairing.volunteer_id))
            .where(col(Pairing.household_id).in_(list(rows)), col(Pairing.active) == True)  # noqa: E712
            .order_by(col(Pairing.id))
        )
        for hid, name in pairs.all():
            rows[hid].volunteers.append(name)
    return natural(out.values(), lambda b: b.name, lambda b: b.id)


@dataclass(frozen=True)
class HouseholdPlace:
    """A household's building and the grid's buildings it may be put into (a leader's picker)."""

    household_id: int
    grid: str
    building_id: int | None
    building: str  # "" in none
    choices: tuple[tuple[int, str], ...]  # (id, name) of the grid's buildings, in natural order


async def _led_household(s: AsyncSession, actor: Actor, household_id: int) -> tuple[Person, Household, Grid]:
    me = await ensure_person(s, actor)
    h = await s.get(Household, household_id)
    if h is None or h.erased_at is not None:
        raise Conflict("households.not_found")
    grid = await s.get(Grid, h.grid_id)
    if grid is None or not await can_lead(s, me, h.grid_id):
        raise NotAllowed("buildings.leaders_only")
    return me, h, grid


async def household_place(core: Core, actor: Actor, household_id: int) -> HouseholdPlace:
    """The household's building and its grid's buildings, for a leader of its grid."""
    async with core.db.reading() as s:
        _, h, grid = await _led_household(s, actor, household_id)
        choices = await buildings_in(s, h.grid_id)
        names = dict(choices)
        return HouseholdPlace(
            stored_id(h.id), grid.name, h.building_id, names.get(h.building_id or 0, ""), tuple(choices)
        )


async def move_household(core: Core, actor: Actor, household_id: int, building_id: int | None) -> HouseholdPlace:
    """Put a household into a building of its grid (None: no building). A building gone since the
    picker was drawn is a stale press (Conflict) and changes nothing."""
    async with core.db.session() as s:
        me, h, grid = await _led_household(s, actor, household_id)
        if building_id is not None:
            b = await s.get(Building, building_id)
            if b is None or b.grid_id != h.grid_id:
                raise Conflict("buildings.building_gone")
        if h.building_id != building_id:
            h.building_id = building_id
            s.add(h)
            await audit.record(
                s, me.id, "household.building", "household", h.id, grid_id=h.grid_id, building_id=building_id
            )
        choices = await buildings_in(s, h.grid_id)
        return HouseholdPlace(
            stored_id(h.id), grid.name, building_id, dict(choices).get(building_id or 0, ""), tuple(choices)
        )
