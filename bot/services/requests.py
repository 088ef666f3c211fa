"""点单: a resident (or a leader, or a visiting volunteer) asks for help; the resident follows and cancels.

create_request gives the request its short code, posts the card (group, or leaders when the grid
has no volunteer group) and flags a possible duplicate to the leaders, all in one transaction.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import tp
from storage import audit, claims
from storage.enums import AssignmentStatus, RequestStatus, WhenKind
from storage.models import Grid, HelpRequest, Household, Pairing, Person, Rating

from . import request_input as rin
from .cards import post_card, refresh_cards
from .core import Core
from .errors import DomainError, InvalidInput, NotAllowed
from .notifier import Button
from .people import Actor, approved_volunteer, can_lead, ensure_person, leaders_of, led_grids
from .request_common import (ACTIVE, HOLDING, assignments, community_of, display_name, end_relays, get_request,
                             require_status, tell)

SOURCES = ("resident", "leader", "visit")
DUPLICATE_WINDOW = timedelta(days=14)


class NoGrid(DomainError):
    key = "request.error.no_grid"


@dataclass
class RequestDraft:
    category: str
    summary: str
    when_kind: str
    when_date: str | None = None
    address: str | None = None
    phone: str | None = None
    slots: int = 1


@dataclass(frozen=True)
class RequestStart:
    grid_id: int
    grid_name: str
    can_set_slots: bool  # leaders and admins may ask for several volunteers (moving house: 4)


@dataclass
class RequestView:
    request: HelpRequest
    takers: list[str] = field(default_factory=list)
    rating: Rating | None = None
    volunteers: list[Person] = field(default_factory=list)  # who holds it now (for the Message buttons)


async def _home_grid(session: AsyncSession, person: Person) -> Grid | None:
    if person.grid_id is not None:
        return await session.get(Grid, person.grid_id)
    led = await led_grids(session, person)
    return led[0] if len(led) == 1 else None


async def begin_request(core: Core, actor: Actor) -> RequestStart:
    """Where this person's request will go; NoGrid if they have not said where they live."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grid = await _home_grid(s, person)
        if grid is None or grid.id is None:
            raise NoGrid()
        return RequestStart(grid.id, grid.name, await can_lead(s, person, grid.id))


async def local_today(session: AsyncSession, core: Core, grid_id: int) -> date:
    com = await community_of(session, grid_id)
    try:
        tz = ZoneInfo(com.timezone) if com else core.cfg.tz
    except (ValueError, KeyError):
        tz = core.cfg.tz
    return core.clock.now().astimezone(tz).date()


async def check_date(core: Core, grid_id: int, text: str | None) -> str:
    """A typed date as ISO, checked against today in the grid's community time zone."""
    async with core.db.session() as s:
        today = await local_today(s, core, grid_id)
    return rin.parse_date(text, today).isoformat()


def _clean_draft(draft: RequestDraft, today: date, *, address_required: bool) -> RequestDraft:
    when_kind = rin.check_when_kind(draft.when_kind)
    when_date = None
    if when_kind == WhenKind.date.value:
        when_date = rin.parse_date(draft.when_date, today).isoformat()
    address = rin.check_address(draft.address) if (draft.address or address_required) else None
    phone = rin.check_phone(draft.phone) if draft.phone else None
    return RequestDraft(rin.check_category(draft.category), rin.check_summary(draft.summary), when_kind, when_date,
                        address, phone, rin.check_slots(draft.slots))


async def _resolve_grid(s: AsyncSession, person: Person | None, grid_id: int | None,
                        household: Household | None) -> int:
    if household is not None:
        return household.grid_id
    if grid_id is not None:
        if await s.get(Grid, grid_id) is None:
            raise NoGrid()
        return grid_id
    grid = await _home_grid(s, person) if person else None
    if grid is None or grid.id is None:
        raise NoGrid()
    return grid.id


async def _check_may_create(s: AsyncSession, person: Person | None, grid_id: int, source: str,
                            household: Household | None, slots: int) -> None:
    if source not in SOURCES:
        raise InvalidInput()
    leads = person is not None and await can_lead(s, person, grid_id)
    if source == "visit":
        if household is None or person is None:
            raise InvalidInput("request.error.household")
        vol = await approved_volunteer(s, person)
        paired = await s.scalar(select(Pairing.id).where(Pairing.volunteer_id == person.id,
                                                         Pairing.household_id == household.id, Pairing.active == True))  # noqa: E712
        if not (leads or (vol is not None and vol.grid_id == grid_id and paired)):
            raise NotAllowed("request.error.not_paired")
    elif source == "leader" and not leads:
        raise NotAllowed("request.error.leaders_only")
    elif person is not None and person.grid_id != grid_id and not leads:
        raise NotAllowed("request.error.other_grid")
    if slots > 1 and not leads:
        raise NotAllowed("request.error.slots_leaders_only")


async def create_request(core: Core, actor: Actor | None, draft: RequestDraft, *, grid_id: int | None = None,
                         household_id: int | None = None, source: str = "resident") -> HelpRequest:
    """Record a request, give it its code (A-0042), post its card; see the module docstring."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor) if actor else None
        household = await s.get(Household, household_id) if household_id else None
        if household_id and (household is None or household.erased_at is not None):
            raise InvalidInput("request.error.household")
        gid = await _resolve_grid(s, person, grid_id, household)
        await _check_may_create(s, person, gid, source, household, rin.check_slots(draft.slots or 1))
        if household is not None:
            draft = _for_household(draft, household)
        clean = _clean_draft(draft, await local_today(s, core, gid), address_required=household is None)
        if household is not None and not draft.address:
            clean.address = household.address[:255]  # the registered address, as the leader typed it
        now = core.clock.now()
        req = HelpRequest(grid_id=gid, resident_id=None if source == "visit" else (person.id if person else None),
                          household_id=household.id if household else None, source=source, created_by=person.id if person else None,
                          category=clean.category, summary=clean.summary, when_kind=clean.when_kind,
                          when_date=clean.when_date, address=clean.address, phone=clean.phone, slots=clean.slots,
                          status=RequestStatus.open.value, created_at=now)
        s.add(req)
        await s.flush()
        req.code = f"{core.cfg.requests.code_prefix}-{req.id:04d}"
        s.add(req)
        await s.flush()
        await audit.record(s, person.id if person else None, "request.create", "request", req.id, code=req.code,
                           category=req.category, source=source, slots=req.slots, when=req.when_kind)
        await _flag_possible_duplicate(core, s, req)
        await post_card(core, s, req)
        return req


def _for_household(draft: RequestDraft, household: Household) -> RequestDraft:
    """On a household's behalf: a long visit note keeps its beginning; the registered phone is
    used when it reads as one."""
    summary = rin.clean_text(draft.summary)
    summary = summary if len(summary) <= rin.SUMMARY_MAX else summary[:rin.SUMMARY_MAX - 1] + "…"
    phone = draft.phone
    if phone is None and household.phone:
        try:
            phone = rin.check_phone(household.phone)
        except InvalidInput:
            phone = None
    address = draft.address if draft.address and draft.address != household.address else None
    return RequestDraft(**{**draft.__dict__, "summary": summary, "address": address, "phone": phone})


def _norm_address(address: str | None) -> str:
    return re.sub(r"[\s\W_]+", "", (address or "").lower())


async def _flag_possible_duplicate(core: Core, s: AsyncSession, req: HelpRequest) -> None:
    """Same person (or household) or same address, and a similar open request: tell the leaders."""
    since = req.created_at - DUPLICATE_WINDOW
    rows = (await s.exec(select(HelpRequest).where(  # type: ignore[call-overload]
        HelpRequest.grid_id == req.grid_id, HelpRequest.id != req.id, HelpRequest.status.in_(ACTIVE),  # type: ignore[attr-defined]
        HelpRequest.created_at >= since).order_by(HelpRequest.id.desc()).limit(200))).scalars()  # type: ignore[union-attr]
    mine = _norm_address(req.address)
    for other in rows:
        same_person = (req.source == "resident" and other.resident_id == req.resident_id and req.resident_id) or \
            (req.household_id is not None and other.household_id == req.household_id)
        same_address = bool(mine) and _norm_address(other.address) == mine
        similar = other.category == req.category or \
            difflib.SequenceMatcher(None, other.summary, req.summary).ratio() >= 0.5
        if (same_person or same_address) and similar:
            req.suspected_duplicate_of = other.id
            s.add(req)
            await audit.record(s, None, "request.possible_duplicate", "request", req.id, of=other.id)
            why = "request.dup.same_person" if same_person else "request.dup.same_address"
            for leader in await leaders_of(s, req.grid_id):
                await tell(core, s, leader.id, f"dup-flag:{req.id}:{leader.id}", "request.dup.flag",
                           lambda lang, r=req, o=other: _dup_buttons(lang, r, o), code=req.code or "",
                           other=other.code or "", why=lambda lang, k=why: tp(lang, k))
            return


def _dup_buttons(lang: str, req: HelpRequest, other: HelpRequest) -> list[list[Button]]:
    return [[Button(tp(lang, "request.dup.mark_button", other=other.code or ""), data=f"board:dupof:{req.id}:{other.id}")],
            [Button(tp(lang, "request.dup.keep_button"), data=f"board:notdup:{req.id}"),
             Button(tp(lang, "board.open_button", code=req.code or ""), data=f"board:req:{req.id}")]]


async def cancel_request(core: Core, actor: Actor, request_id: int) -> HelpRequest:
    """The resident withdraws their own request while it is still open or taken."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        req = await get_request(s, request_id)
        if req.resident_id != person.id:
            raise NotAllowed("request.error.not_yours")
        require_status(req, RequestStatus.open.value, RequestStatus.filled.value)
        now = core.clock.now()
        await claims.set_status(s, req.id or 0, [RequestStatus.open.value, RequestStatus.filled.value],
                                RequestStatus.cancelled, closed_at=now)
        volunteers = await claims.end_assignments(s, req.id or 0, AssignmentStatus.removed)
        await s.refresh(req)
        for vid in volunteers:
            await tell(core, s, vid, f"cancelled:{req.id}:{vid}", "request.cancelled.to_volunteer", code=req.code or "")
        await end_relays(s, req.id or 0, now)
        await audit.record(s, person.id, "request.cancel", "request", req.id, code=req.code)
        await refresh_cards(core, s, req)
        return req


async def my_requests(core: Core, actor: Actor, limit: int = 10) -> list[RequestView]:
    """The resident's latest requests with who took them and their rating."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        rows = list((await s.exec(select(HelpRequest).where(  # type: ignore[call-overload]
            HelpRequest.resident_id == person.id, HelpRequest.erased_at == None)  # noqa: E711
            .order_by(HelpRequest.id.desc()).limit(limit))).scalars())  # type: ignore[union-attr]
        views = []
        for r in rows:
            views.append(await _view(s, r))
        return views


async def request_of(core: Core, actor: Actor, request_id: int) -> RequestView:
    """One of the resident's own requests."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        req = await get_request(s, request_id)
        if req.resident_id != person.id:
            raise NotAllowed("request.error.not_yours")
        return await _view(s, req)


async def _view(s: AsyncSession, req: HelpRequest) -> RequestView:
    rating = (await s.exec(select(Rating).where(Rating.request_id == req.id))).scalars().first()  # type: ignore[call-overload]
    people = [p for a in await assignments(s, req.id or 0, HOLDING) if (p := await s.get(Person, a.volunteer_id))]
    return RequestView(req, [display_name(p) for p in people], rating, people)

