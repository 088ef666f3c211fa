"""Communities and grids: finding them, who administers which, and creating them.

Who leads and administers them is named in leaders.py; the /communities overview is in overviews.py.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.inputs import clean_line
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of, is_any_admin
from storage import audit
from storage.enums import ChatKind, RoleKind
from storage.models import ChatBinding, Community, Grid, Person, RoleGrant


# ------------------------------------------------------------------ lookups
async def volunteer_group_of(session: AsyncSession, grid_id: int) -> ChatBinding | None:
    return await _binding(session, grid_id, ChatKind.volunteers)


async def residents_group_of(session: AsyncSession, grid_id: int) -> ChatBinding | None:
    return await _binding(session, grid_id, ChatKind.residents)


async def _binding(session: AsyncSession, grid_id: int, kind: ChatKind) -> ChatBinding | None:
    return (
        (
            await session.execute(
                select(ChatBinding).where(col(ChatBinding.grid_id) == grid_id, col(ChatBinding.kind) == kind.value)
            )
        )
        .scalars()
        .first()
    )


async def find_person(session: AsyncSession, ref: int | str) -> Person | None:
    """By Telegram user id, or by @username (case-insensitive) of someone who has used the bot."""
    if isinstance(ref, int):
        stmt = select(Person).where(col(Person.tg_user_id) == ref)
    else:
        stmt = select(Person).where(func.lower(col(Person.username)) == ref.lower().lstrip("@"))
    return (await session.execute(stmt.where(col(Person.forgotten_at).is_(None)))).scalars().first()


async def get_grid(session: AsyncSession, grid_id: int) -> Grid:
    grid = await session.get(Grid, grid_id)
    if grid is None:
        raise NotFound("places.grid_not_found")
    return grid


async def get_community(session: AsyncSession, community_id: int) -> Community:
    com = await session.get(Community, community_id)
    if com is None:
        raise NotFound("places.community_not_found")
    return com


async def all_communities(core: Core) -> list[Community]:
    async with core.db.session() as s:
        return natural((await s.execute(select(Community))).scalars(), lambda c: c.name, lambda c: c.id)


async def grids_of_community(core: Core, community_id: int) -> list[Grid]:
    async with core.db.session() as s:
        await get_community(s, community_id)
        grids = (await s.execute(select(Grid).where(col(Grid.community_id) == community_id))).scalars()
        return natural(grids, lambda g: g.name, lambda g: g.id)


async def admin_person(session: AsyncSession, actor: Actor, community_id: int | None) -> Person:
    person = await ensure_person(session, actor)
    if not await is_admin_of(session, person, community_id):
        raise NotAllowed("places.admins_only")
    return person


async def administered_communities(core: Core, actor: Actor) -> list[Community]:
    """Communities this person administers (every one for superadmins); NotAllowed for non-admins."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if not await is_any_admin(s, person):
            raise NotAllowed("places.admins_only")
        stmt = select(Community)
        if not person.is_superadmin:
            mine = select(col(RoleGrant.community_id)).where(
                col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == RoleKind.admin.value
            )
            stmt = stmt.where(col(Community.id).in_(mine))
        return natural((await s.execute(stmt)).scalars(), lambda c: c.name, lambda c: c.id)


async def administered_grids(core: Core, actor: Actor) -> list[tuple[Community, Grid]]:
    """Every grid of the communities this person administers, by community and grid name (natural order)."""
    communities = await administered_communities(core, actor)
    rank = {c.id: i for i, c in enumerate(communities)}
    async with core.db.session() as s:
        rows = await s.execute(
            select(Community, Grid)
            .join(Grid, col(Grid.community_id) == col(Community.id))
            .where(col(Community.id).in_(list(rank)))
        )
        pairs = natural(rows.all(), lambda cg: cg[1].name, lambda cg: cg[1].id)
        return sorted(pairs, key=lambda cg: rank[cg[0].id])


async def with_communities(core: Core, grids: list[Grid]) -> list[tuple[Grid, str | None]]:
    """Each grid with its community's name when the grids span several communities (many
    communities have a 第一网格, so their buttons must say which), else with None."""
    if len({g.community_id for g in grids}) <= 1:
        return [(g, None) for g in grids]
    async with core.db.session() as s:
        names = {
            cid: name
            for cid, name in (
                await s.execute(
                    select(col(Community.id), col(Community.name)).where(
                        col(Community.id).in_({g.community_id for g in grids})
                    )
                )
            ).all()
        }
    return [(g, names.get(g.community_id, "?")) for g in grids]


# ------------------------------------------------------------------ creating places
def clean_timezone(tz: str | None, default: str) -> str:
    value = (tz or default).strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("places.bad_timezone") from None
    return value


async def create_community(core: Core, actor: Actor, name: str, tz: str | None = None) -> Community:
    """Superadmins only (the first admins, from config or `redvest admin add`)."""
    name = clean_line(name, max_len=100, key="places.bad_community_name")
    timezone = clean_timezone(tz, core.cfg.bot.timezone)
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        if not person.is_superadmin:
            raise NotAllowed("places.superadmins_only")
        if await s.scalar(select(col(Community.id)).where(col(Community.name) == name)):
            raise Conflict("places.community_exists", name=name)
        com = Community(name=name, timezone=timezone, created_at=core.clock.now())
        s.add(com)
        await s.flush()
        await audit.record(s, person.id, "community.create", "community", com.id, name=name, timezone=timezone)
        return com


async def create_grid(core: Core, actor: Actor, community_id: int, name: str) -> Grid:
    name = clean_line(name, max_len=100, key="places.bad_grid_name")
    async with core.db.session() as s:
        person = await admin_person(s, actor, community_id)
        await get_community(s, community_id)
        if await s.scalar(select(col(Grid.id)).where(col(Grid.community_id) == community_id, col(Grid.name) == name)):
            raise Conflict("places.grid_exists", name=name)
        grid = Grid(community_id=community_id, name=name, created_at=core.clock.now())
        s.add(grid)
        await s.flush()
        await audit.record(s, person.id, "grid.create", "grid", grid.id, community_id=community_id, name=name)
        return grid
