"""The dashboard's community-life pages: events with their sign-ups, and emergency status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import overload

from sqlalchemy import or_, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.kernel.life_common import zone
from bot.services.office.dashboard import Scope
from storage.enums import DutyAnswer, SignupStatus, VolunteerStatus
from storage.models import DutyResponse, Emergency, Event, EventSignup, Person, VolunteerProfile

PAST_DAYS = 30
MAX_EVENTS = 100


@overload
def _local(when: datetime, tz: str) -> datetime: ...
@overload
def _local(when: datetime | None, tz: str) -> datetime | None: ...
def _local(when: datetime | None, tz: str) -> datetime | None:
    if when is None:
        return None
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(zone(tz))


@dataclass
class EventRow:
    id: int
    title: str
    kind: str
    place: str
    grid: str | None  # None: the whole community
    starts_at: datetime
    slots: int
    cancelled: bool
    signed: list[str] = field(default_factory=list)
    attended: list[str] = field(default_factory=list)
    no_show: list[str] = field(default_factory=list)


def _visible(scope: Scope, grid_id: int | None, community_id: int, grids: list[int]) -> bool:
    """Community-wide things show on the community's pages; grid things on their grid's."""
    if grid_id is not None:
        return grid_id in grids
    return any(g.community_id == community_id for g in scope.grids if g.id in grids)


async def event_rows(core: Core, scope: Scope, grid_id: int | None = None) -> list[EventRow]:
    """Events from the last 30 days and every upcoming one, soonest upcoming first."""
    grids = scope.pick(grid_id)
    communities = {g.community_id for g in scope.grids if g.id in grids}
    since = core.clock.now() - timedelta(days=PAST_DAYS)
    async with core.db.session() as s:
        events = [
            e
            for e in (
                await s.execute(
                    select(Event)
                    .where(
                        col(Event.community_id).in_(communities),
                        col(Event.starts_at) >= since,
                        or_(col(Event.grid_id).is_(None), col(Event.grid_id).in_(grids)),
                    )
                    .order_by(col(Event.starts_at).desc())
                    .limit(MAX_EVENTS)
                )
            )
            .scalars()
            .all()
            if _visible(scope, e.grid_id, e.community_id, grids)
        ]
        rows = {
            stored_id(e.id): EventRow(
                stored_id(e.id),
                e.title,
                e.kind,
                e.place,
                scope.grid(e.grid_id).name if e.grid_id else None,
                _local(e.starts_at, scope.timezone),
                e.slots,
                e.cancelled,
            )
            for e in events
        }
        if rows:
            signups = (
                await s.execute(
                    select(col(EventSignup.event_id), col(EventSignup.status), col(Person.name))
                    .join(Person, col(Person.id) == col(EventSignup.volunteer_id))
                    .where(col(EventSignup.event_id).in_(list(rows)))
                    .order_by(col(EventSignup.id))
                )
            ).all()
            for event_id, status, name in signups:
                row = rows[event_id]
                if status == SignupStatus.signed.value:
                    row.signed.append(name)
                elif status == SignupStatus.attended.value:
                    row.attended.append(name)
                elif status == SignupStatus.no_show.value:
                    row.no_show.append(name)
    return list(rows.values())


@dataclass
class EmergencyRow:
    id: int
    reason: str
    grid: str | None  # None: the whole community
    community: str
    started_at: datetime
    ended_at: datetime | None
    target: int
    on_duty: list[str] = field(default_factory=list)
    cant: list[str] = field(default_factory=list)
    shock_team: int = 0

    @property
    def active(self) -> bool:
        return self.ended_at is None


async def emergency_rows(core: Core, scope: Scope, grid_id: int | None = None) -> list[EmergencyRow]:
    """Active emergencies, then those ended in the last 30 days, with who answered the call-up."""
    grids = scope.pick(grid_id)
    communities = {g.community_id: g.community_name for g in scope.grids if g.id in grids}
    since = core.clock.now() - timedelta(days=PAST_DAYS)
    async with core.db.session() as s:
        ems = [
            e
            for e in (
                await s.execute(
                    select(Emergency)
                    .where(
                        col(Emergency.community_id).in_(list(communities)),
                        or_(col(Emergency.ended_at).is_(None), col(Emergency.ended_at) >= since),
                    )
                    .order_by(col(Emergency.started_at).desc())
                    .limit(MAX_EVENTS)
                )
            )
            .scalars()
            .all()
            if _visible(scope, e.grid_id, e.community_id, grids)
        ]
        out = []
        for em in ems:
            row = EmergencyRow(
                stored_id(em.id),
                em.reason,
                scope.grid(em.grid_id).name if em.grid_id else None,
                communities[em.community_id],
                _local(em.started_at, scope.timezone),
                _local(em.ended_at, scope.timezone),
                em.target,
            )
            answers = (
                await s.execute(
                    select(col(DutyResponse.answer), col(Person.name))
                    .join(Person, col(Person.id) == col(DutyResponse.volunteer_id))
                    .where(col(DutyResponse.emergency_id) == em.id)
                    .order_by(col(DutyResponse.answered_at))
                )
            ).all()
            row.on_duty = [n for a, n in answers if a == DutyAnswer.on_duty.value]
            row.cant = [n for a, n in answers if a == DutyAnswer.cant.value]
            team = select(col(VolunteerProfile.id)).where(
                col(VolunteerProfile.shock_team) == True,  # noqa: E712
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
            )
            team = (
                team.where(col(VolunteerProfile.grid_id) == em.grid_id)
                if em.grid_id
                else team.where(
                    col(VolunteerProfile.grid_id).in_([g.id for g in scope.grids if g.community_id == em.community_id])
                )
            )
            row.shock_team = len((await s.execute(team)).all())
            out.append(row)
    out.sort(key=lambda r: (not r.active, -r.started_at.timestamp()))
    return out
