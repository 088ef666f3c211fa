"""A building head's /households: the households of the buildings they head, with their paired
volunteers (read-only: adding and pairing stay with the grid's leaders)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, approved_volunteer, ensure_person
from bot.services.places import HouseholdRow
from storage.models import Building, BuildingHead, Grid, Household, Pairing, Person


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
