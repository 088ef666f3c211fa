"""The rows of each export, fetched in batches (keyset paging on the id, so memory stays flat
and a large community's year does not sit in one result set). What a row holds: export_sheet.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.ids import stored_id
from bot.services.units import unit_figures
from storage.enums import AssignmentStatus
from storage.models import Assignment, Building, DoorVisit, HelpRequest, Household, Person, PointsEntry, Rating

from .export_care import care_plan_rows
from .export_events import count_events, event_rows
from .export_households import count_households, household_rows
from .export_sheet import BATCH, ExportScope, Row, Several, Term, local
from .export_totals import volunteer_totals
from .export_volunteers import count_volunteers, volunteer_rows


async def count_rows(core: Core, kind: str, sc: ExportScope, lo: datetime, hi: datetime) -> int:
    if kind == "volunteers":
        return await count_volunteers(core, sc)
    if kind == "households":
        return await count_households(core, sc)
    if kind == "events":
        return await count_events(core, sc, lo, hi)
    if kind == "units":
        return len(await unit_figures(core, list(sc.grids), lo, hi))
    if kind == "care":
        return len((await care_plan_rows(core, sc, lo, hi, 0))[0])
    grids = list(sc.grids)
    stmt = {
        "requests": select(func.count())
        .select_from(HelpRequest)
        .where(
            col(HelpRequest.grid_id).in_(grids),
            col(HelpRequest.created_at) >= lo,
            col(HelpRequest.created_at) < hi,
            col(HelpRequest.erased_at).is_(None),
        ),
        "visits": select(func.count())
        .select_from(DoorVisit)
        .where(col(DoorVisit.grid_id).in_(grids), col(DoorVisit.created_at) >= lo, col(DoorVisit.created_at) < hi),
        "points": select(func.count())
        .select_from(PointsEntry)
        .where(
            col(PointsEntry.grid_id).in_(grids), col(PointsEntry.created_at) >= lo, col(PointsEntry.created_at) < hi
        ),
        "hours": select(func.count(func.distinct(col(PointsEntry.person_id)))).where(
            col(PointsEntry.grid_id).in_(grids), col(PointsEntry.created_at) >= lo, col(PointsEntry.created_at) < hi
        ),
    }[kind]
    async with core.db.session() as s:
        return int(await s.scalar(stmt) or 0)


async def batches(core: Core, kind: str, sc: ExportScope, lo: datetime, hi: datetime) -> AsyncIterator[list[Row]]:
    fetch = {
        "requests": _requests,
        "visits": _visits,
        "points": _points,
        "hours": volunteer_totals,
        "volunteers": volunteer_rows,
        "households": household_rows,
        "events": event_rows,
        "units": _units,
        "care": care_plan_rows,
    }[kind]
    after = 0
    while True:
        rows, after = await fetch(core, sc, lo, hi, after)
        if not rows:
            return
        yield rows
        if after < 0:
            return


async def _units(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    """A row a paired unit (包联单位): its members in the grids and what they did in the period."""
    rows: list[Row] = [
        [f.name, f.contact or "", Several(f.communities), f.members, f.tasks_done, f.hours, f.points, f.open_claims]
        for f in await unit_figures(core, list(sc.grids), lo, hi)
    ]
    return rows, -1


async def _requests(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    R = HelpRequest
    async with core.db.session() as s:
        reqs = (
            (
                await s.execute(
                    select(R)
                    .where(
                        col(R.grid_id).in_(list(sc.grids)),
                        col(R.created_at) >= lo,
                        col(R.created_at) < hi,
                        col(R.erased_at).is_(None),
                        col(R.id) > after,
                    )
                    .order_by(col(R.id))
                    .limit(BATCH)
                )
            )
            .scalars()
            .all()
        )
        ids = [r.id for r in reqs]
        names: dict[int, list[str]] = {}
        hours: dict[int, float] = {}
        stars: dict[int, int | None] = {}
        if ids:
            for rid, name, status, h in (
                await s.execute(
                    select(col(Assignment.request_id), col(Person.name), col(Assignment.status), col(Assignment.hours))
                    .join(Person, col(Person.id) == col(Assignment.volunteer_id))
                    .where(col(Assignment.request_id).in_(ids))
                    .order_by(col(Assignment.id))
                )
            ).all():
                if status not in (AssignmentStatus.released.value, AssignmentStatus.removed.value):
                    names.setdefault(rid, []).append(name)
                hours[rid] = hours.get(rid, 0.0) + (h or 0.0)
            stars = dict(
                (
                    await s.execute(
                        select(col(Rating.request_id), col(Rating.stars)).where(col(Rating.request_id).in_(ids))
                    )
                ).all()
            )
    out = []
    for r in reqs:
        rid = stored_id(r.id)
        wait = (_utc(r.first_accepted_at) - _utc(r.created_at)).total_seconds() // 60 if r.first_accepted_at else None
        row: Row = [
            r.code or f"#{r.id}",
            local(r.created_at, sc.timezone),
            sc.grids[r.grid_id],
            Term("category", r.category),
            Term("status", r.status),
            r.summary,
            f"{r.slots_taken}/{r.slots}",
            Several(tuple(names.get(rid, []))),
            local(r.first_accepted_at, sc.timezone),
            int(wait) if wait is not None else None,
            local(r.done_at, sc.timezone),
            round(hours.get(rid, 0.0), 2),
            stars.get(rid),
        ]
        if sc.contacts:
            row += [r.address or "", r.phone or ""]
        out.append(row)
    return out, (stored_id(reqs[-1].id) if reqs else 0)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


async def _visits(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    V = DoorVisit
    async with core.db.session() as s:
        rows = (
            await s.execute(
                select(V, col(Person.name), col(Household.address), col(HelpRequest.code), col(Building.name))
                .join(Person, col(Person.id) == col(V.volunteer_id))
                .join(Household, col(Household.id) == col(V.household_id))
                .outerjoin(Building, col(Building.id) == col(Household.building_id))
                .outerjoin(HelpRequest, col(HelpRequest.id) == col(V.request_id))
                .where(
                    col(V.grid_id).in_(list(sc.grids)),
                    col(V.created_at) >= lo,
                    col(V.created_at) < hi,
                    col(V.id) > after,
                )
                .order_by(col(V.id))
                .limit(BATCH)
            )
        ).all()
    out = []
    for v, volunteer, address, code, building in rows:
        flags = Several(tuple(Term("flag", f) for f in v.red_flags.split(",") if f))
        row: Row = [
            v.week,
            local(v.created_at, sc.timezone),
            sc.grids[v.grid_id],
            f"#{v.household_id}",
            *([building or ""] if sc.buildings else []),  # "" for a household of no building
            volunteer,
            Term("outcome", v.outcome),
            flags,
            code or "",
        ]
        if sc.contacts:
            row += [address or "", v.note]
        out.append(row)
    return out, (stored_id(rows[-1][0].id) if rows else 0)


async def _points(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    P = PointsEntry
    async with core.db.session() as s:
        rows = (
            await s.execute(
                select(P, col(Person.name))
                .join(Person, col(Person.id) == col(P.person_id))
                .where(
                    col(P.grid_id).in_(list(sc.grids)),
                    col(P.created_at) >= lo,
                    col(P.created_at) < hi,
                    col(P.id) > after,
                )
                .order_by(col(P.id))
                .limit(BATCH)
            )
        ).all()
    out = [
        [
            local(p.created_at, sc.timezone),
            name,
            sc.grids.get(p.grid_id or 0, ""),
            Term("reason", p.reason),
            p.points,
            round(p.hours, 2),
            p.ref,
        ]
        for p, name in rows
    ]
    return out, (stored_id(rows[-1][0].id) if rows else 0)
