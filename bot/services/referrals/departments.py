"""吹哨's departments: the street office's and departments' contacts a community forwards requests to
(name and Telegram contact, or offline: handled by the admin by phone or in person)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.inputs import clean_line
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person
from bot.services.places import find_person
from storage import audit
from storage.enums import RoleKind
from storage.models import Community, Department, Person, RoleGrant

OFFLINE_WORDS = {"offline", "线下"}


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    community: str
    name: str
    contact: str  # the contact's name, "" offline
    offline: bool


async def administered(s: AsyncSession, me: Person) -> list[Community]:
    stmt = select(Community)
    if not me.is_superadmin:
        stmt = stmt.where(
            col(Community.id).in_(
                select(col(RoleGrant.community_id)).where(
                    col(RoleGrant.person_id) == me.id, col(RoleGrant.role) == RoleKind.admin.value
                )
            )
        )
    return natural((await s.execute(stmt)).scalars(), lambda c: c.name, lambda c: c.id)


def clean_department_name(text: str | None) -> str:
    return clean_line(text, max_len=100, min_len=2, key="referrals.bad_name")


async def add_department(
    core: Core, actor: Actor, name: str, contact: int | str | None, community: str | None = None
) -> DepartmentRow:
    """A department of the admin's community (`community` names it when they administer several);
    `contact` None: offline."""
    name = clean_department_name(name)
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        coms = await administered(s, me)
        if community is not None:
            coms = [c for c in coms if c.name == community.strip()]
        if not coms:
            raise NotAllowed("referrals.admins_only")
        if len(coms) > 1:
            raise Conflict("referrals.which_community")
        com = coms[0]
        person = None
        if contact is not None:
            person = await find_person(s, contact)
            if person is None or person.tg_user_id is None:
                raise NotFound("places.person_unknown")
        if await s.scalar(
            select(col(Department.id)).where(col(Department.community_id) == com.id, col(Department.name) == name)
        ):
            raise Conflict("referrals.department_exists", name=name)
        d = Department(
            community_id=stored_id(com.id),
            name=name,
            tg_user_id=person.tg_user_id if person else None,
            contact_name=person.name if person else "",
            created_at=core.clock.now(),
        )
        s.add(d)
        await s.flush()
        await audit.record(s, me.id, "department.create", "community", com.id, department_id=d.id)
        return DepartmentRow(stored_id(d.id), com.name, name, d.contact_name, person is None)


async def departments(core: Core, actor: Actor) -> list[DepartmentRow]:
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        coms = {c.id: c.name for c in await administered(s, me)}
        if not coms:
            raise NotAllowed("referrals.admins_only")
        found = (await s.execute(select(Department).where(col(Department.community_id).in_(list(coms))))).scalars()
        rows = [
            DepartmentRow(stored_id(d.id), coms[d.community_id], d.name, d.contact_name, d.tg_user_id is None)
            for d in found
        ]
    return natural(natural(rows, lambda r: r.name, lambda r: r.id), lambda r: r.community)
