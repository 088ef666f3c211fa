"""Building heads (楼栋长, 党员中心户): a grid's leader names them (/buildinghead @user 3栋) and
removes them (/buildings, which also lists the leader's grids and buildings). A head is an approved volunteer of the building's grid; they see and
visit the building's households as its paired volunteers do (kernel.roles.heads_building)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural, natural_key
from bot.services.kernel.roles import Actor, can_lead, ensure_person, led_grids
from bot.services.places import find_person
from storage import audit
from storage.enums import VolunteerStatus
from storage.models import Building, BuildingHead, Grid, Household, Person, VolunteerProfile
from storage.rows import affected

from .names import clean_building_name
from .notices import BuildingHeadGranted, BuildingHeadRemoved

MAX_LISTED = 60  # buildings in one /buildings message


@dataclass(frozen=True)
class HeadGranted:
    person: str
    building: str
    grid: str


@dataclass
class BuildingSummary:
    id: int
    grid: str
    name: str
    households: int = 0
    heads: list[tuple[int, str]] = field(default_factory=list)  # (BuildingHead id, the head's name)
    grid_id: int = 0


@dataclass(frozen=True)
class BuildingsPage:
    """/buildings: the grids the actor leads (id, name; each gets an ➕ button) and their buildings."""

    grids: list[tuple[int, str]]
    buildings: list[BuildingSummary]


async def _led(s: AsyncSession, actor: Actor) -> tuple[Person, list[Grid]]:
    me = await ensure_person(s, actor)
    grids = await led_grids(s, me)
    if not grids:
        raise NotAllowed("buildings.leaders_only")
    return me, grids


async def _households(s: AsyncSession, building_id: int) -> int:
    stmt = select(func.count()).where(col(Household.building_id) == building_id, col(Household.erased_at).is_(None))
    return int(await s.scalar(stmt) or 0)


async def grant_head(core: Core, actor: Actor, ref: int | str, building: str, grid: str | None = None) -> HeadGranted:
    """Name someone head of a building of a grid the actor leads; `grid` picks among grids with a
    building of the same name."""
    name = clean_building_name(building)
    async with core.db.session() as s:
        me, grids = await _led(s, actor)
        by_id = {g.id: g for g in grids if grid is None or g.name == grid.strip()}
        found = (
            await s.execute(select(Building).where(col(Building.name) == name, col(Building.grid_id).in_(list(by_id))))
        ).scalars()
        matches = list(found)
        if not matches:
            raise NotFound("buildings.no_such_building", name=name)
        if len(matches) > 1:
            raise Conflict("buildings.which_grid", name=name)
        b = matches[0]
        g = by_id[b.grid_id]
        target = await find_person(s, ref)
        if target is None or target.tg_user_id is None:
            raise NotFound("places.person_unknown")
        return await make_head(core, s, me, b, g, target)


async def make_head(core: Core, s: AsyncSession, me: Person, b: Building, g: Grid, target: Person) -> HeadGranted:
    """The role given (an approved volunteer of the building's grid, not its head yet), recorded,
    and the new head told privately what they now look after."""
    status = await s.scalar(
        select(col(VolunteerProfile.status)).where(
            col(VolunteerProfile.person_id) == target.id, col(VolunteerProfile.grid_id) == b.grid_id
        )
    )
    if status != VolunteerStatus.approved.value:
        raise NotAllowed("buildings.not_volunteer", name=target.name, grid=g.name)
    if await s.scalar(
        select(col(BuildingHead.id)).where(
            col(BuildingHead.building_id) == b.id, col(BuildingHead.person_id) == target.id
        )
    ):
        raise Conflict("buildings.already_head", name=target.name, building=b.name)
    head = BuildingHead(
        building_id=stored_id(b.id), person_id=stored_id(target.id), granted_by=me.id, created_at=core.clock.now()
    )
    s.add(head)
    await s.flush()
    await audit.record(s, me.id, "building_head.grant", "building", b.id, person_id=target.id)
    if target.tg_user_id is not None:
        await core.notifier.send(
            s,
            f"building-head:{head.id}",
            BuildingHeadGranted(
                chat_id=target.tg_user_id,
                language=target.language,
                building=b.name,
                grid=g.name,
                households=await _households(s, stored_id(b.id)),
            ),
        )
    return HeadGranted(target.name, b.name, g.name)


async def remove_head(core: Core, actor: Actor, head_id: int) -> HeadGranted:
    """Take the role back (a leader of the building's grid); a second press finds it gone."""
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        row = (
            await s.execute(
                select(BuildingHead, Building, Grid, Person)
                .join(Building, col(Building.id) == col(BuildingHead.building_id))
                .join(Grid, col(Grid.id) == col(Building.grid_id))
                .join(Person, col(Person.id) == col(BuildingHead.person_id))
                .where(col(BuildingHead.id) == head_id)
            )
        ).first()
        if row is None:
            raise Conflict("buildings.head_gone")
        head, b, g, person = row
        if not await can_lead(s, me, stored_id(g.id)):
            raise NotAllowed("buildings.leaders_only")
        if not affected(await s.execute(delete(BuildingHead).where(col(BuildingHead.id) == head_id))):
            raise Conflict("buildings.head_gone")
        await audit.record(s, me.id, "building_head.revoke", "building", b.id, person_id=person.id)
        if person.tg_user_id is not None:
            await core.notifier.send(
                s,
                f"building-head-off:{head_id}",
                BuildingHeadRemoved(chat_id=person.tg_user_id, language=person.language, building=b.name, grid=g.name),
            )
        return HeadGranted(person.name, b.name, g.name)


async def buildings_of(core: Core, actor: Actor) -> list[BuildingSummary]:
    """The buildings of the grids the actor leads, with households and heads, in natural order
    (grid, then building: 3栋 before 10栋)."""
    return (await buildings_page(core, actor)).buildings


async def buildings_page(core: Core, actor: Actor) -> BuildingsPage:
    """/buildings: the grids the actor leads and their buildings (see buildings_of)."""
    async with core.db.reading() as s:
        _, grids = await _led(s, actor)
        names = {g.id: g.name for g in grids}
        rows = (
            await s.execute(
                select(Building, func.count(col(Household.id)))
                .outerjoin(
                    Household, (col(Household.building_id) == col(Building.id)) & col(Household.erased_at).is_(None)
                )
                .where(col(Building.grid_id).in_(list(names)))
                .group_by(col(Building.id))
            )
        ).all()
        out = {
            stored_id(b.id): BuildingSummary(stored_id(b.id), names[b.grid_id], b.name, int(n), grid_id=b.grid_id)
            for b, n in rows
        }
        heads = await s.execute(
            select(col(BuildingHead.id), col(BuildingHead.building_id), col(Person.name))
            .join(Person, col(Person.id) == col(BuildingHead.person_id))
            .where(col(BuildingHead.building_id).in_(list(out)))
            .order_by(col(BuildingHead.id))
        )
        for hid, bid, name in heads.all():
            out[bid].heads.append((stored_id(hid), name))
    ordered = natural(out.values(), lambda b: b.name, lambda b: b.id)
    led = sorted(((stored_id(g.id), g.name) for g in grids), key=lambda g: (natural_key(g[1]), g[0]))
    return BuildingsPage(led, sorted(ordered, key=lambda b: natural_key(b.grid)))
