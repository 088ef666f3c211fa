"""The volunteers export: a row a volunteer of the grids (every status, the approved first), with
what the period held for them: points and hours from the ledger, tasks done, door visits, events
attended, and their last activity up to the period's end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.enums import AssignmentStatus, SignupStatus, VolunteerStatus
from storage.models import Assignment, DoorVisit, Event, EventSignup, Person, PointsEntry, Unit, VolunteerProfile

from .export_sheet import ExportScope, Row, Several, Term, local

_STATUS_ORDER = [s.value for s in VolunteerStatus]
_FIRST = [VolunteerStatus.approved.value, VolunteerStatus.pending.value]


def _status_rank(status: str) -> int:
    return _FIRST.index(status) if status in _FIRST else 2 + _STATUS_ORDER.index(status)


def volunteers_where(sc: ExportScope) -> list[ColumnElement[bool]]:
    return [col(VolunteerProfile.grid_id).in_(list(sc.grids)), col(Person.forgotten_at).is_(None)]


async def count_volunteers(core: Core, sc: ExportScope) -> int:
    stmt = (
        select(func.count())
        .select_from(VolunteerProfile)
        .join(Person, col(Person.id) == col(VolunteerProfile.person_id))
        .where(*volunteers_where(sc))
    )
    async with core.db.session() as s:
        return int(await s.scalar(stmt) or 0)


async def volunteer_rows(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    """One batch (a row a volunteer: a community's volunteers fit in memory), one grouped query a
    measure over the volunteers of the grids."""
    V, P = VolunteerProfile, PointsEntry
    people = select(col(V.person_id)).where(col(V.grid_id).in_(list(sc.grids)))
    async with core.db.session() as s:
        found = (
            await s.execute(
                select(V, Person).join(Person, col(Person.id) == col(V.person_id)).where(*volunteers_where(sc))
            )
        ).all()

        points = {
            pid: (int(pts or 0), float(hours or 0.0))
            for pid, pts, hours in (
                await s.execute(
                    select(col(P.person_id), func.sum(col(P.points)), func.sum(col(P.hours)))
                    .where(col(P.person_id).in_(people), col(P.created_at) >= lo, col(P.created_at) < hi)
                    .group_by(col(P.person_id))
                )
            ).all()
        }
        A, D, ES = Assignment, DoorVisit, EventSignup
        tasks = dict(
            (
                await s.execute(
                    select(col(A.volunteer_id), func.count())
                    .where(
                        col(A.volunteer_id).in_(people),
                        col(A.status) == AssignmentStatus.done.value,
                        col(A.done_at) >= lo,
                        col(A.done_at) < hi,
                    )
                    .group_by(col(A.volunteer_id))
                )
            ).all()
        )
        visits = dict(
            (
                await s.execute(
                    select(col(D.volunteer_id), func.count())
                    .where(col(D.volunteer_id).in_(people), col(D.created_at) >= lo, col(D.created_at) < hi)
                    .group_by(col(D.volunteer_id))
                )
            ).all()
        )
        events = dict(
            (
                await s.execute(
                    select(col(ES.volunteer_id), func.count())
                    .join(Event, col(Event.id) == col(ES.event_id))
                    .where(
                        col(ES.volunteer_id).in_(people),
                        col(ES.status) == SignupStatus.attended.value,
                        col(Event.starts_at) >= lo,
                        col(Event.starts_at) < hi,
                    )
                    .group_by(col(ES.volunteer_id))
                )
            ).all()
        )
        units = dict((await s.execute(select(col(Unit.id), col(Unit.name)))).all())
        last: dict[int, datetime] = {}
        attended = select(col(ES.volunteer_id), func.max(col(Event.starts_at))).join(
            Event, col(Event.id) == col(ES.event_id)
        )
        for stmt in (
            _latest(col(P.person_id), col(P.created_at), people, hi),
            _latest(col(A.volunteer_id), func.coalesce(col(A.done_at), col(A.created_at)), people, hi),
            _latest(col(D.volunteer_id), col(D.created_at), people, hi),
            attended.where(
                col(ES.volunteer_id).in_(people),
                col(ES.status) == SignupStatus.attended.value,
                col(Event.starts_at) < hi,
            ).group_by(col(ES.volunteer_id)),
        ):
            for pid, when in (await s.execute(stmt)).all():
                shown = local(when, sc.timezone)
                if shown is not None and (pid not in last or shown > last[pid]):
                    last[pid] = shown
    found = sorted(found, key=lambda r: (r[0].grid_id, _status_rank(r[0].status), r[1].name, r[0].id))
    out = []
    for prof, person in found:
        pid = prof.person_id
        pts, hours = points.get(pid, (0, 0.0))
        joined = local(prof.created_at, sc.timezone)
        row: Row = [
            person.name,
            sc.grids[prof.grid_id],
            Term("volunteer_status", prof.status),
            Term("work_group", prof.work_group),
            prof.party_member,
            Several(tuple(Term("skill", x) for x in prof.skills.split(",") if x)),
            prof.shock_team,
            joined.date() if joined else None,
            pts,
            round(hours, 2),
            tasks.get(pid, 0),
            visits.get(pid, 0),
            events.get(pid, 0),
            last.get(pid),
            units.get(prof.unit_id or 0, ""),  # their work unit (包联单位)
        ]
        if sc.contacts:
            row.append(person.phone or "")
        out.append(row)
    return out, -1


def _latest(who: Any, at: Any, people: Any, hi: datetime) -> Select[tuple[int, datetime]]:
    """Each person's latest `at` before `hi`."""
    return select(who, func.max(at)).where(who.in_(people), at < hi).group_by(who)
