"""Who is in charge where: naming and removing a grid's leaders and a community's admins, and listing them."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotFound
from bot.services.kernel.menus import queue_menu
from bot.services.kernel.roles import Actor, leaders_of
from bot.services.places.grids import admin_person, find_person, get_community, get_grid
from bot.services.places.notices import AdminGranted, LeaderGranted
from storage import audit
from storage.enums import RoleKind
from storage.models import Community, Grid, Person, RoleGrant
from storage.rows import affected, key_of


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
        me = await admin_person(s, actor, grid.community_id)
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
        await queue_menu(core.notifier, s, target)
        return target


async def remove_leader(core: Core, actor: Actor, grid_id: int, person_id: int) -> Person:
    async with core.db.session() as s:
        grid = await get_grid(s, grid_id)
        me = await admin_person(s, actor, grid.community_id)
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
        await queue_menu(core.notifier, s, target)
        return target


async def add_admin(core: Core, actor: Actor, community_id: int, ref: int | str) -> Person:
    """Superadmins and the community's admins may name more admins of that community."""
    async with core.db.session() as s:
        com = await get_community(s, community_id)
        me = await admin_person(s, actor, community_id)
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
        await queue_menu(core.notifier, s, target)
        return target


async def remove_admin(core: Core, actor: Actor, community_id: int, person_id: int) -> Person:
    async with core.db.session() as s:
        me = await admin_person(s, actor, community_id)
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
        await queue_menu(core.notifier, s, target)
        return target


async def grid_leaders(core: Core, actor: Actor, grid_id: int) -> tuple[Grid, list[Person]]:
    async with core.db.session() as s:
        grid = await get_grid(s, grid_id)
        await admin_person(s, actor, grid.community_id)
        return grid, await leaders_of(s, grid_id)


async def community_admins(core: Core, actor: Actor, community_id: int) -> tuple[Community, list[Person]]:
    async with core.db.session() as s:
        com = await get_community(s, community_id)
        await admin_person(s, actor, community_id)
        stmt = (
            select(Person)
            .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
            .where(col(RoleGrant.role) == RoleKind.admin.value, col(RoleGrant.community_id) == community_id)
            .order_by(col(Person.id))
        )
        return com, list((await s.execute(stmt)).scalars())
