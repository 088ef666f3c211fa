"""Volunteers as their leaders see them: the applications waiting, and the grid's roster.

Only the grids the actor leads (or the communities they administer) are read, in one query
with each profile's person, grid and community.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.order import natural_key
from bot.services.kernel.roles import Actor, ensure_person
from bot.services.people.volunteers import VolunteerView
from storage.enums import RoleKind, VolunteerStatus
from storage.models import Community, Grid, Person, RoleGrant, VolunteerProfile


def _joined() -> Select[VolunteerProfile, Person, Grid, Community]:
    """Profiles with their person, grid and community in one query (no query per row)."""
    return (
        select(VolunteerProfile, Person, Grid, Community)
        .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
        .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
        .join(Community, col(Community.id) == col(Grid.community_id))
    )


async def _led(session: AsyncSession, actor: Actor) -> tuple[Person, Any]:
    """The actor and a SQL condition "the profile's grid is one they lead"; NotAllowed if none."""
    me = await ensure_person(session, actor)
    if me.is_superadmin:
        return me, true()
    leads = select(col(RoleGrant.grid_id)).where(
        col(RoleGrant.person_id) == me.id, col(RoleGrant.role) == RoleKind.leader.value
    )
    admin = select(col(RoleGrant.community_id)).where(
        col(RoleGrant.person_id) == me.id, col(RoleGrant.role) == RoleKind.admin.value
    )
    if not await session.scalar(select(col(RoleGrant.id)).where(col(RoleGrant.person_id) == me.id).limit(1)):
        raise NotAllowed("volunteers.leaders_only")
    return me, or_(col(VolunteerProfile.grid_id).in_(leads), col(Grid.community_id).in_(admin))


async def pending_volunteers(core: Core, actor: Actor) -> list[VolunteerView]:
    """Applications waiting in the grids this person leads (oldest first)."""
    async with core.db.session() as s:
        me, led = await _led(s, actor)
        rows = await s.execute(
            _joined()
            .where(
                led,
                col(VolunteerProfile.person_id) != me.id,
                col(VolunteerProfile.status) == VolunteerStatus.pending.value,
            )
            .order_by(col(VolunteerProfile.consent_at), col(VolunteerProfile.id))
        )
        return [VolunteerView(p, person, grid, com) for p, person, grid, com in rows.all()]


async def grid_volunteers(
    core: Core, actor: Actor, *, offset: int = 0, limit: int = 24
) -> tuple[list[VolunteerView], int]:
    """One page of the approved and suspended volunteers of the grids this person leads (by grid,
    then name) and how many there are in all."""
    async with core.db.session() as s:
        _, led = await _led(s, actor)
        live = (
            led,
            col(VolunteerProfile.status).in_([VolunteerStatus.approved.value, VolunteerStatus.suspended.value]),
        )
        total = await s.scalar(
            select(func.count())
            .select_from(VolunteerProfile)
            .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
            .where(*live)
        )
        rows = (await s.execute(_joined().where(*live))).all()
        ordered = sorted(
            rows, key=lambda r: (natural_key(r[2].name), r[2].id or 0, natural_key(r[1].name), r[1].id or 0)
        )
        page = ordered[max(0, offset) : max(0, offset) + limit]
        return [VolunteerView(p, person, grid, com) for p, person, grid, com in page], int(total or 0)
