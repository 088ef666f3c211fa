"""/communities: what each administered community looks like (no private details)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, admins_of
from bot.services.places.grids import administered_communities
from storage.enums import ChatKind, RoleKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, Household, Person, RoleGrant, VolunteerProfile
from storage.rows import key_of


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
        grids = natural(
            (await s.execute(select(Grid).where(col(Grid.community_id).in_(ids)))).scalars(), lambda g: g.name
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
