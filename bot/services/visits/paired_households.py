"""A volunteer's paired households (周五入户): /visits with this week's visit of each, a household's
private details, and the households not visited yet in a week (for the reminders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import and_, bindparam, exists, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import iso_week, weeks_around
from bot.services.kernel.order import natural, natural_key
from bot.services.kernel.roles import (
    Actor,
    approved_volunteer,
    by_tg,
    can_lead,
    ensure_person,
    heads_building,
    load_rows,
)
from storage.detached import DetachedBundle
from storage.enums import VolunteerStatus
from storage.models import (
    Building,
    BuildingHead,
    Community,
    DoorVisit,
    Grid,
    Household,
    Pairing,
    Person,
    VolunteerProfile,
)


@dataclass
class PairedHousehold:
    household: Household
    visit: DoorVisit | None  # this week's visit by this volunteer, if logged
    building: str = ""  # the building they head that it belongs to (楼栋长); "" when paired


@dataclass
class MyHouseholds:
    week: str
    items: list[PairedHousehold] = field(default_factory=list)


_PAIRED = select(col(Pairing.id)).where(
    col(Pairing.volunteer_id) == bindparam("pid"),
    col(Pairing.household_id) == bindparam("hh"),
    col(Pairing.active) == True,  # noqa: E712
)
_HOUSEHOLD = select(Household).where(col(Household.id) == bindparam("hh"))


async def _paired(session: AsyncSession, person_id: int, household_id: int) -> bool:
    return (
        await (await session.connection()).execute(_PAIRED, {"pid": person_id, "hh": household_id})
    ).first() is not None


async def _live_household(session: AsyncSession, household_id: int) -> Household:
    hh = (await session.execute(_HOUSEHOLD, params={"hh": household_id})).scalars().first()
    if hh is None or hh.erased_at is not None:
        raise NotFound("visit.error.no_household")
    return hh


_HomeGrid, _HomeCommunity = aliased(Grid), aliased(Community)


def _attr(column: Any) -> ColumnElement[Any]:
    """A column of an aliased model, as SQL (its annotation says the Python value)."""
    return cast("ColumnElement[Any]", column)


# /visits in one statement: the person, each paired household with the time zone of its community
# and its visit by them in the weeks it may be this week (w1, w2), the zone where they live, and whether
# they head a building (楼栋长: its households are theirs to visit too, read by a second statement)
_MINE = (
    by_tg(
        DetachedBundle(Household, "household"),
        DetachedBundle(DoorVisit, "visit"),
        col(Community.timezone),
        _HomeCommunity.timezone,
        exists().where(col(BuildingHead.person_id) == col(Person.id)),
    )
    .outerjoin(Pairing, and_(col(Pairing.volunteer_id) == col(Person.id), col(Pairing.active) == true()))
    .outerjoin(Household, and_(col(Household.id) == col(Pairing.household_id), col(Household.erased_at).is_(None)))
    .outerjoin(Grid, col(Grid.id) == col(Household.grid_id))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
    .outerjoin(
        DoorVisit,
        and_(
            col(DoorVisit.household_id) == col(Household.id),
            col(DoorVisit.volunteer_id) == col(Person.id),
            col(DoorVisit.week).in_([bindparam("w1"), bindparam("w2")]),
        ),
    )
    .outerjoin(_HomeGrid, _attr(_HomeGrid.id) == col(Person.grid_id))
    .outerjoin(_HomeCommunity, _attr(_HomeCommunity.id) == _attr(_HomeGrid.community_id))
    .order_by(col(Household.id), col(DoorVisit.id))
)
# a building head's households (楼栋长), with their visit by them in `week` and their community's zone
_HEADED = (
    select(Household, col(Building.name), DoorVisit, col(Community.timezone))
    .join(Building, col(Building.id) == col(Household.building_id))
    .join(BuildingHead, col(BuildingHead.building_id) == col(Building.id))
    .join(Grid, col(Grid.id) == col(Household.grid_id))
    .join(Community, col(Community.id) == col(Grid.community_id))
    .outerjoin(
        DoorVisit,
        and_(
            col(DoorVisit.household_id) == col(Household.id),
            col(DoorVisit.volunteer_id) == bindparam("pid"),
            col(DoorVisit.week).in_([bindparam("w1"), bindparam("w2")]),
        ),
    )
    .where(
        col(BuildingHead.person_id) == bindparam("pid"),
        col(Household.erased_at).is_(None),
        exists().where(  # while they are an approved volunteer (suspended or gone: their building's list goes)
            col(VolunteerProfile.person_id) == bindparam("pid"),
            col(VolunteerProfile.status) == VolunteerStatus.approved.value,
        ),
    )
)
_HEADS = select(heads_building(bindparam("b"), bindparam("pid")))


async def heads(session: AsyncSession, person_id: int, building_id: int | None) -> bool:
    """Is the person a head of the building (None: the household has no building)?"""
    if building_id is None:
        return False
    return bool(await session.scalar(_HEADS, {"b": building_id, "pid": person_id}))


_VISITS_IN = select(DoorVisit).where(
    col(DoorVisit.volunteer_id) == bindparam("pid"), col(DoorVisit.week) == bindparam("week")
)


async def my_households(core: Core, actor: Actor) -> MyHouseholds:
    """The households paired with this volunteer, each with this week's visit (if logged)."""
    now = core.clock.now()
    w1, w2 = weeks_around(now)
    async with core.db.reading() as s:
        rows = await load_rows(s, actor, _MINE, w1=w1, w2=w2)
        person, households = rows[0][0], [r for r in rows if r[1] is not None]
        week = ""
        if households:
            week = iso_week(now, households[0][3])
        elif person.grid_id:
            week = iso_week(now, rows[0][4])
        items: dict[int, PairedHousehold] = {}
        for _, hh, visit, _, _, _ in households:
            item = items.setdefault(hh.id, PairedHousehold(hh, None))
            if visit is not None and visit.week == week:
                item.visit = visit
        if rows[0][5]:  # they head a building: its households too (only they pay this second statement)
            for hh, building, visit, tz in (
                await s.execute(_HEADED, params={"pid": person.id, "w1": w1, "w2": w2})
            ).all():
                week = week or iso_week(now, tz)
                item = items.setdefault(stored_id(hh.id), PairedHousehold(hh, None))
                item.building = item.building or building
                if visit is not None and visit.week == week:
                    item.visit = visit
        if items and week not in (w1, w2):  # cannot happen (see weeks_around); read them as before
            visits = {
                v.household_id: v
                for v in (await s.execute(_VISITS_IN, params={"pid": person.id, "week": week})).scalars()
            }
            for item in items.values():
                item.visit = visits.get(stored_id(item.household.id))
        ordered = natural(items.values(), lambda i: i.household.address, lambda i: i.household.id)
        return MyHouseholds(week, sorted(ordered, key=lambda i: natural_key(i.building)))


async def household_details(core: Core, actor: Actor, household_id: int) -> Household:
    """A household's private details, for its paired volunteer or the grid's leader."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await _live_household(s, household_id)
        if not (
            await _paired(s, stored_id(person.id), stored_id(hh.id))
            or (await heads(s, stored_id(person.id), hh.building_id) and await approved_volunteer(s, person))
            or await can_lead(s, person, hh.grid_id)
        ):
            raise NotAllowed("visit.error.not_paired")
        return hh


@dataclass(frozen=True)
class HouseholdScreen:
    """A household's screen: its details, its building (楼栋; "" in none) and whether the reader may
    put it into another (a leader of its grid, when the grid has buildings)."""

    household: Household
    building: str
    can_move: bool
    can_log: bool = True  # its paired volunteer or building head (a leader who is neither: no log button)


async def household_screen(core: Core, actor: Actor, household_id: int) -> HouseholdScreen:
    """household_details, with the household's building for the screen's 🏢 line and button."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await _live_household(s, household_id)
        leads = await can_lead(s, person, hh.grid_id)
        visits = await _paired(s, stored_id(person.id), stored_id(hh.id)) or (
            await heads(s, stored_id(person.id), hh.building_id) and await approved_volunteer(s, person) is not None
        )
        if not (leads or visits):
            raise NotAllowed("visit.error.not_paired")
        building = (
            await s.scalar(select(col(Building.name)).where(col(Building.id) == hh.building_id))
            if hh.building_id
            else None
        )
        has_buildings = leads and (
            hh.building_id is not None
            or await s.scalar(select(col(Building.id)).where(col(Building.grid_id) == hh.grid_id).limit(1)) is not None
        )
        return HouseholdScreen(hh, building or "", bool(has_buildings), bool(visits))


async def unlogged_visits(core: Core, volunteer_person_id: int, week: str) -> list[Household]:
    """The volunteer's paired households with no visit logged by them in `week`."""
    logged = exists().where(
        and_(
            col(DoorVisit.household_id) == col(Household.id),
            col(DoorVisit.volunteer_id) == volunteer_person_id,
            col(DoorVisit.week) == week,
        )
    )
    stmt = (
        select(Household)
        .join(Pairing, col(Pairing.household_id) == col(Household.id))
        .where(
            col(Pairing.volunteer_id) == volunteer_person_id,
            col(Pairing.active) == True,  # noqa: E712
            col(Household.erased_at).is_(None),
            ~logged,
        )
    )
    async with core.db.session() as s:
        return natural((await s.execute(stmt)).scalars(), lambda h: h.address, lambda h: h.id)
