"""Who a notice may come from and whom it reaches.

A grid leader speaks to their grids; a community admin to any grid of their community or to the
whole community at once. Residents are the people who said they live in the grid (/grid), volunteers
the approved volunteers registered there; a person who is both hears a notice once. Residents who
muted notices are left out of non-urgent ones (a volunteer still hears the volunteers' notices).
The grid's residents group (and, for volunteers, its volunteer group) gets the notice too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.errors import NotAllowed
from bot.services.kernel.order import natural
from bot.services.kernel.roles import ADMIN, led_grids
from storage.enums import Audience, ChatKind, VolunteerStatus
from storage.models import ChatBinding, Community, Grid, NoticeMute, Person, RoleGrant, VolunteerProfile

GRID, COMMUNITY = "grid", "community"


@dataclass(frozen=True)
class NoticePlace:
    kind: str  # GRID or COMMUNITY
    id: int
    name: str
    community_id: int


@dataclass(frozen=True)
class Reader:
    person_id: int
    tg_user_id: int
    language: str | None
    as_resident: bool  # reached as a resident (may mute), else only as a volunteer


@dataclass
class Reach:
    people: list[Reader] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    muted: int = 0  # residents left out: they muted non-urgent notices

    @property
    def total(self) -> int:
        return len(self.people) + len(self.groups)


async def places_for(session: AsyncSession, person: Person) -> list[NoticePlace]:
    """Where this person may send a notice: whole communities they administer first, then grids."""
    grids = await led_grids(session, person)
    if person.is_superadmin:
        communities = list((await session.execute(select(Community))).scalars())
    else:
        communities = list(
            (
                await session.execute(
                    select(Community).join(
                        RoleGrant,
                        and_(
                            col(RoleGrant.community_id) == col(Community.id),
                            col(RoleGrant.person_id) == person.id,
                            col(RoleGrant.role) == ADMIN,
                        ),
                    )
                )
            ).scalars()
        )
    whole = [NoticePlace(COMMUNITY, c.id or 0, c.name, c.id or 0) for c in natural(communities, lambda c: c.name)]
    parts = [
        NoticePlace(GRID, g.id or 0, g.name, g.community_id) for g in natural(grids, lambda g: g.name, lambda g: g.id)
    ]
    return whole + parts


async def allowed_place(session: AsyncSession, person: Person, kind: str, place_id: int) -> NoticePlace:
    for place in await places_for(session, person):
        if (place.kind, place.id) == (kind, place_id):
            return place
    raise NotAllowed("notice.error.not_yours")


async def grid_ids(session: AsyncSession, place: NoticePlace) -> list[int]:
    if place.kind == GRID:
        return [place.id]
    rows = await session.execute(select(col(Grid.id)).where(col(Grid.community_id) == place.id))
    return [gid for gid in rows.scalars() if gid is not None]


def _reachable() -> list[ColumnElement[bool]]:
    return [col(Person.tg_user_id).is_not(None), col(Person.forgotten_at).is_(None), col(Person.blocked_bot) == False]  # noqa: E712


async def reach_of(
    session: AsyncSession, grids: list[int], audience: Audience, *, urgent: bool, sender_id: int | None
) -> Reach:
    """Every private chat and group chat the notice goes to (the sender excepted: they have their card)."""
    reach, seen = Reach(), set()
    if audience in (Audience.volunteers, Audience.both):
        rows = await session.execute(
            select(col(Person.id), col(Person.tg_user_id), col(Person.language))
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .where(
                col(VolunteerProfile.grid_id).in_(grids),
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
                *_reachable(),
            )
            .order_by(col(Person.id))
        )
        for row in rows.all():
            pid, tg, language = cast("tuple[int, int, str | None]", tuple(row))
            if pid != sender_id and pid not in seen:
                seen.add(pid)
                reach.people.append(Reader(pid, tg, language, as_resident=False))
    if audience in (Audience.residents, Audience.both):
        resident_rows = await session.execute(
            select(col(Person.id), col(Person.tg_user_id), col(Person.language), col(NoticeMute.person_id))
            .outerjoin(NoticeMute, col(NoticeMute.person_id) == col(Person.id))
            .where(col(Person.grid_id).in_(grids), *_reachable())
            .order_by(col(Person.id))
        )
        for rrow in resident_rows.all():
            pid, tg, language, muted = cast("tuple[int, int, str | None, int | None]", tuple(rrow))
            if pid == sender_id or pid in seen:
                continue
            if muted is not None and not urgent:
                reach.muted += 1
                continue
            seen.add(pid)
            reach.people.append(Reader(pid, tg, language, as_resident=True))
    kinds = {
        Audience.residents: [ChatKind.residents.value],
        Audience.volunteers: [ChatKind.volunteers.value],
        Audience.both: [ChatKind.residents.value, ChatKind.volunteers.value],
    }[audience]
    chats = await session.execute(
        select(col(ChatBinding.chat_id))
        .where(col(ChatBinding.grid_id).in_(grids), col(ChatBinding.kind).in_(kinds))
        .order_by(col(ChatBinding.id))
    )
    reach.groups = list(chats.scalars())
    return reach
