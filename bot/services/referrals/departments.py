"""吹哨's departments: the street office's and departments' contacts a community forwards requests to
(name and Telegram contact, or offline: handled by the admin by phone or in person). Renaming, a new
contact and removing one: bot/services/referrals/department_edits.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
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
from storage.enums import OPEN_REFERRAL_STATUSES, RoleKind
from storage.models import Community, Department, Person, Referral, RoleGrant

OFFLINE_WORDS = {"offline", "线下"}


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    community: str
    name: str
    contact: str  # the contact's name, "" offline
    offline: bool
    active: bool = True  # removed: no new referrals go to it
    open_referrals: int = 0  # forwarded to it and not yet answered or handed back
    readded: bool = False  # /adddepartment brought back a removed one of that name


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


async def contact_person(s: AsyncSession, contact: int | str | None) -> Person | None:
    """The contact someone named (None: offline); NotFound for someone who never used the bot."""
    if contact is None:
        return None
    person = await find_person(s, contact)
    if person is None or person.tg_user_id is None:
        raise NotFound("places.person_unknown")
    return person


async def open_count(s: AsyncSession, department_id: int | None) -> int:
    return int(
        await s.scalar(
            select(func.count())
            .select_from(Referral)
            .where(
                col(Referral.department_id) == department_id,
                col(Referral.status).in_([st.value for st in OPEN_REFERRAL_STATUSES]),
            )
        )
        or 0
    )


def row_of(d: Department, community: str, open_referrals: int = 0, readded: bool = False) -> DepartmentRow:
    return DepartmentRow(
        stored_id(d.id), community, d.name, d.contact_name, d.tg_user_id is None, d.active, open_referrals, readded
    )


async def add_department(
    core: Core, actor: Actor, name: str, contact: int | str | None, community: str | None = None
) -> DepartmentRow:
    """A department of the admin's community (`community` names it when they administer several);
    `contact` None: offline. The name of a removed one brings it back, with this contact."""
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
        person = await contact_person(s, contact)
        old = (
            await s.execute(
                select(Department).where(col(Department.community_id) == com.id, col(Department.name) == name)
            )
        ).scalar_one_or_none()
        if old is not None and old.active:
            raise Conflict("referrals.department_exists", name=name)
        d = old or Department(community_id=stored_id(com.id), name=name, created_at=core.clock.now())
        d.tg_user_id = person.tg_user_id if person else None
        d.contact_name = person.name or "" if person else ""
        d.active = True
        s.add(d)
        await s.flush()
        action = "department.readd" if old is not None else "department.create"
        await audit.record(s, me.id, action, "community", com.id, department_id=d.id)
        return row_of(d, com.name, await open_count(s, d.id), readded=old is not None)


async def departments(core: Core, actor: Actor) -> list[DepartmentRow]:
    """Every department of the communities the admin administers, removed ones last."""
    async with core.db.reading() as s:
        me = await ensure_person(s, actor)
        coms = {c.id: c.name for c in await administered(s, me)}
        if not coms:
            raise NotAllowed("referrals.admins_only")
        opened = (
            select(col(Referral.department_id), func.count().label("n"))
            .where(col(Referral.status).in_([st.value for st in OPEN_REFERRAL_STATUSES]))
            .group_by(col(Referral.department_id))
            .subquery()
        )
        found = await s.execute(
            select(Department, func.coalesce(opened.c.n, 0))
            .outerjoin(opened, opened.c.department_id == col(Department.id))
            .where(col(Department.community_id).in_(list(coms)))
        )
        rows = [row_of(d, coms[d.community_id], int(n)) for d, n in found.all()]
    rows = natural(natural(rows, lambda r: r.name, lambda r: r.id), lambda r: r.community)
    return sorted(rows, key=lambda r: not r.active)
