"""A community admin keeps its departments current in chat: one department as it is now, a new name, a
new contact (its open referrals' cards go to the new contact; the old one's buttons no longer act),
and removing one. A removed department takes no new referrals; its open ones stay with it until it
answers or hands them back. One that never had a referral is deleted outright."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, NotAllowed
from bot.services.kernel.ids import row_id
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of, person_by_tg
from storage import audit
from storage.enums import OPEN_REFERRAL_STATUSES
from storage.models import Community, Department, Person, Referral
from storage.referral_reads import department_card_ref

from .cards import department_card, subject_of
from .departments import DepartmentRow, clean_department_name, contact_person, open_count, row_of


@dataclass(frozen=True)
class Removed:
    name: str
    deleted: bool  # it never had a referral: gone altogether
    open_referrals: int  # still with it until answered or handed back


async def _mine(s: AsyncSession, actor: Actor, department_id: int) -> tuple[Person, Department, Community]:
    me = await ensure_person(s, actor)
    dep = await s.get(Department, row_id(department_id))
    if dep is None:  # deleted since the button was drawn
        raise Conflict("referrals.department_gone")
    com = await s.get(Community, dep.community_id)
    if com is None or not await is_admin_of(s, me, com.id):
        raise NotAllowed("referrals.admins_only")
    return me, dep, com


async def _active(s: AsyncSession, actor: Actor, department_id: int) -> tuple[Person, Department, Community]:
    me, dep, com = await _mine(s, actor, department_id)
    if not dep.active:
        raise Conflict("referrals.department_removed", name=dep.name)
    return me, dep, com


async def show_department(core: Core, actor: Actor, department_id: int) -> DepartmentRow:
    async with core.db.reading() as s:
        _, dep, com = await _mine(s, actor, department_id)
        return row_of(dep, com.name, await open_count(s, dep.id))


async def check_department(core: Core, actor: Actor, department_id: int) -> DepartmentRow:
    """Before a new name or contact is asked for: the admin's, and not removed."""
    async with core.db.reading() as s:
        _, dep, com = await _active(s, actor, department_id)
        return row_of(dep, com.name, await open_count(s, dep.id))


async def rename_department(core: Core, actor: Actor, department_id: int, name: str | None) -> DepartmentRow:
    name = clean_department_name(name)
    async with core.db.session() as s:
        me, dep, com = await _active(s, actor, department_id)
        if name != dep.name and await s.scalar(
            select(col(Department.id)).where(col(Department.community_id) == com.id, col(Department.name) == name)
        ):
            raise Conflict("referrals.department_exists", name=name)
        dep.name = name
        s.add(dep)
        await audit.record(s, me.id, "department.rename", "community", com.id, department_id=dep.id)
        return row_of(dep, com.name, await open_count(s, dep.id))


async def change_contact(core: Core, actor: Actor, department_id: int, contact: int | str | None) -> DepartmentRow:
    """A new contact (None: offline). The open referrals' cards go to the new contact (offline: to the admin)."""
    async with core.db.session() as s:
        me, dep, com = await _active(s, actor, department_id)
        person = await contact_person(s, contact)
        before = dep.tg_user_id
        dep.tg_user_id = person.tg_user_id if person else None
        dep.contact_name = person.name or "" if person else ""
        s.add(dep)
        await s.flush()
        await audit.record(s, me.id, "department.contact", "community", com.id, department_id=dep.id)
        if dep.tg_user_id != before:
            await _resend_cards(core, s, me, dep, com)
        return row_of(dep, com.name, await open_count(s, dep.id))


async def _resend_cards(core: Core, s: AsyncSession, me: Person, dep: Department, com: Community) -> None:
    open_refs = (
        await s.execute(
            select(Referral).where(
                col(Referral.department_id) == dep.id,
                col(Referral.status).in_([st.value for st in OPEN_REFERRAL_STATUSES]),
            )
        )
    ).scalars()
    reader = await person_by_tg(s, dep.tg_user_id) if dep.tg_user_id is not None else me
    to = dep.tg_user_id if dep.tg_user_id is not None else me.tg_user_id
    if to is None:
        return
    for ref in list(open_refs):
        sub = await subject_of(s, ref)
        if sub is None:
            continue
        card = department_card(to, reader.language if reader else None, ref, dep, com, sub)
        key = f"referral-card:{ref.id}:{to}:{int(core.clock.now().timestamp())}"
        await core.notifier.send(s, key, card, card_ref=department_card_ref(ref.id))


async def remove_department(core: Core, actor: Actor, department_id: int) -> Removed:
    async with core.db.session() as s:
        me, dep, com = await _active(s, actor, department_id)
        n = await open_count(s, dep.id)
        ever = await s.scalar(select(col(Referral.id)).where(col(Referral.department_id) == dep.id).limit(1))
        await audit.record(s, me.id, "department.remove", "community", com.id, department_id=dep.id, open=n)
        if ever is None:
            await s.execute(delete(Department).where(col(Department.id) == dep.id))
            return Removed(dep.name, True, 0)
        dep.active = False
        s.add(dep)
        return Removed(dep.name, False, n)


async def restore_department(core: Core, actor: Actor, department_id: int) -> DepartmentRow:
    async with core.db.session() as s:
        me, dep, com = await _mine(s, actor, department_id)
        if dep.active:
            raise Conflict("referrals.department_active", name=dep.name)
        dep.active = True
        s.add(dep)
        await audit.record(s, me.id, "department.restore", "community", com.id, department_id=dep.id)
        return row_of(dep, com.name, await open_count(s, dep.id))
