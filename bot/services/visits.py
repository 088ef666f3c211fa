"""Friday door visits (周五入户): a volunteer's paired households and logging what they found.

One visit per household, volunteer and ISO week (in the community's time zone). A second log in
the same week changes nothing and raises `AlreadyLogged` (no amendments: the first record stands,
its points, its red-flag alert and its request were already issued; later findings go into next
week's visit or straight into /request).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import and_, exists, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import t, tp
from storage import audit
from storage.enums import Category, PointsReason, RedFlag, VisitOutcome, WhenKind
from storage.models import DoorVisit, Household, Pairing, Person
from storage.points import award
from storage.upsert import insert_ignore

from . import requests as request_service
from .core import Core
from .errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from .life_common import clean_text, grid_with_community, iso_week
from .notifier import Button, OutMessage
from .people import Actor, admins_of, approved_volunteer, can_lead, ensure_person, leaders_of

NOTE_MAX = 1000
OUTCOME_KEYS = {VisitOutcome.met: "visit.outcome.met", VisitOutcome.not_home: "visit.outcome.not_home",
                VisitOutcome.needs_help: "visit.outcome.needs_help"}
FLAG_KEYS = {RedFlag.fall: "visit.flag.fall", RedFlag.no_food: "visit.flag.no_food",
             RedFlag.no_heating: "visit.flag.no_heating", RedFlag.safety: "visit.flag.safety"}


class AlreadyLogged(Conflict):
    key = "visit.error.already_logged"


@dataclass
class PairedHousehold:
    household: Household
    visit: DoorVisit | None  # this week's visit by this volunteer, if logged


@dataclass
class MyHouseholds:
    week: str
    items: list[PairedHousehold] = field(default_factory=list)


@dataclass
class VisitLogged:
    visit: DoorVisit
    points: int  # points awarded for it (0 when the award already existed)
    alerted: int  # leaders (or admins) told about red flags
    request_code: str | None = None
    request_error: str | None = None  # catalog key when the request could not be created
    request_error_params: dict = field(default_factory=dict)


def check_note(text: str | None, required: bool = False) -> str:
    """A visit note as it will be stored (InvalidInput says what is wrong; the text is never echoed)."""
    return clean_text(text, max_len=NOTE_MAX, key="visit.error.bad_note", required=required)


def parse_flags(flags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for f in flags:
        if f not in RedFlag.__members__:
            raise InvalidInput("visit.error.bad_flag")
        if f not in out:
            out.append(f)
    return out


async def _paired(session: AsyncSession, person_id: int, household_id: int) -> bool:
    return await session.scalar(select(Pairing.id).where(
        Pairing.volunteer_id == person_id, Pairing.household_id == household_id, Pairing.active == True)) is not None  # noqa: E712


async def _live_household(session: AsyncSession, household_id: int) -> Household:
    hh = await session.get(Household, household_id)
    if hh is None or hh.erased_at is not None:
        raise NotFound("visit.error.no_household")
    return hh


async def my_households(core: Core, actor: Actor) -> MyHouseholds:
    """The households paired with this volunteer, each with this week's visit (if logged)."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        rows = list((await s.exec(select(Household).join(Pairing, Pairing.household_id == Household.id).where(  # type: ignore[call-overload]
            Pairing.volunteer_id == person.id, Pairing.active == True, Household.erased_at.is_(None))  # type: ignore[union-attr]  # noqa: E712
            .order_by(Household.id))).scalars())
        week = ""
        if rows:
            _, community = await grid_with_community(s, rows[0].grid_id)
            week = iso_week(core.clock.now(), community.timezone)
        elif person.grid_id:
            _, community = await grid_with_community(s, person.grid_id)
            week = iso_week(core.clock.now(), community.timezone)
        visits = {v.household_id: v for v in (await s.exec(select(DoorVisit).where(  # type: ignore[call-overload]
            DoorVisit.volunteer_id == person.id, DoorVisit.week == week))).scalars()} if rows else {}
        return MyHouseholds(week, [PairedHousehold(h, visits.get(h.id)) for h in rows])


async def household_details(core: Core, actor: Actor, household_id: int) -> Household:
    """A household's private details, for its paired volunteer or the grid's leader."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await _live_household(s, household_id)
        if not (await _paired(s, person.id, hh.id) or await can_lead(s, person, hh.grid_id)):
            raise NotAllowed("visit.error.not_paired")
        return hh


async def check_can_log(core: Core, actor: Actor, household_id: int) -> str:
    """Before the buttons are drawn: may this volunteer log this household now? Returns the week."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await _live_household(s, household_id)
        if not await _paired(s, person.id, hh.id):
            raise NotAllowed("visit.error.not_paired")
        if await approved_volunteer(s, person) is None:
            raise NotAllowed("visit.error.not_volunteer")
        _, community = await grid_with_community(s, hh.grid_id)
        week = iso_week(core.clock.now(), community.timezone)
        done = await s.scalar(select(DoorVisit.id).where(DoorVisit.household_id == hh.id,
                                                         DoorVisit.volunteer_id == person.id, DoorVisit.week == week))
        if done is not None:
            raise AlreadyLogged(week=week)
        return week


async def log_door_visit(core: Core, actor: Actor, household_id: int, outcome: str, note: str = "",
                         red_flags: Iterable[str] = (), make_request: str | None = None) -> DoorVisit:
    """Log this week's visit. `make_request` is a request Category: the note becomes its summary."""
    return (await record_visit(core, actor, household_id, outcome, note, red_flags, make_request)).visit


async def record_visit(core: Core, actor: Actor, household_id: int, outcome: str, note: str = "",
                       red_flags: Iterable[str] = (), make_request: str | None = None) -> VisitLogged:
    if outcome not in VisitOutcome.__members__:
        raise InvalidInput("visit.error.bad_outcome")
    flags = parse_flags(red_flags)
    note = check_note(note)
    if outcome != VisitOutcome.needs_help and (flags or make_request):
        raise InvalidInput("visit.error.flags_need_help")
    if make_request is not None:
        if make_request not in Category.__members__:
            raise InvalidInput("visit.error.bad_category")
        if not note:
            raise InvalidInput("visit.error.request_needs_note")
    now = core.clock.now()
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await _live_household(s, household_id)
        if not await _paired(s, person.id, hh.id):
            raise NotAllowed("visit.error.not_paired")
        if await approved_volunteer(s, person) is None:
            raise NotAllowed("visit.error.not_volunteer")
        grid, community = await grid_with_community(s, hh.grid_id)
        week = iso_week(now, community.timezone)
        if not await insert_ignore(s, DoorVisit, dict(
                household_id=hh.id, volunteer_id=person.id, grid_id=grid.id, week=week, outcome=outcome,
                note=note, red_flags=",".join(flags), created_at=now), ["household_id", "volunteer_id", "week"]):
            raise AlreadyLogged(week=week)
        visit = (await s.exec(select(DoorVisit).where(DoorVisit.household_id == hh.id,  # type: ignore[call-overload]
                 DoorVisit.volunteer_id == person.id, DoorVisit.week == week))).scalars().one()
        pts = core.cfg.points.visit_logged
        awarded = await award(s, ref=f"visit:{hh.id}:{person.id}:{week}", person_id=person.id,
                              reason=PointsReason.visit, points=pts, grid_id=grid.id, community_id=community.id, now=now)
        await audit.record(s, person.id, "visit.logged", "household", hh.id, week=week, outcome=outcome,
                           red_flags=flags, wants_request=make_request is not None)
        alerted = await _alert_red_flags(core, s, visit, hh, person, community.id) if flags else 0
    result = VisitLogged(visit, pts if awarded else 0, alerted)
    if make_request is not None:
        await _turn_into_request(core, actor, result, hh, make_request, urgent=bool(flags))
    return result


async def _alert_red_flags(core: Core, s: AsyncSession, visit: DoorVisit, hh: Household, volunteer: Person,
                           community_id: int) -> int:
    """Red flags go to the grid's leaders (or the community's admins) privately, with sound."""
    people = await leaders_of(s, hh.grid_id) or await admins_of(s, community_id)
    sent = 0
    for leader in people:
        if leader.tg_user_id is None:
            continue
        lang = core.lang(leader.language)
        flags = "、".join(tp(lang, FLAG_KEYS[RedFlag(f)]) for f in visit.red_flags.split(",") if f)
        text = t(lang, "visit.alert.red_flags", flags=flags, volunteer=volunteer.name or "—",
                 address=hh.address, members=hh.members or "—", note=visit.note or "—")
        msg = OutMessage(chat_id=leader.tg_user_id, text=text, silent=False,
                         buttons=[[Button(tp(lang, "visit.button.ledger"), data=f"visit:ledger:{hh.id}")]])
        sent += await core.notifier.send(s, f"visit-flag:{visit.id}:{leader.id}", msg, urgent=True)
    return sent


async def _turn_into_request(core: Core, actor: Actor, result: VisitLogged, hh: Household,
                             category: str, *, urgent: bool) -> None:
    """The need goes into the request loop on the household's behalf (source "visit")."""
    draft = request_service.RequestDraft(
        category=category, summary=result.visit.note,
        when_kind=(WhenKind.urgent if urgent else WhenKind.this_week).value,
        address=hh.address, phone=hh.phone, slots=1)
    try:
        req = await request_service.create_request(core, actor, draft, grid_id=hh.grid_id,
                                                   household_id=hh.id, source="visit")
    except DomainError as e:
        result.request_error, result.request_error_params = e.key, e.params
        return
    async with core.db.session() as s:
        await s.exec(update(DoorVisit).where(DoorVisit.id == result.visit.id).values(request_id=req.id))  # type: ignore[call-overload]
    result.visit.request_id = req.id
    result.request_code = req.code or f"#{req.id}"


async def unlogged_visits(core: Core, volunteer_person_id: int, week: str) -> list[Household]:
    """The volunteer's paired households with no visit logged by them in `week`."""
    logged = exists().where(and_(DoorVisit.household_id == Household.id,
                                 DoorVisit.volunteer_id == volunteer_person_id, DoorVisit.week == week))
    stmt = (select(Household).join(Pairing, Pairing.household_id == Household.id)
            .where(Pairing.volunteer_id == volunteer_person_id, Pairing.active == True,  # noqa: E712
                   Household.erased_at.is_(None), ~logged)  # type: ignore[union-attr]
            .order_by(Household.id))
    async with core.db.session() as s:
        return list((await s.exec(stmt)).scalars())  # type: ignore[call-overload]
