"""Where an admin may switch a place into emergency mode and what is on now: /emergency's menu and /emergency end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of
from storage.enums import RoleKind
from storage.models import Community, Emergency, Grid, RoleGrant

from .callups import Ended, end_emergency
from .headcount import place_of


@dataclass
class EmergencyScope:
    community_id: int
    community: str
    grids: list[tuple[int, str]]


async def emergency_scopes(core: Core, actor: Actor) -> list[EmergencyScope]:
    """Communities (and their grids) this person administers."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        stmt = select(Community).order_by(col(Community.id))
        if not person.is_superadmin:
            stmt = stmt.where(
                col(Community.id).in_(
                    select(col(RoleGrant.community_id)).where(
                        col(RoleGrant.person_id) == person.id, col(RoleGrant.role) == RoleKind.admin.value
                    )
                )
            )
        out = []
        for c in (await s.execute(stmt)).scalars():
            grids = (
                await s.execute(
                    select(col(Grid.id), col(Grid.name)).where(col(Grid.community_id) == c.id).order_by(col(Grid.id))
                )
            ).all()
            out.append(EmergencyScope(stored_id(c.id), c.name, [(cast(int, g), n) for g, n in grids]))
        if not out:
            raise NotAllowed("emergency.error.not_admin")
        return out


async def active_emergencies(core: Core, actor: Actor) -> list[tuple[Emergency, str]]:
    """Emergencies still on in communities this person administers, with their place names."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        out = []
        for em in (
            await s.execute(select(Emergency).where(col(Emergency.ended_at).is_(None)).order_by(col(Emergency.id)))
        ).scalars():
            if await is_admin_of(s, person, em.community_id):
                out.append((em, (await place_of(s, em))[0]))
        return out


@dataclass
class EmergencyMenu:
    scopes: list[EmergencyScope]  # where this admin may start one
    active: list[tuple[Emergency, str]]  # (emergency, place) still on


async def emergency_menu(core: Core, actor: Actor) -> EmergencyMenu:
    """/emergency: the places an admin may switch, and what is on now (NotAllowed for others)."""
    return EmergencyMenu(await emergency_scopes(core, actor), await active_emergencies(core, actor))


@dataclass
class EndChoice:
    ended: Ended | None  # the only active one, now ended
    choices: list[tuple[Emergency, str]]  # several on: the admin picks


async def end_active(core: Core, actor: Actor) -> EndChoice:
    """/emergency end: end the only active emergency, or list them when there are several."""
    await emergency_scopes(core, actor)  # admins only
    active = await active_emergencies(core, actor)
    if len(active) == 1:
        return EndChoice(await end_emergency(core, actor, stored_id(active[0][0].id)), [])
    return EndChoice(None, active)
