"""点单: a resident (or a leader, or a visiting volunteer) asks for help. Where it goes: destination.py;
the resident withdraws it: cancelling.py.

create_request gives the request its short code, posts the card (group, or leaders when the grid
has no volunteer group) and flags a possible duplicate to the leaders, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed
from bot.services.kernel.roles import Actor, approved_volunteer, by_tg, can_lead, ensure_person, load_me
from storage import audit
from storage.enums import ChatKind, RequestStatus, WhenKind
from storage.models import ChatBinding, Community, Grid, HelpRequest, Household, Pairing, Person, table_of

from . import fields as rin
from .destination import NoGrid, home_grid, may_lead
from .duplicates import possible_duplicate, tell_leaders_duplicate
from .grid_today import local_today, today_in
from .posting import UNKNOWN, post_card

SOURCES = ("resident", "leader", "visit")


@dataclass
class RequestDraft:
    category: str
    summary: str
    when_kind: str
    when_date: str | None = None
    address: str | None = None
    phone: str | None = None
    slots: int = 1


def _clean_draft(draft: RequestDraft, today: date, *, address_required: bool) -> RequestDraft:
    when_kind = rin.check_when_kind(draft.when_kind)
    when_date = None
    if when_kind == WhenKind.date.value:
        when_date = rin.parse_date(draft.when_date, today).isoformat()
    address = rin.check_address(draft.address) if (draft.address or address_required) else None
    phone = rin.check_phone(draft.phone) if draft.phone else None
    return RequestDraft(
        rin.check_category(draft.category),
        rin.check_summary(draft.summary),
        when_kind,
        when_date,
        address,
        phone,
        rin.check_slots(draft.slots),
    )


async def _resolve_grid(
    s: AsyncSession, person: Person | None, grid_id: int | None, household: Household | None
) -> int:
    if household is not None:
        return household.grid_id
    if grid_id is not None:
        if await s.get(Grid, grid_id) is None:
            raise NoGrid()
        return grid_id
    grid = await home_grid(s, person) if person else None
    if grid is None or grid.id is None:
        raise NoGrid()
    return grid.id


async def _check_may_create(
    s: AsyncSession,
    person: Person | None,
    grid_id: int,
    source: str,
    household: Household | None,
    slots: int,
    leads: bool | None = None,
) -> None:
    if source not in SOURCES:
        raise InvalidInput()
    if leads is None:
        leads = person is not None and await can_lead(s, person, grid_id)
    if source == "visit":
        if household is None or person is None:
            raise InvalidInput("request.error.household")
        vol = await approved_volunteer(s, person)
        paired = await s.scalar(
            select(col(Pairing.id)).where(
                col(Pairing.volunteer_id) == person.id,
                col(Pairing.household_id) == household.id,
                col(Pairing.active) == True,  # noqa: E712
            )
        )
        if not (leads or (vol is not None and vol.grid_id == grid_id and paired)):
            raise NotAllowed("request.error.not_paired")
    elif source == "leader" and not leads:
        raise NotAllowed("request.error.leaders_only")
    elif person is not None and person.grid_id != grid_id and not leads:
        raise NotAllowed("request.error.other_grid")
    if slots > 1 and not leads:
        raise NotAllowed("request.error.slots_leaders_only")


# a request for a known grid: the person, the grid, whether they may lead it, and its zone
# and its volunteer group (where the card goes)
_GROUP = (
    select(col(ChatBinding.chat_id))
    .where(col(ChatBinding.grid_id) == col(Grid.id), col(ChatBinding.kind) == ChatKind.volunteers.value)
    .limit(1)
    .scalar_subquery()
)
_CREATE = (
    by_tg(col(Grid.id), may_lead(Grid), col(Community.timezone), _GROUP)
    .outerjoin(Grid, col(Grid.id) == bindparam("gid"))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
)
_REQUESTS = table_of(HelpRequest)
_INSERT = insert(_REQUESTS).returning(_REQUESTS.c.id)
_SET_CODE = update(_REQUESTS).where(_REQUESTS.c.id == bindparam("rid")).values(code=bindparam("code"))
_COLUMNS = [c.key for c in _REQUESTS.columns if c.key != "id"]


async def create_request(
    core: Core,
    actor: Actor | None,
    draft: RequestDraft,
    *,
    grid_id: int | None = None,
    household_id: int | None = None,
    source: str = "resident",
) -> HelpRequest:
    """Record a request, give it its code (A-0042), post its card; see the module docstring."""
    async with core.db.session() as s:
        household = await s.get(Household, household_id) if household_id else None
        group: Any = UNKNOWN
        if household_id and (household is None or household.erased_at is not None):
            raise InvalidInput("request.error.household")
        known = household.grid_id if household is not None else grid_id
        if actor is not None and known is not None:
            person, found, leads, tz, group = await load_me(s, actor, _CREATE, gid=known)
            if found is None:
                raise NoGrid()
            gid, today = known, today_in(core, tz)
            await _check_may_create(s, person, gid, source, household, rin.check_slots(draft.slots or 1), bool(leads))
        else:
            person = await ensure_person(s, actor) if actor else None
            gid = await _resolve_grid(s, person, grid_id, household)
            await _check_may_create(s, person, gid, source, household, rin.check_slots(draft.slots or 1))
            today = await local_today(s, core, gid)
        if household is not None:
            draft = _for_household(draft, household)
        clean = _clean_draft(draft, today, address_required=household is None)
        if household is not None and not draft.address:
            clean.address = household.address[:255]  # the registered address, as the leader typed it
        now = core.clock.now()
        req = HelpRequest(
            grid_id=gid,
            resident_id=None if source == "visit" else (person.id if person else None),
            household_id=household.id if household else None,
            source=source,
            created_by=person.id if person else None,
            category=clean.category,
            summary=clean.summary,
            when_kind=clean.when_kind,
            when_date=clean.when_date,
            address=clean.address,
            phone=clean.phone,
            slots=clean.slots,
            status=RequestStatus.open.value,
            created_at=now,
        )
        dup = await possible_duplicate(s, req)
        if dup is not None:  # stored flagged, instead of an UPDATE after the insert
            req.suspected_duplicate_of = dup[0].id
        # plain inserts instead of two ORM flushes; the row then joins the session as if loaded
        conn = await s.connection()
        req.id = (await conn.execute(_INSERT, {k: getattr(req, k) for k in _COLUMNS})).scalar_one()
        req.code = f"{core.cfg.requests.code_prefix}-{req.id:04d}"
        await conn.execute(_SET_CODE, {"rid": req.id, "code": req.code})
        make_transient_to_detached(req)
        s.add(req)
        entries = [
            (
                person.id if person else None,
                "request.create",
                "request",
                req.id,
                dict(code=req.code, category=req.category, source=source, slots=req.slots, when=req.when_kind),
            )
        ]
        if dup is not None:
            entries.append((None, "request.possible_duplicate", "request", req.id, dict(of=dup[0].id)))
        await audit.record_many(s, entries)  # one statement for both
        if dup is not None:
            await tell_leaders_duplicate(core, s, req, *dup)
        await post_card(core, s, req, group)
        return req


def _for_household(draft: RequestDraft, household: Household) -> RequestDraft:
    """On a household's behalf: a long visit note keeps its beginning; the registered phone is
    used when it reads as one."""
    summary = rin.clean_text(draft.summary)
    summary = summary if len(summary) <= rin.SUMMARY_MAX else summary[: rin.SUMMARY_MAX - 1] + "…"
    phone = draft.phone
    if phone is None and household.phone:
        try:
            phone = rin.check_phone(household.phone)
        except InvalidInput:
            phone = None
    address = draft.address if draft.address and draft.address != household.address else None
    return RequestDraft(**{**draft.__dict__, "summary": summary, "address": address, "phone": phone})
