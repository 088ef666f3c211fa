"""What the meeting does to an item: an owner, a decision, a follow-up date, closing it, and the
volunteer's "I told them". Each is one transaction that checks who presses and the item's state
now (a press on a closed item changes nothing: ItemClosed), audits, and queues its notices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import row_id
from bot.services.kernel.namesakes import namesake_hints
from bot.services.kernel.periods import zone
from bot.services.kernel.roles import Actor, can_lead, ensure_person, leaders_of
from bot.services.kernel.text import clean_text
from bot.services.places import paired_volunteers
from bot.services.withdrawal import withdraw_referrals
from storage import audit
from storage.enums import IssueStatus, VolunteerStatus
from storage.models import Household, Person, VisitIssue, VolunteerProfile

from .facts import DECISION_MAX, FOLLOW_UP_DAYS, AlreadyTold, ItemClosed, MeetingItem, NeedsDecision, OwnerChoice, Told
from .items import OPEN, item_for_leader, load_item
from .notices import ItemOwned, TellHousehold

MAX_OWNERS = 24  # people offered as owners (the paired volunteer and the leaders first)


async def open_item(s: AsyncSession, *, visit_id: int, household_id: int, grid_id: int, now: datetime) -> None:
    """A door visit found a problem: it goes on the grid's meeting list (in the visit's transaction)."""
    s.add(VisitIssue(visit_id=visit_id, household_id=household_id, grid_id=grid_id, created_at=now, updated_at=now))


async def _change(s: AsyncSession, item: MeetingItem, **values: Any) -> None:
    """Update an open item; ItemClosed if it was closed meanwhile."""
    done = await s.execute(
        update(VisitIssue)
        .where(col(VisitIssue.id) == item.id, col(VisitIssue.status).in_(OPEN))
        .values(**values)
        .returning(col(VisitIssue.id))
    )
    if done.first() is None:
        raise ItemClosed()


async def _open_item_for_leader(
    s: AsyncSession, actor: Actor, item_id: int, now: datetime
) -> tuple[Person, MeetingItem]:
    person, item = await item_for_leader(s, actor, item_id, now)
    if item.status not in OPEN:
        raise ItemClosed()
    return person, item


async def owner_choices(core: Core, actor: Actor, item_id: int) -> tuple[MeetingItem, list[OwnerChoice]]:
    """Who may own the item: the household's paired volunteer, the grid's leaders, its volunteers."""
    async with core.db.session() as s:
        _, item = await _open_item_for_leader(s, actor, item_id, core.clock.now())
        return item, await _candidates(s, item)


async def _candidates(s: AsyncSession, item: MeetingItem) -> list[OwnerChoice]:
    paired = await paired_volunteers(s, item.household_id)
    leaders = await leaders_of(s, item.grid_id)
    volunteers = (
        await s.execute(
            select(Person)
            .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
            .where(
                col(VolunteerProfile.grid_id) == item.grid_id,
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
            )
            .order_by(col(Person.name), col(Person.id))
        )
    ).scalars()
    paired_ids, leader_ids = {p.id for p in paired}, {p.id for p in leaders}
    people = {p.id: p for p in [*paired, *leaders, *volunteers] if p.id is not None}
    hints = namesake_hints((p.id, p.name, p.phone) for p in people.values())
    return [
        OwnerChoice(pid, p.name or f"#{pid}", pid in paired_ids, pid in leader_ids, hints.get(pid))
        for pid, p in people.items()
        if pid is not None
    ][:MAX_OWNERS]


async def assign_owner(core: Core, actor: Actor, item_id: int, person_id: int) -> MeetingItem:
    now = core.clock.now()
    async with core.db.session() as s:
        me, item = await _open_item_for_leader(s, actor, item_id, now)
        chosen = next((c for c in await _candidates(s, item) if c.person_id == row_id(person_id)), None)
        if chosen is None:
            raise NotAllowed("meeting.error.bad_owner")
        status = IssueStatus.in_progress.value if item.status == IssueStatus.open.value else item.status
        await _change(s, item, owner_id=chosen.person_id, status=status, updated_at=now)
        await audit.record(s, me.id, "meeting.owner", "visit_issue", item.id, owner=chosen.person_id)
        owner = await s.get(Person, chosen.person_id)
        if owner is not None and owner.tg_user_id is not None and owner.id != me.id:
            notice = ItemOwned(
                chat_id=owner.tg_user_id,
                language=owner.language,
                item_id=item.id,
                address=item.address,
                flags=item.flags,
                note=item.note,
                by=me.name,
            )
            await core.notifier.send(s, f"meet-owner:{item.id}:{owner.id}:{int(now.timestamp())}", notice)
        return await load_item(s, item.id, now)


def check_decision(text: str | None) -> str:
    return clean_text(text, max_len=DECISION_MAX, key="meeting.error.bad_decision")


async def record_decision(core: Core, actor: Actor, item_id: int, text: str | None) -> MeetingItem:
    decision = check_decision(text)
    now = core.clock.now()
    async with core.db.session() as s:
        me, item = await _open_item_for_leader(s, actor, item_id, now)
        await _change(s, item, decision=decision, status=IssueStatus.decided.value, updated_at=now)
        await audit.record(s, me.id, "meeting.decision", "visit_issue", item.id)
        return await load_item(s, item.id, now)


async def set_follow_up(core: Core, actor: Actor, item_id: int, days: int) -> MeetingItem:
    """Follow up in `days` days (one of FOLLOW_UP_DAYS), a day of the community's calendar."""
    if days not in FOLLOW_UP_DAYS:
        raise InvalidInput("meeting.error.bad_follow_up")
    now = core.clock.now()
    async with core.db.session() as s:
        me, item = await _open_item_for_leader(s, actor, item_id, now)
        day = (now.astimezone(zone(item.tz)) + timedelta(days=days)).date()
        await _change(s, item, follow_up=day.isoformat(), updated_at=now)
        await audit.record(s, me.id, "meeting.follow_up", "visit_issue", item.id, follow_up=day.isoformat())
        return await load_item(s, item.id, now)


async def close_item(core: Core, actor: Actor, item_id: int) -> MeetingItem:
    """Close a decided item; its household's paired volunteer (else the closer) is asked to tell the
    household; a referral of it still open is withdrawn (its department told no answer is needed)."""
    now = core.clock.now()
    async with core.db.session() as s:
        me, item = await _open_item_for_leader(s, actor, item_id, now)
        if not item.decision:
            raise NeedsDecision()
        # a department that still has it is told the meeting settled it (its referral's row first, as
        # a department's answer writes it first: the two never wait on each other in a circle)
        await withdraw_referrals(core, s, me.id, now, code=f"#{item.id}", issue_id=item.id)
        await _close(core, s, me, item, item.decision, now)
        return await load_item(s, item.id, now)


async def close_with_outcome(
    core: Core, s: AsyncSession, item_id: int, outcome: str, by: Person, now: datetime, *, department: str
) -> bool:
    """吹哨: a department answered an item forwarded to it. Its answer becomes the decision and the item
    is closed like the meeting closes one (the paired volunteer asked to tell the household), in the
    caller's transaction. False when the meeting closed it meanwhile (nothing changes on it)."""
    try:
        item = await load_item(s, item_id, now)
    except NotFound:  # the household was erased meanwhile: nobody to tell
        return False
    if item.status not in OPEN:
        return False
    decision = f"【{department}】{outcome}"[:DECISION_MAX]  # the answer was cleaned as the department sent it
    try:
        await _close(core, s, by, item, decision, now, outcome=outcome, department=department)
    except ItemClosed:
        return False
    return True


async def _close(
    core: Core,
    s: AsyncSession,
    me: Person,
    item: MeetingItem,
    decision: str,
    now: datetime,
    *,
    outcome: str = "",
    department: str = "",
) -> None:
    paired = await paired_volunteers(s, item.household_id)
    teller = next((p for p in paired if p.tg_user_id is not None), me)
    await _change(
        s,
        item,
        decision=decision,
        status=IssueStatus.closed.value,
        closed_at=now,
        closed_by=me.id,
        tell_by=teller.id,
        updated_at=now,
    )
    await audit.record(s, me.id, "meeting.closed", "visit_issue", item.id, tell_by=teller.id)
    if teller.tg_user_id is not None:
        notice = TellHousehold(
            chat_id=teller.tg_user_id,
            language=teller.language,
            item_id=item.id,
            address=item.address,
            members=item.members,
            flags=item.flags,
            note=item.note,
            decision=outcome or decision,
            department=department,
        )
        await core.notifier.send(s, f"meet-tell:{item.id}", notice)


async def mark_told(core: Core, actor: Actor, item_id: int) -> Told:
    """The volunteer asked (or a leader of the grid) says the household was told: the ledger shows it."""
    now = core.clock.now()
    async with core.db.session() as s:
        me = await ensure_person(s, actor)
        issue = await s.get(VisitIssue, row_id(item_id))
        hh = await s.get(Household, issue.household_id) if issue is not None else None
        if issue is None or hh is None or hh.erased_at is not None:
            raise NotFound("meeting.error.no_item")
        if issue.tell_by != me.id and not await can_lead(s, me, issue.grid_id):
            raise NotAllowed("meeting.error.not_asked")
        if issue.told_at is not None:
            raise AlreadyTold()
        if issue.status != IssueStatus.closed.value:
            raise ItemClosed("meeting.error.not_closed")
        done = await s.execute(
            update(VisitIssue)
            .where(col(VisitIssue.id) == issue.id, col(VisitIssue.told_at).is_(None))
            .values(told_at=now, tell_by=me.id)
            .returning(col(VisitIssue.id))
        )
        if done.first() is None:
            raise AlreadyTold()
        await audit.record(s, me.id, "meeting.told", "visit_issue", issue.id)
        return Told(issue.id or 0, hh.address)
