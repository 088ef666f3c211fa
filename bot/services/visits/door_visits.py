"""Friday door visits (周五入户): logging what a volunteer found at a paired household.

One visit per household, volunteer and ISO week (in the community's time zone). A second log in
the same week changes nothing and raises `AlreadyLogged` (no amendments: the first record stands,
its points, its red-flag alert and its request were already issued; later findings go into next
week's visit or straight into /request).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services import meetings
from bot.services import requests as request_service
from bot.services.kernel.core import Core
from bot.services.kernel.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import clean_text, iso_week, weeks_around
from bot.services.kernel.roles import Actor, admins_of, by_tg, heads_building, leaders_of, load_me
from bot.services.points import Award, Part, PartKind, grant
from storage import audit
from storage.detached import DetachedBundle
from storage.enums import Category, PointsReason, RedFlag, VisitOutcome, VolunteerStatus, WhenKind
from storage.models import Community, DoorVisit, Grid, Household, Pairing, Person, VolunteerProfile
from storage.upsert import per_dialect

from .notices import RedFlagAlert

NOTE_MAX = 1000


class AlreadyLogged(Conflict):
    key = "visit.error.already_logged"


@dataclass
class VisitLogged:
    visit: DoorVisit
    award: Award | None  # the points it earned (None when the award already existed)
    alerted: int  # leaders (or admins) told about red flags
    request_code: str | None = None
    request_error: str | None = None  # catalog key when the request could not be created
    request_error_params: dict[str, Any] = field(default_factory=dict)


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


def _logged_in(week: str) -> Any:
    return exists().where(
        col(DoorVisit.household_id) == col(Household.id),
        col(DoorVisit.volunteer_id) == col(Person.id),
        col(DoorVisit.week) == bindparam(week),
    )


# logging a visit: the person, the household, the pairing (or their heading its building), their volunteer status, the household's
# community and whether they logged it already in the weeks it may be this week
_LOG = (
    by_tg(
        DetachedBundle(Household, "household"),
        or_(
            exists().where(
                col(Pairing.volunteer_id) == col(Person.id),
                col(Pairing.household_id) == col(Household.id),
                col(Pairing.active) == True,  # noqa: E712
            ),
            heads_building(col(Household.building_id)),  # a building head visits their building's households
        ),
        col(VolunteerProfile.status),
        col(Community.id),
        col(Community.timezone),
        _logged_in("w1"),
        _logged_in("w2"),
    )
    .outerjoin(Household, col(Household.id) == bindparam("hh"))
    .outerjoin(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
    .outerjoin(Grid, col(Grid.id) == col(Household.grid_id))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
)
_DONE_IN = select(col(DoorVisit.id)).where(
    col(DoorVisit.household_id) == bindparam("hh"),
    col(DoorVisit.volunteer_id) == bindparam("pid"),
    col(DoorVisit.week) == bindparam("week"),
)


async def _may_log(
    s: AsyncSession, actor: Actor, household_id: int, now: datetime
) -> tuple[Person, Household, int, str, bool]:
    """(person, household, community id, this week, logged already) or the reason they may not log it."""
    w1, w2 = weeks_around(now)
    person, hh, paired, status, com_id, tz, in_w1, in_w2 = await load_me(s, actor, _LOG, hh=household_id, w1=w1, w2=w2)
    if hh is None or hh.erased_at is not None:
        raise NotFound("visit.error.no_household")
    if not paired:
        raise NotAllowed("visit.error.not_paired")
    if status != VolunteerStatus.approved.value:
        raise NotAllowed("visit.error.not_volunteer")
    if com_id is None:
        raise NotFound()
    week = iso_week(now, tz)
    if week in (w1, w2):
        done = bool(in_w1 if week == w1 else in_w2)
    else:  # cannot happen (see weeks_around)
        done = (
            await (await s.connection()).execute(_DONE_IN, {"hh": hh.id, "pid": person.id, "week": week})
        ).first() is not None
    return person, hh, com_id, week, done


async def check_can_log(core: Core, actor: Actor, household_id: int) -> str:
    """Before the buttons are drawn: may this volunteer log this household now? Returns the week.
    It only reads (one statement): no transaction around it (Database.reading)."""
    async with core.db.reading() as s:
        _, _, _, week, done = await _may_log(s, actor, household_id, core.clock.now())
        if done:
            raise AlreadyLogged(week=week)
        return week


async def log_door_visit(
    core: Core,
    actor: Actor,
    household_id: int,
    outcome: str,
    note: str = "",
    red_flags: Iterable[str] = (),
    make_request: str | None = None,
) -> DoorVisit:
    """Log this week's visit. `make_request` is a request Category: the note becomes its summary."""
    return (await record_visit(core, actor, household_id, outcome, note, red_flags, make_request)).visit


_DV = cast(Table, inspect(DoorVisit).local_table)
_INSERT_VISIT = per_dialect(
    lambda insert: (
        insert(_DV).on_conflict_do_nothing(index_elements=["household_id", "volunteer_id", "week"]).returning(_DV.c.id)
    )
)


async def record_visit(
    core: Core,
    actor: Actor,
    household_id: int,
    outcome: str,
    note: str = "",
    red_flags: Iterable[str] = (),
    make_request: str | None = None,
) -> VisitLogged:
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
        person, hh, community_id, week, done = await _may_log(s, actor, household_id, now)
        values: dict[str, Any] = dict(
            household_id=hh.id,
            volunteer_id=person.id,
            grid_id=hh.grid_id,
            week=week,
            outcome=outcome,
            note=note,
            red_flags=",".join(flags),
            created_at=now,
        )
        conn = await s.connection()
        row = None if done else (await conn.execute(_INSERT_VISIT[conn.dialect.name], values)).first()
        if row is None:
            raise AlreadyLogged(week=week)
        visit = DoorVisit(id=row[0], request_id=None, **values)
        pts = core.cfg.points.visit_logged
        awarded = await grant(
            s,
            ref=f"visit:{hh.id}:{person.id}:{week}",
            person_id=stored_id(person.id),
            reason=PointsReason.visit,
            parts=(Part(PartKind.visit, pts),),
            grid_id=hh.grid_id,
            community_id=community_id,
            now=now,
        )
        await audit.record(
            s,
            person.id,
            "visit.logged",
            "household",
            hh.id,
            week=week,
            outcome=outcome,
            red_flags=flags,
            wants_request=make_request is not None,
        )
        alerted = await _alert_red_flags(core, s, visit, hh, person, community_id) if flags else 0
        if outcome == VisitOutcome.needs_help:  # a problem: it goes on the grid's meeting list (民情速办)
            await meetings.open_item(s, visit_id=row[0], household_id=stored_id(hh.id), grid_id=hh.grid_id, now=now)
    result = VisitLogged(visit, awarded, alerted)
    if make_request is not None:
        await _turn_into_request(core, actor, result, hh, make_request, urgent=bool(flags))
    return result


async def _alert_red_flags(
    core: Core, s: AsyncSession, visit: DoorVisit, hh: Household, volunteer: Person, community_id: int
) -> int:
    """Red flags go to the grid's leaders (or the community's admins) privately, with sound."""
    people = await leaders_of(s, hh.grid_id) or await admins_of(s, community_id)
    sent = 0
    flags = tuple(f for f in visit.red_flags.split(",") if f)
    for leader in people:
        if leader.tg_user_id is None:
            continue
        alert = RedFlagAlert(
            chat_id=leader.tg_user_id,
            language=leader.language,
            household_id=stored_id(hh.id),
            flags=flags,
            volunteer=volunteer.name,
            address=hh.address,
            members=hh.members,
            note=visit.note,
        )
        sent += await core.notifier.send(s, f"visit-flag:{visit.id}:{leader.id}", alert, urgent=True)
    return sent


async def _turn_into_request(
    core: Core, actor: Actor, result: VisitLogged, hh: Household, category: str, *, urgent: bool
) -> None:
    """The need goes into the request loop on the household's behalf (source "visit")."""
    draft = request_service.RequestDraft(
        category=category,
        summary=result.visit.note,
        when_kind=(WhenKind.urgent if urgent else WhenKind.this_week).value,
        address=hh.address,
        phone=hh.phone,
        slots=1,
    )
    try:
        req = await request_service.create_request(
            core, actor, draft, grid_id=hh.grid_id, household_id=hh.id, source="visit"
        )
    except DomainError as e:
        result.request_error, result.request_error_params = e.key, e.params
        return
    async with core.db.session() as s:
        await s.execute(update(DoorVisit).where(col(DoorVisit.id) == result.visit.id).values(request_id=req.id))
    result.visit.request_id = req.id
    result.request_code = req.code or f"#{req.id}"
