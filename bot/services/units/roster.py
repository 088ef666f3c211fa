"""/unit: a unit's contact sees its members (where they serve, their standing) and their open work.
No addresses or phones: the contact is not the residents' grid leader; a task shows its code,
category, grid and state only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person
from storage.claim_reads import ACTIVE, HOLDING, LIVE
from storage.claims import LIVE_CLAIM
from storage.models import Assignment, Grid, HelpRequest, Person, Unit, UnitClaim, VolunteerProfile
from storage.rows import key_of

from .registry import LIVE_MEMBERS

_WORK: list[Any] = [
    col(Assignment.volunteer_id),
    col(HelpRequest.code),
    col(HelpRequest.category),
    col(Grid.name),
    col(Assignment.status),
]


@dataclass(frozen=True)
class OpenTask:
    code: str
    category: str
    grid: str
    status: str  # the assignment's: accepted | started


@dataclass(frozen=True)
class Member:
    name: str
    grid: str
    status: str  # VolunteerStatus
    tasks: list[OpenTask] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimLine:
    """A live claim of the unit (its task still open): who of the unit is on it."""

    claim_id: int
    code: str
    category: str
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnitRoster:
    unit_id: int
    name: str
    members: list[Member]
    claims: list[ClaimLine] = field(default_factory=list)


async def _claims(s: AsyncSession, unit_id: int) -> list[ClaimLine]:
    rows = (
        await s.execute(
            select(col(UnitClaim.id), col(HelpRequest.code), col(HelpRequest.category))
            .join(HelpRequest, col(HelpRequest.id) == col(UnitClaim.request_id))
            .where(
                col(UnitClaim.unit_id) == unit_id,
                col(UnitClaim.status) == LIVE_CLAIM,
                col(HelpRequest.status).in_(ACTIVE),
            )
            .order_by(col(UnitClaim.id))
        )
    ).all()
    out = []
    for cid, code, category in rows:
        names = (
            await s.execute(
                select(col(Person.name))
                .join(Assignment, col(Assignment.volunteer_id) == col(Person.id))
                .where(col(Assignment.unit_claim_id) == cid, col(Assignment.status).in_(HOLDING))
                .order_by(col(Assignment.id))
            )
        ).scalars()
        out.append(ClaimLine(int(cid or 0), code or "", category, [n or "?" for n in names]))
    return out


async def my_units(core: Core, actor: Actor) -> list[UnitRoster]:
    """Every unit this person is the contact of, with its members and their open tasks."""
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        units = natural(
            (await s.execute(select(Unit).where(col(Unit.contact_id) == me.id))).scalars(),
            lambda u: u.name,
            lambda u: u.id,
        )
        out = []
        for unit in units:
            rows = (
                await s.execute(
                    select(col(Person.id), col(Person.name), col(Grid.name), col(VolunteerProfile.status))
                    .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
                    .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
                    .where(col(VolunteerProfile.unit_id) == unit.id, col(VolunteerProfile.status).in_(LIVE_MEMBERS))
                )
            ).all()
            tasks: dict[int, list[OpenTask]] = {}
            if rows:
                work = await s.execute(
                    select(*_WORK)
                    .join(HelpRequest, col(HelpRequest.id) == col(Assignment.request_id))
                    .join(Grid, col(Grid.id) == col(HelpRequest.grid_id))
                    .where(col(Assignment.volunteer_id).in_([r[0] for r in rows]), col(Assignment.status).in_(LIVE))
                    .order_by(col(Assignment.id))
                )
                for vid, code, category, grid, status in work.all():
                    tasks.setdefault(vid, []).append(OpenTask(code or "", category, grid, status))
            members = [Member(name, grid, status, tasks.get(pid or 0, [])) for pid, name, grid, status in rows]
            out.append(
                UnitRoster(key_of(unit), unit.name, natural(members, lambda m: m.name), await _claims(s, key_of(unit)))
            )
        return out
