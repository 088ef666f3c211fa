"""Paired units seen from a set of grids (the dashboard's units page and the units export): each unit
that is paired with the grids' communities or has members there, with what its members in those grids
did in a period (tasks done, hours and points confirmed) and the unit's claims still open there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.order import natural
from storage.claims import LIVE_CLAIM
from storage.enums import AssignmentStatus, RequestStatus
from storage.models import (
    Assignment,
    Community,
    Grid,
    HelpRequest,
    Person,
    PointsEntry,
    Unit,
    UnitClaim,
    UnitCommunity,
    VolunteerProfile,
)

from .registry import LIVE_MEMBERS


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    name: str
    contact: str | None
    communities: tuple[str, ...]  # the paired communities among the grids' (natural order)
    members: int  # approved, waiting or suspended, serving in the grids
    tasks_done: int
    hours: float
    points: int
    open_claims: int  # the unit's claims on requests of the grids not yet done


async def unit_figures(core: Core, grid_ids: list[int], lo: datetime, hi: datetime) -> list[UnitFigures]:
    """Every unit that concerns these grids, by name, with the period [lo, hi)'s figures."""
    async with core.db.reading() as s:
        communities = select(col(Grid.community_id)).where(col(Grid.id).in_(grid_ids))
        paired: dict[int, int] = dict(
            (
                await s.execute(
                    select(col(UnitCommunity.unit_id), func.count())
                    .where(col(UnitCommunity.community_id).in_(communities))
                    .group_by(col(UnitCommunity.unit_id))
                )
            ).all()
        )
        member_of: dict[int, int | None] = dict(
            (
                await s.execute(
                    select(col(VolunteerProfile.person_id), col(VolunteerProfile.unit_id)).where(
                        col(VolunteerProfile.unit_id).is_not(None),
                        col(VolunteerProfile.grid_id).in_(grid_ids),
                        col(VolunteerProfile.status).in_(LIVE_MEMBERS),
                    )
                )
            ).all()
        )
        unit_ids = set(paired) | {u for u in member_of.values() if u is not None}
        if not unit_ids:
            return []
        units = (
            await s.execute(
                select(Unit, Person)
                .outerjoin(Person, col(Person.id) == col(Unit.contact_id))
                .where(col(Unit.id).in_(unit_ids))
            )
        ).all()
        names: dict[int, list[str]] = {}
        for uid, cname in (
            await s.execute(
                select(col(UnitCommunity.unit_id), col(Community.name))
                .join(Community, col(Community.id) == col(UnitCommunity.community_id))
                .where(col(UnitCommunity.unit_id).in_(unit_ids), col(Community.id).in_(communities))
            )
        ).all():
            names.setdefault(uid, []).append(cname)
        # the period's work of every member of a unit (whatever their status now), in these grids
        people = (
            select(col(VolunteerProfile.person_id), col(VolunteerProfile.unit_id))
            .where(col(VolunteerProfile.unit_id).in_(unit_ids))
            .subquery()
        )
        ledger = {
            uid: (int(pts or 0), float(hrs or 0))
            for uid, pts, hrs in (
                await s.execute(
                    select(people.c.unit_id, func.sum(col(PointsEntry.points)), func.sum(col(PointsEntry.hours)))
                    .join(people, people.c.person_id == col(PointsEntry.person_id))
                    .where(
                        col(PointsEntry.grid_id).in_(grid_ids),
                        col(PointsEntry.created_at) >= lo,
                        col(PointsEntry.created_at) < hi,
                    )
                    .group_by(people.c.unit_id)
                )
            ).all()
        }
        done: dict[int, int] = dict(
            (
                await s.execute(
                    select(people.c.unit_id, func.count())
                    .select_from(Assignment)
                    .join(people, people.c.person_id == col(Assignment.volunteer_id))
                    .join(HelpRequest, col(HelpRequest.id) == col(Assignment.request_id))
                    .where(
                        col(HelpRequest.grid_id).in_(grid_ids),
                        col(Assignment.status) == AssignmentStatus.done.value,
                        col(Assignment.done_at) >= lo,
                        col(Assignment.done_at) < hi,
                    )
                    .group_by(people.c.unit_id)
                )
            ).all()
        )
        claims: dict[int, int] = dict(
            (
                await s.execute(
                    select(col(UnitClaim.unit_id), func.count())
                    .join(HelpRequest, col(HelpRequest.id) == col(UnitClaim.request_id))
                    .where(
                        col(UnitClaim.unit_id).in_(unit_ids),
                        col(UnitClaim.status) == LIVE_CLAIM,
                        col(HelpRequest.grid_id).in_(grid_ids),
                        col(HelpRequest.status).in_([RequestStatus.open.value, RequestStatus.filled.value]),
                    )
                    .group_by(col(UnitClaim.unit_id))
                )
            ).all()
        )
    counted: dict[int, int] = {}
    for unit_id in member_of.values():
        if unit_id is not None:
            counted[unit_id] = counted.get(unit_id, 0) + 1
    out = []
    for unit, contact in units:
        uid = int(unit.id or 0)
        pts, hrs = ledger.get(uid, (0, 0.0))
        out.append(
            UnitFigures(
                uid,
                unit.name,
                contact.name if contact is not None else None,
                tuple(natural(names.get(uid, []), lambda n: n)),
                counted.get(uid, 0),
                int(done.get(uid, 0)),
                round(hrs, 2),
                pts,
                int(claims.get(uid, 0)),
            )
        )
    return natural(out, lambda f: f.name, lambda f: f.unit_id)
