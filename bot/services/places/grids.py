"""Communities, grids, their leaders and admins (who is in charge where)."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.inputs import clean_line
from bot.services.kernel.roles import Actor, admins_of, ensure_person, is_admin_of, is_any_admin, leaders_of
from bot.services.places.notices import AdminGranted, LeaderGranted
from storage import audit
from storage.enums import ChatKind, RoleKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, Household, Person, RoleGrant, VolunteerProfile
from storage.rows import affected, key_of


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
        return list((await s.execute(select(Community).order_by(col(Community.name)))).scalars())


async def grids_of_community(core: Core, community_id: int) -> list[Grid]:
    async with core.db.session() as s:
        await get_community(s, community_id)
        return list(
            (
                await s.execute(select(Grid).where(col(Grid.community_id) == community_id).order_by(col(Grid.name)))
            ).scalars()
        )


async def _admin_person(session: AsyncSession, actor: Actor, community_id: int | None) -> Person:
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
        stmt = select(Community).order_by(col(Community.name))
        if not person.is_superadmin:
            mine = select(col(RoleGrant.community_id)).where(
                col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == RoleKind.admin.value
            )
            stmt = stmt.where(col(Community.id).in_(mine))
        return list((await s.execute(stmt)).scalars())


async def administered_grids(core: Core, actor: Actor) -> list[tuple[Community, Grid]]:
    """Every grid of the communities this person administers, by community and grid name."""
    ids = [c.id for c in await administered_communities(core, actor)]
    async with core.db.session() as s:
        rows = await s.execute(
            select(Community, Grid)
            .join(Grid, col(Grid.community_id) == col(Community.id))
            .where(col(Community.id).in_(ids))
            .order_by(col(Community.name), col(Grid.name))
        )
        return [(c, g) for c, g in rows.all()]


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
        person = await _admin_person(s, actor, community_id)
        await get_community(s, community_id)
        if await s.scalar(select(col(Grid.id)).where(col(Grid.community_id) == community_id, col(Grid.name) == name)):
            raise Conflict("places.grid_exists", name=name)
        grid = Grid(community_id=community_id, name=name, created_at=core.clock.now())
        s.add(grid)
        await s.flush()
        await audit.record(s, person.id, "grid.create", "grid", grid.id, community_id=community_id, name=name)
        return grid


# ------------------------------------------------------------------ leaders and admins
async def _target(session: AsyncSession, ref: int | str) -> tuple[Person, int]:
    """The person meant, and their chat (they have started the bot)."""
    person = await find_person(session, ref)
    if person is None or person.tg_user_id is None:
        raise NotFound("places.person_unknown")
    return person, person.tg_user_id


async def set_leader(core: Core, actor: Actor, grid_id: int, ref: int | str) -> Person:
    """Make someone (who has started the bot) a leader of the grid; a grid may have several."""
    async with core.db.session() as s:
        grid = await get_grid(s, grid_id)
        me = await _admin_person(s, actor, grid.community_id)
        target, chat = await _target(s, ref)
        if target.id in {p.id for p in await leaders_of(s, grid_id)}:
            raise Conflict("places.already_leader", name=target.name)
        s.add(
            RoleGrant(
                person_id=key_of(target),
                role=RoleKind.leader.value,
                grid_id=grid_id,
                granted_by=me.id,
                created_at=core.clock.now(),
            )
        )
        await s.flush()
        await audit.record(s, me.id, "leader.grant", "grid", grid_id, person_id=target.id)
        await core.notifier.send(
            s,
            f"leader-granted:{grid_id}:{target.id}:{core.clock.now().timestamp():.0f}",
            LeaderGranted(chat_id=chat, language=target.language, grid=grid.name),
        )
        return target


async def remove_leader(core: Core, actor: Actor, grid_id: int, person_id: int) -> Person:
    async with core.db.session() as s:
        grid = await get_grid(s, grid_id)
        me = await _admin_person(s, actor, grid.community_id)
        target = await s.get(Person, person_id)
        result = await s.execute(
            delete(RoleGrant).where(
                col(RoleGrant.person_id) == person_id,
                col(RoleGrant.role) == RoleKind.leader.value,
                col(RoleGrant.grid_id) == grid_id,
            )
        )
        if target is None or not affected(result):
            raise Conflict("places.not_a_leader")
        await audit.record(s, me.id, "leader.revoke", "grid", grid_id, person_id=person_id)
        return target


async def add_admin(core: Core, actor: Actor, community_id: int, ref: int | str) -> Person:
    """Superadmins and the community's admins may name more admins of that community."""
    async with core.db.session() as s:
        com = await get_community(s, community_id)
        me = await _admin_person(s, actor, community_id)
        target, chat = await _target(s, ref)
        if await s.scalar(
            select(col(RoleGrant.id)).where(
                col(RoleGrant.person_id) == target.id,
                col(RoleGrant.role) == RoleKind.admin.value,
                col(RoleGrant.community_id) == community_id,
            )
        ):
            raise Conflict("places.already_admin", name=target.name)
        s.add(
            RoleGrant(
                person_id=key_of(target),
                role=RoleKind.admin.value,
                community_id=community_id,
                granted_by=me.id,
                created_at=core.clock.now(),
            )
        )
        await s.flush()
        await audit.record(s, me.id, "admin.grant", "community", community_id, person_id=target.id)
        await core.notifier.send(
            s,
            f"admin-granted:{community_id}:{target.id}:{core.clock.now().timestamp():.0f}",
            AdminGranted(chat_id=chat, language=target.language, community=com.name),
        )
        return target


async def remove_admin(core: Core, actor: Actor, community_id: int, person_id: int) -> Person:
    async with core.db.session() as s:
        me = await _admin_person(s, actor, community_id)
        target = await s.get(Person, person_id)
        result = await s.execute(
            delete(RoleGrant).where(
                col(RoleGrant.person_id) == person_id,
                col(RoleGrant.role) == RoleKind.admin.value,
                col(RoleGrant.community_id) == community_id,
            )
        )
        if target is None or not affected(result):
            raise Conflict("places.not_an_admin")
        await audit.record(s, me.id, "admin.revoke", "community", community_id, person_id=person_id)
        return target


async def grid_leaders(core: Core, actor: Actor, grid_id: int) -> tuple[Grid, list[Person]]:
    async with core.db.session() as s:
        grid = await get_grid(s, grid_id)
        await _admin_person(s, actor, grid.community_id)
        return grid, await leaders_of(s, grid_id)


async def community_admins(core: Core, actor: Actor, community_id: int) -> tuple[Community, list[Person]]:
    async with core.db.session() as s:
        com = await get_community(s, community_id)
        await _admin_person(s, actor, community_id)
        stmt = (
            select(Person)
            .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
            .where(col(RoleGrant.role) == RoleKind.admin.value, col(RoleGrant.community_id) == community_id)
            .order_by(col(Person.id))
        )
        return com, list((await s.execute(stmt)).scalars())


# ------------------------------------------------------------------ overview
@dataclass
class GridOverview:
    grid: Grid
    leaders: list[str] = field(default_factory=list)
    volunteers: int = 0
    pending: int = 0
    households: int = 0
    volunteer_group: str | None = None
    residents_group: str | None = None


@dataclass
class CommunityOverview:
    community: Community
    admins: list[str]
    grids: list[GridOverview]


async def overview(core: Core, actor: Actor) -> list[CommunityOverview]:
    """/communities: what each administered community looks like (no private details).
    A handful of grouped queries, however many grids there are."""
    communities = await administered_communities(core, actor)
    ids = [c.id for c in communities]
    async with core.db.session() as s:
        grids = list(
            (await s.execute(select(Grid).where(col(Grid.community_id).in_(ids)).order_by(col(Grid.name)))).scalars()
        )
        rows = {g.id: GridOverview(g) for g in grids}
        gids = list(rows)
        who = func.coalesce(func.nullif(col(Person.name), ""), func.cast(col(Person.tg_user_id), String))
        for gid, name in (
            await s.execute(
                select(col(RoleGrant.grid_id), who)
                .join(Person, col(Person.id) == col(RoleGrant.person_id))
                .where(col(RoleGrant.role) == RoleKind.leader.value, col(RoleGrant.grid_id).in_(gids))
                .order_by(col(Person.id))
            )
        ).all():
            rows[gid].leaders.append(name)
        for gid, status, n in (
            await s.execute(
                select(col(VolunteerProfile.grid_id), col(VolunteerProfile.status), func.count())
                .where(col(VolunteerProfile.grid_id).in_(gids))
                .group_by(col(VolunteerProfile.grid_id), col(VolunteerProfile.status))
            )
        ).all():
            if status == VolunteerStatus.approved.value:
                rows[gid].volunteers = n
            elif status == VolunteerStatus.pending.value:
                rows[gid].pending = n
        for gid, n in (
            await s.execute(
                select(col(Household.grid_id), func.count())
                .where(col(Household.grid_id).in_(gids), col(Household.erased_at).is_(None))
                .group_by(col(Household.grid_id))
            )
        ).all():
            rows[gid].households = n
        for b in (await s.execute(select(ChatBinding).where(col(ChatBinding.grid_id).in_(gids)))).scalars():
            if b.kind == ChatKind.volunteers.value:
                rows[b.grid_id].volunteer_group = b.title or str(b.chat_id)
            else:
                rows[b.grid_id].residents_group = b.title or str(b.chat_id)
        out = []
        for com in communities:
            admins = [p.name or str(p.tg_user_id) for p in await admins_of(s, key_of(com))]
            out.append(CommunityOverview(com, admins, [r for r in rows.values() if r.grid.community_id == com.id]))
    return out
