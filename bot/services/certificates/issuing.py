"""Issuing a certificate: the volunteer's confirmed service over a period, read from the points
ledger (红色积分), numbered once and kept.

Only confirmed work counts: the ledger gets a task's line when the resident (or the grid's leader)
confirmed it was done (requests/confirmation.py), an event's when the organiser marked the volunteer
present, emergency duty when the call-up ended; a door visit's when it was logged (the programme's
rule for visits). A task reported done but not confirmed is not in the ledger, so not here.

The same figures for the same period on the same day keep their number: a second press prints the
same certificate instead of a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.periods import local_midnight, zone
from bot.services.kernel.roles import Actor, by_tg, load_me
from storage import audit
from storage.enums import PointsReason, VolunteerStatus
from storage.models import Certificate as Issued
from storage.models import Community, Grid, Person, PointsEntry, VolunteerProfile

from .periods import Choice, check_range, parse_range, period_of

# who may have one: anyone who served (approved, suspended or since left), not an applicant
SERVED = (VolunteerStatus.approved.value, VolunteerStatus.suspended.value, VolunteerStatus.left.value)


@dataclass(frozen=True)
class Certificate:
    number: str
    community: str
    volunteer: str
    grid: str
    start: date
    end: date  # included
    hours: float
    points: int
    tasks: int  # tasks done and confirmed
    events: int  # events attended
    visits: int  # door visits logged
    duties: int  # emergency duties
    issued_on: date
    language: str | None  # the volunteer's


@dataclass(frozen=True)
class _Volunteer:
    person: Person
    grid: str
    community_id: int
    community: str
    timezone: str


_COLUMNS = (
    col(VolunteerProfile.status),
    col(Grid.name),
    col(Community.id),
    col(Community.name),
    col(Community.timezone),
)
# the volunteer, their profile's grid and community: one row (None columns for someone without a profile)
_ME = (
    by_tg(*_COLUMNS)
    .outerjoin(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
    .outerjoin(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
    .outerjoin(Community, col(Community.id) == col(Grid.community_id))
)
# the same for a volunteer the office names, in a grid the viewer sees
_BY_ID = (
    select(Person, *_COLUMNS)
    .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
    .join(Grid, col(Grid.id) == col(VolunteerProfile.grid_id))
    .join(Community, col(Community.id) == col(Grid.community_id))
    .where(col(Person.id) == bindparam("pid"), col(Grid.id).in_(bindparam("gids", expanding=True)))
)


def _count(reason: PointsReason) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((col(PointsEntry.reason) == reason.value, 1), else_=0)), 0)


_FIGURES = select(
    func.coalesce(func.sum(col(PointsEntry.points)), 0),
    func.coalesce(func.sum(col(PointsEntry.hours)), 0.0),
    _count(PointsReason.task),
    _count(PointsReason.event),
    _count(PointsReason.visit),
    _count(PointsReason.emergency),
).where(
    col(PointsEntry.person_id) == bindparam("pid"),
    or_(col(PointsEntry.community_id) == bindparam("cid"), col(PointsEntry.community_id) == None),  # noqa: E711
    col(PointsEntry.created_at) >= bindparam("since"),
    col(PointsEntry.created_at) < bindparam("until"),
)


async def my_certificate(core: Core, actor: Actor, choice: Choice | None, typed: str | None = None) -> Certificate:
    """The volunteer's own certificate for a period chosen (`choice`) or typed (two dates)."""
    async with core.db.session() as s:
        row = await load_me(s, actor, _ME)
        vol = _volunteer(row[0], row[1:])
        if vol is None:
            raise NotAllowed("certificate.error.not_volunteer")
        today = _today(core, vol)
        start, end = period_of(choice, today) if choice is not None else parse_range(typed, today)
        return await _issue(core, s, vol, start, end, today, issued_by=vol.person.id)


async def certificate_for_viewer(
    core: Core, viewer_id: int, grid_ids: Sequence[int], person_id: int, start: date, end: date
) -> Certificate:
    """The office's copy (the dashboard): a volunteer of a grid the viewer sees, in the volunteer's language."""
    async with core.db.session() as s:
        row = (await s.execute(_BY_ID, {"pid": person_id, "gids": list(grid_ids) or [-1]})).first()
        vol = _volunteer(row[0], row[1:]) if row is not None else None
        if vol is None:
            raise NotFound("certificate.error.not_found")
        today = _today(core, vol)
        start, end = check_range(start, end, today)
        return await _issue(core, s, vol, start, end, today, issued_by=viewer_id)


def _volunteer(person: Person, profile: Sequence[object]) -> _Volunteer | None:
    status, grid, community_id, community, tz = profile
    if status not in SERVED or community_id is None:
        return None
    return _Volunteer(person, str(grid or ""), int(str(community_id)), str(community or ""), str(tz or ""))


def _today(core: Core, vol: _Volunteer) -> date:
    return core.clock.now().astimezone(zone(vol.timezone)).date()


async def _issue(
    core: Core, s: AsyncSession, vol: _Volunteer, start: date, end: date, today: date, *, issued_by: int | None
) -> Certificate:
    tz = zone(vol.timezone)
    pid = vol.person.id or 0
    params = dict(
        pid=pid, cid=vol.community_id, since=local_midnight(start, tz), until=local_midnight(end + timedelta(1), tz)
    )
    points, hours, tasks, events, visits, duties = (await s.execute(_FIGURES, params)).one()
    hours = round(float(hours), 2)
    same = and_(
        col(Issued.person_id) == pid,
        col(Issued.community_id) == vol.community_id,
        col(Issued.period_start) == start.isoformat(),
        col(Issued.period_end) == end.isoformat(),
        col(Issued.issued_on) == today.isoformat(),
        col(Issued.points) == int(points),
        col(Issued.tasks) == int(tasks),
    )
    number = next(
        (
            n
            for n, h in (await s.execute(select(col(Issued.number), col(Issued.hours)).where(same))).all()
            if h == hours
        ),
        None,
    )
    if number is None:
        issued = Issued(
            person_id=pid,
            community_id=vol.community_id,
            period_start=start.isoformat(),
            period_end=end.isoformat(),
            hours=hours,
            points=int(points),
            tasks=int(tasks),
            issued_on=today.isoformat(),
            issued_by=issued_by,
            created_at=core.clock.now(),
        )
        s.add(issued)
        await s.flush()
        number = f"{today.year}-{vol.community_id:03d}-{issued.id:06d}"
        await s.execute(update(Issued).where(col(Issued.id) == issued.id).values(number=number))
        await audit.record(s, issued_by, "certificate.issue", "person", pid, number=number)
    return Certificate(
        number=str(number),
        community=vol.community,
        volunteer=vol.person.name or "",
        grid=vol.grid,
        start=start,
        end=end,
        hours=hours,
        points=int(points),
        tasks=int(tasks),
        events=int(events),
        visits=int(visits),
        duties=int(duties),
        issued_on=today,
        language=vol.person.language,
    )
