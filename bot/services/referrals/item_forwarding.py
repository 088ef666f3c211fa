"""吹哨 of a meeting item (民情速办): a problem found on a door visit goes straight to a department,
without first becoming a request. The admin confirms what is shared (default: the problem only; the
household's address or phone only when chosen; its members' names never). The department's answer
closes the item and asks the paired volunteer to tell the household (bot/services/referrals/replies.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services import meetings
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict
from bot.services.kernel.ids import stored_id
from bot.services.kernel.roles import Actor
from storage.models import Community, Household, Person, Referral

from .cards import Subject
from .forwarding import OPEN, Forwarded, WhistleChoice, active_departments, check_days, department_of, send_referral


async def _item(core: Core, s: AsyncSession, actor: Actor, item_id: int) -> tuple[Person, Subject, Community]:
    me, item = await meetings.forwardable_item(s, actor, item_id, core.clock.now())
    if item.status not in meetings.OPEN:
        raise meetings.ItemClosed()
    if await s.scalar(
        select(col(Referral.id)).where(col(Referral.issue_id) == item.id, col(Referral.status).in_(OPEN))
    ):
        raise Conflict("referrals.item_already_sent", code=f"#{item.id}")
    hh = await s.get(Household, item.household_id)
    com = await s.get(Community, item.community_id)
    assert hh is not None and com is not None, "an item's household and community are there (load_item joined them)"
    sub = Subject(
        f"#{item.id}", True, "", item.flags, item.note, item.grid, item.grid_id, hh.address, hh.phone, None, False
    )
    return me, sub, com


async def item_choice(core: Core, actor: Actor, item_id: int) -> WhistleChoice:
    """The meeting item's 🏛 button: the problem (no address, no phone) and the departments."""
    async with core.db.reading() as s:
        _, sub, com = await _item(core, s, actor, item_id)
        deps = await active_departments(s, com.id)
    return WhistleChoice(
        item_id, sub.code, "", sub.summary, sub.grid, bool(sub.address), bool(sub.phone), deps, True, sub.flags
    )


async def forward_item(
    core: Core, actor: Actor, item_id: int, department_id: int, *, address: bool, phone: bool, days: int
) -> Forwarded:
    check_days(days)
    now = core.clock.now()
    async with core.db.session() as s:
        me, sub, com = await _item(core, s, actor, item_id)
        dep = await department_of(s, department_id, com.id)
        ref = Referral(
            issue_id=item_id,
            department_id=stored_id(dep.id),
            share_address=address and bool(sub.address),
            share_phone=phone and bool(sub.phone),
            sent_by=me.id,
            due_at=now + timedelta(days=days),
            created_at=now,
        )
        return await send_referral(core, s, me, ref, dep, com, sub, days)
