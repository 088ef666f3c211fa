"""The hours export: totals per volunteer and grid for the period, not a row per record, so one
batch whatever the size of the community (a row per volunteer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from storage.enums import AssignmentStatus, SignupStatus
from storage.models import Assignment, DoorVisit, Event, EventSignup, HelpRequest, Person, PointsEntry

from .export_sheet import ExportScope, Row


async def volunteer_totals(
    core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int
) -> tuple[list[Row], int]:
    """Totals per volunteer and grid for the period: one grouped query per measure."""
    P, grids = PointsEntry, list(sc.grids)
    in_period = [col(P.grid_id).in_(grids), col(P.created_at) >= lo, col(P.created_at) < hi]
    async with core.db.session() as s:
        totals = (
            await s.execute(
                select(
                    col(P.person_id), col(P.grid_id), col(Person.name), func.sum(col(P.points)), func.sum(col(P.hours))
                )
                .join(Person, col(Person.id) == col(P.person_id))
                .where(*in_period)
                .group_by(col(P.person_id), col(P.grid_id), col(Person.name))
                .order_by(func.sum(col(P.points)).desc(), col(P.person_id))
            )
        ).all()
        tasks = dict(
            (
                await s.execute(
                    select(col(Assignment.volunteer_id), func.count())
                    .join(HelpRequest, col(HelpRequest.id) == col(Assignment.request_id))
                    .where(
                        col(HelpRequest.grid_id).in_(grids),
                        col(Assignment.status) == AssignmentStatus.done.value,
                        col(Assignment.done_at) >= lo,
                        col(Assignment.done_at) < hi,
                    )
                    .group_by(col(Assignment.volunteer_id))
                )
            ).all()
        )
        visits = dict(
            (
                await s.execute(
                    select(col(DoorVisit.volunteer_id), func.count())
                    .where(
                        col(DoorVisit.grid_id).in_(grids),
                        col(DoorVisit.created_at) >= lo,
                        col(DoorVisit.created_at) < hi,
                    )
                    .group_by(col(DoorVisit.volunteer_id))
                )
            ).all()
        )
        events = dict(
            (
                await s.execute(
                    select(col(EventSignup.volunteer_id), func.count())
                    .join(Event, col(Event.id) == col(EventSignup.event_id))
                    .where(
                        col(EventSignup.status) == SignupStatus.attended.value,
                        col(Event.starts_at) >= lo,
                        col(Event.starts_at) < hi,
                        (col(Event.grid_id).in_(grids)) | (col(Event.grid_id).is_(None)),
                    )
                    .group_by(col(EventSignup.volunteer_id))
                )
            ).all()
        )
    out = [
        [
            name,
            sc.grids.get(grid_id or 0, ""),
            int(points or 0),
            round(float(hours or 0.0), 2),
            tasks.get(pid, 0),
            visits.get(pid, 0),
            events.get(pid, 0),
        ]
        for pid, grid_id, name, points, hours in totals
    ]
    return out, -1  # one batch: a row per volunteer
