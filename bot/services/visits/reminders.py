"""Friday door visits (周五入户) on schedule: the morning list, the evening reminder for visits not
yet logged, and the grid leader's overview. Each message is keyed by person and ISO week, so a
re-run never sends a second copy. Each is a notice (notices.py) that bot/views/visits renders, with
a log button per household (handled by the door-visit feature in handlers/visit_log.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.buildings import building_lines
from bot.services.kernel.core import Core
from bot.services.kernel.fanout import Outgoing, fan_out
from bot.services.kernel.order import natural_key
from storage.enums import RoleKind, VisitOutcome, VolunteerStatus
from storage.models import BuildingHead, DoorVisit, Grid, Household, Pairing, Person, RoleGrant, VolunteerProfile

from .notices import BuildingTally, PairedRow, VisitList, VisitOverview, VolunteerTally


@dataclass
class VolunteerWeek:
    person_id: int
    tg_user_id: int | None
    name: str
    language: str | None
    reachable: bool
    grid_ids: set[int] = field(default_factory=set)
    rows: list[PairedRow] = field(default_factory=list)

    @property
    def unlogged(self) -> list[PairedRow]:
        return [r for r in self.rows if not r.logged]


async def paired_weeks(session: AsyncSession, community_id: int, week: str) -> list[VolunteerWeek]:
    """Every approved volunteer of the community with active pairings or a building they head, their
    households and whether each visit of `week` is logged: two queries for the whole community."""
    stmt = (
        select(
            col(Person.id),
            col(Person.tg_user_id),
            col(Person.name),
            col(Person.language),
            col(Person.blocked_bot),
            col(Household.id),
            col(Household.grid_id),
            col(Household.address),
            col(Household.members),
            col(Household.care_flags),
            col(DoorVisit.id),
            col(DoorVisit.outcome),
        )
        .select_from(Pairing)
        .join(Household, col(Household.id) == col(Pairing.household_id))
        .join(Grid, col(Grid.id) == col(Household.grid_id))
        .join(Person, col(Person.id) == col(Pairing.volunteer_id))
        .join(VolunteerProfile, col(VolunteerProfile.person_id) == col(Person.id))
        .outerjoin(
            DoorVisit,
            and_(
                col(DoorVisit.household_id) == col(Household.id),
                col(DoorVisit.volunteer_id) == col(Person.id),
                col(DoorVisit.week) == week,
            ),
        )
        .where(
            col(Grid.community_id) == community_id,
            col(Pairing.active) == True,  # noqa: E712
            col(Household.erased_at).is_(None),
            col(VolunteerProfile.status) == VolunteerStatus.approved.value,
            col(Person.forgotten_at).is_(None),
        )
        .order_by(col(Person.id), col(Household.id))
    )
    out: dict[int, VolunteerWeek] = {}
    for row in (await session.execute(stmt)).all():
        pid, tg, name, language, blocked, hid, gid, address, members, flags, visit_id, outcome = cast(
            "tuple[int, int | None, str, str | None, bool, int, int, str, str, str, int | None, str | None]", tuple(row)
        )
        vw = out.get(pid)
        if vw is None:
            vw = out[pid] = VolunteerWeek(pid, tg, name, language, reachable=tg is not None and not blocked)
        vw.grid_ids.add(gid)
        vw.rows.append(PairedRow(hid, gid, address, members, flags, visit_id is not None, outcome))
    await _headed_weeks(session, community_id, week, out)
    for vw in out.values():  # as the volunteer walks them: 3 栋 before 12 栋
        vw.rows.sort(key=lambda r: (natural_key(r.address), r.household_id))
    return list(out.values())


async def _headed_weeks(session: AsyncSession, community_id: int, week: str, out: dict[int, VolunteerWeek]) -> None:
    """Building heads (楼栋长) walk their buildings' households as paired volunteers walk theirs: each
    household of a building they head joins their week (once, if they are paired with it too). A
    household is logged for its head when anyone visited it in `week` (the building is theirs to
    cover, not to visit twice)."""
    stmt = (
        select(
            col(Person.id),
            col(Person.tg_user_id),
            col(Person.name),
            col(Person.language),
            col(Person.blocked_bot),
            col(Household.id),
            col(Household.grid_id),
            col(Household.address),
            col(Household.members),
            col(Household.care_flags),
            col(DoorVisit.id),
            col(DoorVisit.outcome),
        )
        .select_from(BuildingHead)
        .join(Person, col(Person.id) == col(BuildingHead.person_id))
        .join(Household, col(Household.building_id) == col(BuildingHead.building_id))
        .join(Grid, col(Grid.id) == col(Household.grid_id))
        .outerjoin(DoorVisit, and_(col(DoorVisit.household_id) == col(Household.id), col(DoorVisit.week) == week))
        .where(
            col(Grid.community_id) == community_id,
            col(Household.erased_at).is_(None),
            col(Person.forgotten_at).is_(None),
            exists().where(
                col(VolunteerProfile.person_id) == col(Person.id),
                col(VolunteerProfile.status) == VolunteerStatus.approved.value,
            ),
        )
        .order_by(col(Person.id), col(Household.id), col(DoorVisit.id))
    )
    seen = {(pid, r.household_id) for pid, vw in out.items() for r in vw.rows}
    for row in (await session.execute(stmt)).all():
        pid, tg, name, language, blocked, hid, gid, address, members, flags, visit_id, outcome = cast(
            "tuple[int, int | None, str, str | None, bool, int, int, str, str, str, int | None, str | None]", tuple(row)
        )
        if (pid, hid) in seen:
            continue  # paired with it too, or visited by two people this week: listed once
        seen.add((pid, hid))
        vw = out.get(pid)
        if vw is None:
            vw = out[pid] = VolunteerWeek(pid, tg, name, language, reachable=tg is not None and not blocked)
        vw.grid_ids.add(gid)
        vw.rows.append(PairedRow(hid, gid, address, members, flags, visit_id is not None, outcome))


def visit_list(vw: VolunteerWeek, week: str, *, evening: bool) -> VisitList | None:
    """The morning list (every paired household) or the evening reminder (only unlogged ones)."""
    rows = vw.unlogged if evening else vw.rows
    if not rows or vw.tg_user_id is None:
        return None
    return VisitList(
        chat_id=vw.tg_user_id,
        language=vw.language,
        week=week,
        evening=evening,
        rows=tuple(rows),
        unlogged=len(vw.unlogged),
    )


async def visit_fanout(core: Core, community_id: int, week: str, *, evening: bool) -> list[Outgoing]:
    async with core.db.session() as s:
        weeks = await paired_weeks(s, community_id, week)
    kind = "visit-reminder" if evening else "visit-list"
    out = []
    for vw in weeks:
        msg = visit_list(vw, week, evening=evening) if vw.reachable else None
        if msg is not None:
            out.append(Outgoing(f"{kind}:{vw.person_id}:{week}", msg))
    return out


async def send_visit_lists(core: Core, community_id: int, week: str) -> int:
    """Friday morning: each paired volunteer gets their households with a log button each."""
    return await fan_out(core, await visit_fanout(core, community_id, week, evening=False))


async def send_visit_reminders(core: Core, community_id: int, week: str) -> int:
    """Friday evening: a reminder to volunteers who still have visits to log."""
    return await fan_out(core, await visit_fanout(core, community_id, week, evening=True))


def tallies(vols: list[VolunteerWeek], grid_id: int) -> tuple[VolunteerTally, ...]:
    out = []
    for vw in vols:
        mine = [r for r in vw.rows if r.grid_id == grid_id]
        out.append(
            VolunteerTally(
                vw.person_id,
                vw.name,
                sum(r.logged for r in mine),
                len(mine),
                sum(r.outcome == VisitOutcome.needs_help.value for r in mine),
            )
        )
    return tuple(out)


async def send_visit_overviews(core: Core, community_id: int, week: str) -> int:
    """Friday evening: each grid leader sees who has logged their visits and who has not, and in a
    grid with buildings (楼栋) how many households of each building were visited this week."""
    async with core.db.session() as s:
        weeks = await paired_weeks(s, community_id, week)
        grids = {
            g.id: g for g in (await s.execute(select(Grid).where(col(Grid.community_id) == community_id))).scalars()
        }
        leaders = (
            await s.execute(
                select(col(RoleGrant.grid_id), Person)
                .join(Person, col(Person.id) == col(RoleGrant.person_id))
                .where(
                    col(RoleGrant.role) == RoleKind.leader.value,
                    col(RoleGrant.grid_id).in_(list(grids)),
                    col(Person.tg_user_id).is_not(None),
                    col(Person.blocked_bot) == False,  # noqa: E712
                )
            )
        ).all()
        by_building = await building_lines(s, [g for g in grids if g is not None], week)  # grids with buildings only
    by_grid: dict[int, list[VolunteerWeek]] = defaultdict(list)
    for vw in weeks:
        for gid in vw.grid_ids:
            by_grid[gid].append(vw)
    items = []
    for grid_id, leader in leaders:
        if grid_id is None or not by_grid.get(grid_id):
            continue
        if leader.tg_user_id is None:  # the query reads only leaders with one
            continue
        overview = VisitOverview(
            chat_id=leader.tg_user_id,
            language=leader.language,
            grid=grids[grid_id].name,
            week=week,
            volunteers=tallies(by_grid[grid_id], grid_id),
            buildings=tuple(BuildingTally(b.name, b.households, b.visited) for b in by_building.get(grid_id, [])),
        )
        items.append(Outgoing(f"visit-overview:{grid_id}:{week}:{leader.id}", overview))
    return await fan_out(core, items)
