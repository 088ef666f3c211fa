"""The dashboard's people pages: volunteers (approval queue, points, hours, last activity)
and households (visit coverage, those not visited for two weeks or more; their building (楼栋) and a
filter by building where the grids have buildings, both only for grids whose addresses the viewer sees)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.life_common import zone
from bot.services.kernel.order import natural_key
from bot.services.office.dashboard import STALE_VISIT_DAYS, Scope
from bot.services.places import paired_names
from storage.enums import AssignmentStatus, VolunteerStatus
from storage.models import Assignment, Building, DoorVisit, Household, Person, PointsEntry, VolunteerProfile
from storage.rows import AnyRow

PAGE_SIZE = 100


def _local(when: datetime | None, tz: str) -> datetime | None:
    if when is None:
        return None
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(zone(tz))


@dataclass
class VolunteerRow:
    profile_id: int
    person_id: int
    name: str
    grid: str
    status: str
    work_group: str
    party_member: bool
    skills: list[str]
    shock_team: bool
    applied_at: datetime | None
    phone: str | None  # only where the viewer may see it
    points: int = 0
    hours: float = 0.0
    tasks_done: int = 0
    last_active: datetime | None = None


@dataclass
class VolunteerLists:
    pending: list[VolunteerRow]
    active: list[VolunteerRow]
    total_active: int
    page: int
    pages: int


async def volunteer_lists(core: Core, scope: Scope, grid_id: int | None = None, page: int = 1) -> VolunteerLists:
    grids = scope.pick(grid_id)
    V = VolunteerProfile
    # every aggregate only over the people of these grids, so a page costs what its grids hold
    people = select(col(V.person_id)).where(col(V.grid_id).in_(grids))
    pts = (
        select(
            col(PointsEntry.person_id).label("pid"),
            func.sum(col(PointsEntry.points)).label("points"),
            func.sum(col(PointsEntry.hours)).label("hours"),
            func.max(col(PointsEntry.created_at)).label("at"),
        )
        .where(col(PointsEntry.person_id).in_(people))
        .group_by(col(PointsEntry.person_id))
        .subquery()
    )
    done = (
        select(
            col(Assignment.volunteer_id).label("pid"),
            func.count().label("n"),
            func.max(func.coalesce(col(Assignment.done_at), col(Assignment.created_at))).label("at"),
        )
        .where(col(Assignment.status) != AssignmentStatus.removed.value, col(Assignment.volunteer_id).in_(people))
        .group_by(col(Assignment.volunteer_id))
        .subquery()
    )
    done_n = (
        select(col(Assignment.volunteer_id).label("pid"), func.count().label("n"))
        .where(col(Assignment.status) == AssignmentStatus.done.value, col(Assignment.volunteer_id).in_(people))
        .group_by(col(Assignment.volunteer_id))
        .subquery()
    )
    visits = (
        select(col(DoorVisit.volunteer_id).label("pid"), func.max(col(DoorVisit.created_at)).label("at"))
        .where(col(DoorVisit.volunteer_id).in_(people))
        .group_by(col(DoorVisit.volunteer_id))
        .subquery()
    )
    base = (
        select(V, Person, pts.c.points, pts.c.hours, pts.c.at, done_n.c.n, done.c.at, visits.c.at)
        .join(Person, col(Person.id) == col(V.person_id))
        .outerjoin(pts, pts.c.pid == col(V.person_id))
        .outerjoin(done, done.c.pid == col(V.person_id))
        .outerjoin(done_n, done_n.c.pid == col(V.person_id))
        .outerjoin(visits, visits.c.pid == col(V.person_id))
    )
    in_grids = col(V.grid_id).in_(grids)
    approved = col(V.status) == VolunteerStatus.approved.value
    async with core.db.session() as s:
        pending = (
            await s.execute(
                base.where(in_grids, col(V.status) == VolunteerStatus.pending.value).order_by(
                    col(V.created_at), col(V.id)
                )
            )
        ).all()
        total = int(await s.scalar(select(func.count()).select_from(V).where(in_grids, approved)) or 0)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        active = (
            await s.execute(
                base.where(in_grids, approved)
                .order_by(func.coalesce(pts.c.points, 0).desc(), col(Person.name), col(V.id))
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
        ).all()
    return VolunteerLists([_vrow(scope, r) for r in pending], [_vrow(scope, r) for r in active], total, page, pages)


def _vrow(scope: Scope, row: AnyRow) -> VolunteerRow:
    prof, person, points, hours, pts_at, n_done, task_at, visit_at = row
    stamps = [stamp for x in (pts_at, task_at, visit_at) if (stamp := _local(x, scope.timezone)) is not None]
    return VolunteerRow(
        prof.id,
        person.id,
        person.name,
        scope.grid(prof.grid_id).name,
        prof.status,
        prof.work_group,
        prof.party_member,
        [x for x in prof.skills.split(",") if x],
        prof.shock_team,
        _local(prof.created_at, scope.timezone),
        person.phone if scope.can_see_private(prof.grid_id) else None,
        int(points or 0),
        float(hours or 0.0),
        int(n_done or 0),
        max(stamps) if stamps else None,
    )


@dataclass
class HouseholdRow:
    id: int
    grid: str
    address: str | None  # only where the viewer may see it
    members: str | None
    care_flags: list[str]
    volunteers: list[str]
    last_visit: datetime | None
    last_outcome: str | None
    stale: bool
    building: str | None = None  # "" in none; None where the viewer may not see it (as the address)


NO_BUILDING = 0  # the building filter's value for the households of no building


@dataclass
class HouseholdPage:
    rows: list[HouseholdRow]
    total: int
    visited_recently: int  # at least one visit in the last two weeks
    stale: int
    page: int
    pages: int
    buildings: list[tuple[int, str, str]] = field(default_factory=list)  # (id, grid, name) to filter by
    building: int | None = None  # the filter: a building id, NO_BUILDING, or None (all)

    @property
    def coverage(self) -> float | None:
        return self.visited_recently / self.total if self.total else None


def parse_building(raw: str | None) -> int | None:
    """The households page's building filter from the query: "" all, "none" no building, or an id
    (checked against the viewer's buildings by household_page)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw == "none":
        return NO_BUILDING
    if not raw.isdigit() or len(raw) > 12 or int(raw) == NO_BUILDING:
        raise InvalidInput("dash.error.bad_filter")
    return int(raw)


async def household_page(
    core: Core,
    scope: Scope,
    grid_id: int | None = None,
    *,
    only_stale: bool = False,
    page: int = 1,
    building: int | None = None,
) -> HouseholdPage:
    """A page of the households; `building` narrows them to one building of the grids shown (or to
    those of none, NO_BUILDING) and is refused for a building the viewer may not see."""
    grids = scope.pick(grid_id)
    now = core.clock.now()
    cutoff = now - timedelta(days=STALE_VISIT_DAYS)
    H = Household
    last = (
        select(col(DoorVisit.household_id).label("hid"), func.max(col(DoorVisit.created_at)).label("at"))
        .where(col(DoorVisit.grid_id).in_(grids))
        .group_by(col(DoorVisit.household_id))
        .subquery()
    )
    where: list[ColumnElement[bool]] = [col(H.grid_id).in_(grids), col(H.erased_at).is_(None)]
    stale_cond = (last.c.at.is_(None)) | (last.c.at < cutoff)
    async with core.db.session() as s:
        open_grids = [g for g in grids if scope.can_see_private(g)]
        blocks = (await s.execute(select(Building).where(col(Building.grid_id).in_(open_grids)))).scalars().all()
        names = {b.id: b.name for b in blocks}
        buildings = sorted(
            ((b.id or 0, scope.grid(b.grid_id).name, b.name) for b in blocks),
            key=lambda b: (natural_key(b[1]), natural_key(b[2]), b[0]),
        )
        if building is not None:
            if building != NO_BUILDING and building not in names:
                raise InvalidInput("dash.error.bad_filter")
            # households of no building yet: in the grids that have buildings (whose addresses the viewer sees)
            where += (
                [col(H.building_id).is_(None), col(H.grid_id).in_({b.grid_id for b in blocks})]
                if building == NO_BUILDING
                else [col(H.building_id) == building]
            )
        count = select(func.count()).select_from(H).outerjoin(last, last.c.hid == col(H.id))
        total = int(await s.scalar(count.where(*where)) or 0)
        stale = int(await s.scalar(count.where(*where, stale_cond)) or 0)
        shown = where + ([stale_cond] if only_stale else [])
        n_shown = stale if only_stale else total
        pages = max(1, -(-n_shown // PAGE_SIZE))
        page = min(max(page, 1), pages)
        # by grid, then address, in natural order (3 栋 before 12 栋), as the leader walks them; the
        # overdue ones (only_stale) by how long ago they were seen, never seen first
        listed = select(col(H.id), col(H.grid_id), col(H.address), last.c.at).outerjoin(last, last.c.hid == col(H.id))
        every = sorted(
            (await s.execute(listed.where(*shown))).all(),
            key=lambda r: (
                (r[3] is not None, r[3] or now) if only_stale else (False, now),
                natural_key(scope.grid(r[1]).name),
                natural_key(r[2]),
                r[0],
            ),
        )
        ids = [r[0] for r in every[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        found = {
            h.id: (h, at)
            for h, at in (
                await s.execute(select(H, last.c.at).outerjoin(last, last.c.hid == col(H.id)).where(col(H.id).in_(ids)))
            ).all()
        }
        rows = [found[i] for i in ids]
        vols = await paired_names(s, ids)
        outcomes: dict[int, str] = {}
        if ids:
            latest = (
                select(col(DoorVisit.household_id), col(DoorVisit.outcome))
                .join(last, (last.c.hid == col(DoorVisit.household_id)) & (last.c.at == col(DoorVisit.created_at)))
                .where(col(DoorVisit.household_id).in_(ids))
                .order_by(col(DoorVisit.id))
            )
            for hid, outcome in (await s.execute(latest)).all():
                outcomes[hid] = outcome
    out = []
    for h, at in rows:
        private = scope.can_see_private(h.grid_id)
        visited = _local(at, scope.timezone)
        out.append(
            HouseholdRow(
                h.id,
                scope.grid(h.grid_id).name,
                h.address if private else None,
                h.members if private else None,
                [x for x in h.care_flags.split(",") if x],
                vols.get(h.id, []),
                visited,
                outcomes.get(h.id),
                visited is None or visited < cutoff,
                names.get(h.building_id or 0, "") if private else None,
            )
        )
    return HouseholdPage(out, total, total - stale, stale, page, pages, buildings, building)
