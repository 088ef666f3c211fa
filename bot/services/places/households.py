"""Households of a grid: adding them, the grid's list, and what a paired volunteer or a leader may see.

Addresses and phones are private: they are shown to the grid's leaders and to the paired
volunteer in private chats, never in groups, logs, audit details or error messages.
Pairing volunteers with households is in pairings.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.inputs import clean_int, clean_line, clean_phone
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, approved_volunteer, can_lead, ensure_person, heads_building, led_grids
from bot.services.places.grids import get_grid
from storage import audit
from storage.enums import CareFlag
from storage.models import Building, Grid, Household, Pairing, Person

CARE_FLAGS = [f.value for f in CareFlag]
MAX_MEMBERS = 30


@dataclass(frozen=True)
class NewHousehold:
    address: str
    members: str
    member_count: int
    care_flags: tuple[str, ...] = ()
    phone: str | None = None
    note: str = ""
    building_id: int | None = None  # a building (楼栋) of the household's grid, if it has some


@dataclass
class HouseholdRow:
    household: Household
    volunteers: list[str] = field(default_factory=list)  # names of the paired volunteers
    building: str = ""  # its building's name (楼栋), "" when the grid has none or it is in none


def clean_address(text: str | None) -> str:
    return clean_line(text, max_len=255, min_len=2, key="households.bad_address")


def clean_members(text: str | None) -> str:
    return clean_line(text, max_len=500, key="households.bad_members", allow_newlines=True)


def clean_member_count(text: str | int | None) -> int:
    return clean_int(str(text if text is not None else ""), lo=1, hi=MAX_MEMBERS, key="households.bad_count")


def clean_flags(values: Any) -> tuple[str, ...]:
    if not isinstance(values, (list, tuple)) or any(v not in CARE_FLAGS for v in values):
        raise InvalidInput("households.bad_flags")
    return tuple(v for v in CARE_FLAGS if v in values)


def check_new(draft: dict[str, Any]) -> NewHousehold:
    phone = draft.get("phone")
    return NewHousehold(
        address=clean_address(draft.get("address")),
        members=clean_members(draft.get("members")),
        member_count=clean_member_count(draft.get("member_count")),
        care_flags=clean_flags(draft.get("care_flags") or []),
        phone=clean_phone(phone) if phone else None,
        note=clean_line(draft["note"], max_len=1000, key="households.bad_note", allow_newlines=True)
        if draft.get("note")
        else "",
        building_id=int(draft["building_id"]) if draft.get("building_id") else None,
    )


async def leading(session: AsyncSession, actor: Actor, grid_id: int) -> tuple[Person, Grid]:
    me = await ensure_person(session, actor)
    grid = await get_grid(session, grid_id)
    if not await can_lead(session, me, grid_id):
        raise NotAllowed("households.not_your_grid", grid=grid.name)
    return me, grid


async def leader_grids(core: Core, actor: Actor) -> list[Grid]:
    async with core.db.session() as s:
        grids = await led_grids(s, await ensure_person(s, actor))
    if not grids:
        raise NotAllowed("households.leaders_only")
    return grids


async def address_taken(session: AsyncSession, grid_id: int, address: str) -> bool:
    return bool(
        await session.scalar(
            select(col(Household.id)).where(
                col(Household.grid_id) == grid_id,
                func.lower(col(Household.address)) == address.lower(),
                col(Household.erased_at).is_(None),
            )
        )
    )


async def add_household(core: Core, actor: Actor, grid_id: int, new: NewHousehold | dict[str, Any]) -> Household:
    if isinstance(new, dict):
        new = check_new(new)
    async with core.db.session() as s:
        me, grid = await leading(s, actor, grid_id)
        if await address_taken(s, grid_id, new.address):
            raise Conflict("households.address_exists", grid=grid.name)
        if new.building_id is not None:  # chosen from the grid's buildings: still there?
            b = await s.get(Building, new.building_id)
            if b is None or b.grid_id != grid_id:
                raise Conflict("households.building_gone")
        h = Household(
            grid_id=grid_id,
            building_id=new.building_id,
            address=new.address,
            members=new.members,
            member_count=new.member_count,
            care_flags=",".join(new.care_flags),
            phone=new.phone,
            note=new.note,
            created_at=core.clock.now(),
        )
        s.add(h)
        await s.flush()
        await audit.record(
            s,
            me.id,
            "household.create",
            "household",
            h.id,
            grid_id=grid_id,
            care_flags=list(new.care_flags),
            member_count=new.member_count,
        )
        return h


async def households_of_grid(core: Core, actor: Actor, grid_id: int) -> tuple[Grid, list[HouseholdRow]]:
    async with core.db.session() as s:
        _, grid = await leading(s, actor, grid_id)
        homes = await s.execute(
            select(Household, col(Building.name))
            .outerjoin(Building, col(Building.id) == col(Household.building_id))
            .where(col(Household.grid_id) == grid_id, col(Household.erased_at).is_(None))
        )
        rows = [HouseholdRow(h, building=b or "") for h, b in homes.all()]
        rows = natural(natural(rows, lambda r: r.household.address, lambda r: r.household.id), lambda r: r.building)
        by_id = {r.household.id: r for r in rows}
        pairs = await s.execute(
            select(col(Pairing.household_id), col(Person.name))
            .join(Person, col(Person.id) == col(Pairing.volunteer_id))
            .join(Household, col(Household.id) == col(Pairing.household_id))
            .where(col(Household.grid_id) == grid_id, col(Pairing.active) == True)  # noqa: E712
        )
        for hid, name in pairs.all():
            if hid in by_id:
                by_id[hid].volunteers.append(name)
        return grid, rows


@dataclass
class GridHouseholds:
    """/households: a grid's households; `has_buildings`: the grid has buildings (楼栋), so each
    household gets a button to its screen, where a leader puts it into one."""

    grid: Grid
    rows: list[HouseholdRow]
    has_buildings: bool


async def households_listing(core: Core, actor: Actor, grid_id: int) -> GridHouseholds:
    grid, rows = await households_of_grid(core, actor, grid_id)
    if any(r.building for r in rows):
        return GridHouseholds(grid, rows, True)
    async with core.db.reading() as s:
        some = await s.scalar(select(col(Building.id)).where(col(Building.grid_id) == grid_id).limit(1))
    return GridHouseholds(grid, rows, some is not None)


async def households_of_volunteer(core: Core, actor: Actor) -> list[Household]:
    """The households this volunteer is paired with (approved volunteers only), by address."""
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        prof = await approved_volunteer(s, me)
        if prof is None:
            return []
        stmt = (
            select(Household)
            .join(Pairing, col(Pairing.household_id) == col(Household.id))
            .where(col(Pairing.volunteer_id) == me.id, col(Pairing.active) == True, col(Household.erased_at).is_(None))  # noqa: E712
        )
        return natural((await s.execute(stmt)).scalars(), lambda h: h.address, lambda h: h.id)


async def household_for(core: Core, actor: Actor, household_id: int) -> Household:
    """One household's details, for its paired volunteer or a leader of its grid."""
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        h = await s.get(Household, household_id)
        if h is None or h.erased_at is not None:
            raise NotFound("households.not_found")
        paired = await s.scalar(
            select(col(Pairing.id)).where(
                col(Pairing.volunteer_id) == me.id,
                col(Pairing.household_id) == h.id,
                col(Pairing.active) == True,  # noqa: E712
            )
        )
        head = await s.scalar(select(heads_building(h.building_id, me.id)))
        if not (((paired or head) and await approved_volunteer(s, me)) or await can_lead(s, me, h.grid_id)):
            raise NotAllowed("households.not_yours")
        return h
