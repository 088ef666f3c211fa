"""Reading the meeting's list: an item as its grid's leaders see it, and the walk through the open ones.

Every read checks the reader: a grid's leader (or an admin of its community) sees its items; nobody
else does. Items of erased households are gone from the list."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.roles import Actor, AnySelect, can_lead, ensure_person, is_admin_of, led_grids
from storage.enums import OPEN_ISSUE_STATUSES
from storage.models import Community, DoorVisit, Grid, Household, Person, VisitIssue
from storage.referral_reads import latest_referrals

from .facts import MeetingItem, Walk

_OWNER = aliased(Person, name="owner")
_FINDER = aliased(Person, name="finder")
OPEN = [s.value for s in OPEN_ISSUE_STATUSES]


def _items() -> AnySelect:
    return (
        select(
            VisitIssue,
            DoorVisit,
            Household,
            col(Grid.name),
            col(Community.timezone),
            col(_OWNER.name),
            col(_FINDER.name),
            col(Community.id),
        )
        .join(DoorVisit, col(DoorVisit.id) == col(VisitIssue.visit_id))
        .join(Household, col(Household.id) == col(VisitIssue.household_id))
        .join(Grid, col(Grid.id) == col(VisitIssue.grid_id))
        .join(Community, col(Community.id) == col(Grid.community_id))
        .outerjoin(_OWNER, col(_OWNER.id) == col(VisitIssue.owner_id))
        .outerjoin(_FINDER, col(_FINDER.id) == col(DoorVisit.volunteer_id))
        .where(col(Household.erased_at).is_(None))
    )


def _fact(row: Sequence[Any]) -> MeetingItem:
    issue, visit, hh, grid, tz, owner, finder, community_id = row
    return MeetingItem(
        id=issue.id,
        grid_id=issue.grid_id,
        grid=grid,
        household_id=hh.id,
        address=hh.address,
        members=hh.members,
        week=visit.week,
        found_by=finder,
        flags=tuple(f for f in visit.red_flags.split(",") if f),
        note=visit.note,
        request_id=visit.request_id,
        status=issue.status,
        owner_id=issue.owner_id,
        owner=owner,
        decision=issue.decision,
        follow_up=date.fromisoformat(issue.follow_up) if issue.follow_up else None,
        created_at=issue.created_at,
        closed_at=issue.closed_at,
        told_at=issue.told_at,
        tz=tz,
        community_id=community_id,
    )


async def _referred(s: AsyncSession, items: list[MeetingItem], now: datetime) -> list[MeetingItem]:
    """The items with where they stand with the street office (吹哨)."""
    found = await latest_referrals(s, now, issues=[i.id for i in items])
    return [dataclasses.replace(i, referral=found[i.id]) if i.id in found else i for i in items]


async def load_item(s: AsyncSession, item_id: int, now: datetime) -> MeetingItem:
    row = (await s.execute(_items().where(col(VisitIssue.id) == row_id(item_id)))).first()
    if row is None:
        raise NotFound("meeting.error.no_item")
    return (await _referred(s, [_fact(row)], now))[0]


async def item_for_leader(s: AsyncSession, actor: Actor, item_id: int, now: datetime) -> tuple[Person, MeetingItem]:
    """The item, for a leader of its grid (or an admin of its community); NotAllowed for anyone else."""
    person = await ensure_person(s, actor)
    item = await load_item(s, item_id, now)
    if not await can_lead(s, person, item.grid_id):
        raise NotAllowed("meeting.error.not_leader")
    return person, item


async def show_item(core: Core, actor: Actor, item_id: int) -> MeetingItem:
    async with core.db.session() as s:
        return (await item_for_leader(s, actor, item_id, core.clock.now()))[1]


async def forwardable_item(s: AsyncSession, actor: Actor, item_id: int, now: datetime) -> tuple[Person, MeetingItem]:
    """The item, for an admin of its community (吹哨 is theirs); NotAllowed for anyone else."""
    person = await ensure_person(s, actor)
    item = await load_item(s, item_id, now)
    if not await is_admin_of(s, person, item.community_id):
        raise NotAllowed("referrals.admins_only")
    return person, item


async def _grids(s: AsyncSession, actor: Actor) -> list[int]:
    grids = [g.id for g in await led_grids(s, await ensure_person(s, actor)) if g.id is not None]
    if not grids:
        raise NotAllowed("meeting.error.not_leader")
    return grids


async def walk(core: Core, actor: Actor, after: int = 0) -> Walk:
    """The first open item after item `after` (0: from the start) in the grids this person leads."""
    async with core.db.session() as s:
        grids = await _grids(s, actor)
        mine = _items().where(col(VisitIssue.grid_id).in_(grids), col(VisitIssue.status).in_(OPEN))
        row = (await s.execute(mine.where(col(VisitIssue.id) > after).order_by(col(VisitIssue.id)).limit(1))).first()
        total = await _count(s, grids)
        if row is None:
            return Walk(None, 0, total)
        [item] = await _referred(s, [_fact(row)], core.clock.now())
        return Walk(item, await _count(s, grids, upto=item.id), total, await _admin(s, actor, item))


async def walk_at(core: Core, actor: Actor, item_id: int) -> Walk:
    """The walk standing on this item (after a change to it), whatever its state now."""
    async with core.db.session() as s:
        _, item = await item_for_leader(s, actor, item_id, core.clock.now())
        grids = await _grids(s, actor)
        return Walk(item, await _count(s, grids, upto=item.id), await _count(s, grids), await _admin(s, actor, item))


async def _admin(s: AsyncSession, actor: Actor, item: MeetingItem) -> bool:
    return await is_admin_of(s, await ensure_person(s, actor), item.community_id)


async def _count(s: AsyncSession, grids: list[int], upto: int | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(VisitIssue)
        .join(Household, col(Household.id) == col(VisitIssue.household_id))
        .where(col(VisitIssue.grid_id).in_(grids), col(VisitIssue.status).in_(OPEN), col(Household.erased_at).is_(None))
    )
    if upto is not None:
        stmt = stmt.where(col(VisitIssue.id) <= upto)
    return int(await s.scalar(stmt) or 0)


async def items_in(core: Core, grids: list[int], *, closed_since: datetime | None = None) -> list[MeetingItem]:
    """Every open item of these grids, and those closed since `closed_since` (the dashboard's page):
    open ones first (oldest first), then the closed ones (newest first). The caller checked the grids."""
    async with core.db.reading() as s:
        base = _items().where(col(VisitIssue.grid_id).in_(grids))
        rows = (await s.execute(base.where(col(VisitIssue.status).in_(OPEN)).order_by(col(VisitIssue.id)))).all()
        closed: Sequence[Any] = []
        if closed_since is not None:
            closed = (
                await s.execute(
                    base.where(col(VisitIssue.status).notin_(OPEN), col(VisitIssue.closed_at) >= closed_since).order_by(
                        col(VisitIssue.closed_at).desc(), col(VisitIssue.id).desc()
                    )
                )
            ).all()
        return await _referred(s, [_fact(r) for r in [*rows, *closed]], core.clock.now())
