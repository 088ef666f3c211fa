"""吹哨 (街道吹哨、部门派单): a community admin forwards a request the community cannot solve to a
department or the street office, with a reply deadline, choosing what of the resident's details
go with it (default: neither address nor phone; the resident's name never). A meeting item (a
problem found on a door visit) goes the same way: bot/services/referrals/item_forwarding.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import row_id, stored_id
from bot.services.kernel.order import natural
from bot.services.kernel.roles import Actor, ensure_person, is_admin_of, person_by_tg
from storage import audit
from storage.enums import OPEN_REFERRAL_STATUSES, RequestStatus
from storage.models import Community, Department, Grid, HelpRequest, Person, Referral
from storage.referral_reads import department_card_ref

from .cards import Subject, department_card, request_subject
from .notices import ReferralSent

MAX_DAYS = 14
OVER = (RequestStatus.completed.value, RequestStatus.cancelled.value, RequestStatus.duplicate.value)
OPEN = [st.value for st in OPEN_REFERRAL_STATUSES]


@dataclass(frozen=True)
class WhistleChoice:
    request_id: int  # the request's id; a meeting item's id when `item`
    code: str
    category: str
    summary: str
    grid: str
    has_address: bool
    has_phone: bool
    departments: list[tuple[int, str, bool]]  # (id, name, offline): the community's active ones
    item: bool = False
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Forwarded:
    referral_id: int
    code: str
    department: str
    offline: bool
    timezone: str  # the community's, to show the deadline in
    due_at: datetime
    item: bool = False


async def _request(s: AsyncSession, actor: Actor, ref: int | str) -> tuple[Person, HelpRequest, Grid, Community]:
    me = await ensure_person(s, actor)
    stmt = select(HelpRequest, Grid, Community).join(Grid, col(Grid.id) == col(HelpRequest.grid_id))
    stmt = stmt.join(Community, col(Community.id) == col(Grid.community_id))
    if isinstance(ref, int):
        stmt = stmt.where(col(HelpRequest.id) == row_id(ref))
    else:
        stmt = stmt.where(col(HelpRequest.code) == ref.strip().upper().lstrip("#"))
    row = (await s.execute(stmt)).first()
    if row is None or row[0].erased_at is not None:
        raise NotFound("referrals.no_request")
    req, grid, com = row
    if not await is_admin_of(s, me, com.id):
        raise NotAllowed("referrals.admins_only")
    if req.status in OVER:
        raise Conflict("referrals.request_over", code=req.code or f"#{req.id}")
    if await s.scalar(
        select(col(Referral.id)).where(col(Referral.request_id) == req.id, col(Referral.status).in_(OPEN))
    ):
        raise Conflict("referrals.already_sent", code=req.code or f"#{req.id}")
    return me, req, grid, com


async def active_departments(s: AsyncSession, community_id: int | None) -> list[tuple[int, str, bool]]:
    """The community's departments new referrals may go to: (id, name, offline)."""
    found = (
        await s.execute(
            select(Department).where(col(Department.community_id) == community_id, col(Department.active).is_(True))
        )
    ).scalars()
    deps = [(stored_id(d.id), d.name, d.tg_user_id is None) for d in natural(found, lambda d: d.name, lambda d: d.id)]
    if not deps:
        raise NotFound("referrals.no_departments")
    return deps


async def whistle_choice(core: Core, actor: Actor, ref: int | str) -> WhistleChoice:
    """/whistle CODE: the request (no address, no phone) and the departments to forward it to."""
    async with core.db.reading() as s:
        _, req, grid, com = await _request(s, actor, ref)
        deps = await active_departments(s, com.id)
    return WhistleChoice(
        stored_id(req.id),
        req.code or f"#{req.id}",
        req.category,
        req.summary,
        grid.name,
        bool(req.address),
        bool(req.phone),
        deps,
    )


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("referrals.bad_days")


async def department_of(s: AsyncSession, department_id: int, community_id: int | None) -> Department:
    dep = await s.get(Department, row_id(department_id))
    if dep is None or dep.community_id != community_id:
        raise NotFound("referrals.no_department")
    if not dep.active:
        raise Conflict("referrals.department_removed", name=dep.name)
    return dep


async def forward(
    core: Core, actor: Actor, request_id: int, department_id: int, *, address: bool, phone: bool, days: int
) -> Forwarded:
    """Send the card to the department (offline: to the admin, who records its answers) and tell the
    resident; what was shared goes into the audit log as yes/no, never the details themselves."""
    check_days(days)
    now = core.clock.now()
    async with core.db.session() as s:
        me, req, grid, com = await _request(s, actor, request_id)
        dep = await department_of(s, department_id, com.id)
        ref = Referral(
            request_id=stored_id(req.id),
            department_id=stored_id(dep.id),
            share_address=address and bool(req.address),
            share_phone=phone and bool(req.phone),
            sent_by=me.id,
            due_at=now + timedelta(days=days),
            created_at=now,
        )
        return await send_referral(core, s, me, ref, dep, com, request_subject(req, grid.name), days)


async def send_referral(
    core: Core, s: AsyncSession, me: Person, ref: Referral, dep: Department, com: Community, sub: Subject, days: int
) -> Forwarded:
    """Store the referral, audit it, send the department its card and the resident (of a request) the news."""
    s.add(ref)
    await s.flush()
    entity, entity_id = ("visit_issue", ref.issue_id) if sub.item else ("request", ref.request_id)
    await audit.record(
        s,
        me.id,
        "referral.sent",
        entity,
        entity_id,
        department_id=dep.id,
        address=ref.share_address,
        phone=ref.share_phone,
        days=days,
    )
    contact = await person_by_tg(s, dep.tg_user_id) if dep.tg_user_id is not None else me  # offline: the admin
    to = dep.tg_user_id if dep.tg_user_id is not None else me.tg_user_id
    if to is not None:
        card = department_card(to, contact.language if contact is not None else None, ref, dep, com, sub)
        await core.notifier.send(s, f"referral-card:{ref.id}", card, card_ref=department_card_ref(ref.id))
    resident = await s.get(Person, sub.resident_id) if sub.resident_id else None
    if resident is not None and resident.tg_user_id is not None and resident.forgotten_at is None:
        await core.notifier.send(
            s,
            f"referral-sent:{ref.id}",
            ReferralSent(chat_id=resident.tg_user_id, language=resident.language, code=sub.code, department=dep.name),
        )
    return Forwarded(stored_id(ref.id), sub.code, dep.name, dep.tg_user_id is None, com.timezone, ref.due_at, sub.item)
