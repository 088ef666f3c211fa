"""A grid's buildings kept in chat (楼栋): a leader adds them (several names at once, a line each),
renames and removes them. Removing a building that still has households needs the leader's
confirmation: its households then belong to no building, and its heads (楼栋长) lose the role.

Every press is checked again: the actor leads the building's grid, and the building still exists
(a removed building's old buttons raise Conflict: a stale press that changes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, can_lead, ensure_person
from bot.services.places import get_grid
from storage import audit
from storage.models import Building, BuildingHead, Grid, Household, Person

from .names import clean_building_name
from .notices import BuildingHeadRemoved

MAX_PER_GRID = 80  # buildings in one grid: its pickers fit one keyboard (Telegram: 100 buttons)
MAX_AT_ONCE = 50  # names in one message


@dataclass(frozen=True)
class BuildingsAdded:
    grid_id: int
    grid: str
    added: tuple[str, ...]
    existing: tuple[str, ...]  # named again: the grid had them already


@dataclass
class BuildingCard:
    """One building as a leader sees it: its grid, households and heads."""

    id: int
    grid_id: int
    grid: str
    name: str
    households: int = 0
    heads: list[str] = field(default_factory=list)
    head_ids: list[int] = field(default_factory=list)  # their BuildingHead ids (the screen's ✖️ buttons)


@dataclass(frozen=True)
class BuildingRenamed:
    old: str
    new: str
    grid: str


@dataclass(frozen=True)
class BuildingRemoval:
    """`removed`: gone, its `households` moved to no building and its `heads` released; else not
    yet: it has `households` and the leader must confirm."""

    building_id: int
    name: str
    grid: str
    households: int
    heads: tuple[str, ...]
    removed: bool


async def _leading(s: AsyncSession, actor: Actor, grid_id: int) -> tuple[Person, Grid]:
    me = await ensure_person(s, actor)
    grid = await get_grid(s, grid_id)
    if not await can_lead(s, me, grid_id):
        raise NotAllowed("buildings.leaders_only")
    return me, grid


async def building_in_led_grid(s: AsyncSession, actor: Actor, building_id: int) -> tuple[Person, Building, Grid]:
    """The building (Conflict when it is gone: an old button) of a grid the actor leads."""
    b = await s.get(Building, building_id)
    if b is None:
        raise Conflict("buildings.building_gone")
    me, grid = await _leading(s, actor, b.grid_id)
    return me, b, grid


def clean_building_names(text: str | None) -> list[str]:
    """A name a line (or several, separated by 、 ， ; for a quick list); each name checked."""
    raw = (text or "").replace("、", "\n").replace("，", "\n").replace(";", "\n").replace("；", "\n")
    names = [clean_building_name(line) for line in raw.split("\n") if line.strip()]
    if not names:
        raise InvalidInput("buildings.bad_name")
    if len(names) > MAX_AT_ONCE:
        raise InvalidInput("buildings.too_many_at_once", max=MAX_AT_ONCE)
    return list(dict.fromkeys(names))


async def _names_of(s: AsyncSession, grid_id: int) -> set[str]:
    return set((await s.execute(select(col(Building.name)).where(col(Building.grid_id) == grid_id))).scalars())


async def add_buildings(core: Core, actor: Actor, grid_id: int, text: str | None) -> BuildingsAdded:
    """Add the buildings named (a line each) to a grid the actor leads; names it has already are told."""
    names = clean_building_names(text)
    async with core.db.session() as s:
        me, grid = await _leading(s, actor, grid_id)
        have = await _names_of(s, grid_id)
        new = [n for n in names if n not in have]
        if len(have) + len(new) > MAX_PER_GRID:
            raise InvalidInput("buildings.too_many", max=MAX_PER_GRID)
        for name in new:
            b = Building(grid_id=grid_id, name=name, created_at=core.clock.now())
            s.add(b)
            await s.flush()
            await audit.record(s, me.id, "building.create", "building", b.id, grid_id=grid_id, source="chat")
        return BuildingsAdded(grid_id, grid.name, tuple(new), tuple(n for n in names if n in have))


async def building_card(core: Core, actor: Actor, building_id: int) -> BuildingCard:
    async with core.db.reading() as s:
        _, b, grid = await building_in_led_grid(s, actor, building_id)
        return await _card(s, b, grid)


async def _card(s: AsyncSession, b: Building, grid: Grid) -> BuildingCard:
    households = await s.scalar(
        select(func.count()).where(col(Household.building_id) == b.id, col(Household.erased_at).is_(None))
    )
    heads = (
        await s.execute(
            select(col(BuildingHead.id), col(Person.name))
            .join(BuildingHead, col(BuildingHead.person_id) == col(Person.id))
            .where(col(BuildingHead.building_id) == b.id)
            .order_by(col(BuildingHead.id))
        )
    ).all()
    return BuildingCard(
        stored_id(b.id),
        b.grid_id,
        grid.name,
        b.name,
        int(households or 0),
        [str(n) for _, n in heads],
        [stored_id(h) for h, _ in heads],
    )


async def rename_building(core: Core, actor: Actor, building_id: int, text: str | None) -> BuildingRenamed:
    name = clean_building_name(text)
    async with core.db.session() as s:
        me, b, grid = await building_in_led_grid(s, actor, building_id)
        old = b.name
        if name != old and name in await _names_of(s, b.grid_id):
            raise InvalidInput("buildings.name_taken", name=name, grid=grid.name)
        b.name = name
        s.add(b)
        await audit.record(s, me.id, "building.rename", "building", b.id, grid_id=b.grid_id)
        return BuildingRenamed(old, name, grid.name)


async def remove_building(core: Core, actor: Actor, building_id: int, *, confirmed: bool) -> BuildingRemoval:
    """Remove a building: at once when it has no households; with households only `confirmed` (the
    leader saw how many), and they then belong to no building. Its heads lose the role."""
    async with core.db.session() as s:
        me, b, grid = await building_in_led_grid(s, actor, building_id)
        card = await _card(s, b, grid)
        if card.households and not confirmed:
            return BuildingRemoval(card.id, b.name, grid.name, card.households, tuple(card.heads), removed=False)
        await s.execute(update(Household).where(col(Household.building_id) == b.id).values(building_id=None))
        released = (
            await s.execute(
                select(col(BuildingHead.id), Person)
                .join(Person, col(Person.id) == col(BuildingHead.person_id))
                .where(col(BuildingHead.building_id) == b.id)
            )
        ).all()
        await s.execute(delete(BuildingHead).where(col(BuildingHead.building_id) == b.id))
        for head_id, person in released:  # each head told privately that it is no longer theirs
            if person.tg_user_id is not None:
                await core.notifier.send(
                    s,
                    f"building-head-off:{head_id}",
                    BuildingHeadRemoved(
                        chat_id=person.tg_user_id, language=person.language, building=b.name, grid=grid.name
                    ),
                )
        await s.execute(delete(Building).where(col(Building.id) == b.id))
        await audit.record(s, me.id, "building.remove", "building", b.id, grid_id=b.grid_id, households=card.households)
        return BuildingRemoval(card.id, b.name, grid.name, card.households, tuple(card.heads), removed=True)


async def led_grid(core: Core, actor: Actor, grid_id: int) -> str:
    """The name of a grid the actor leads (➕ a building to it); NotAllowed otherwise."""
    async with core.db.reading() as s:
        return (await _leading(s, actor, grid_id))[1].name


async def grid_buildings(core: Core, actor: Actor, grid_id: int) -> list[tuple[int, str]]:
    """(id, name) of a grid's buildings in natural order (3栋 before 10栋), for a leader's pickers;
    empty for a grid without buildings."""
    async with core.db.reading() as s:
        await _leading(s, actor, grid_id)
        return await buildings_in(s, grid_id)


async def buildings_in(s: AsyncSession, grid_id: int) -> list[tuple[int, str]]:
    rows = (await s.execute(select(Building).where(col(Building.grid_id) == grid_id))).scalars()
    return [(stored_id(b.id), b.name) for b in natural(rows, lambda b: b.name, lambda b: b.id)]
