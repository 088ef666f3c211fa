"""The household ledger (民情台账): every door visit of a household, for its volunteer and leader."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Community, DoorVisit, Grid, Household, Pairing, Person

from .core import Core
from .errors import NotAllowed, NotFound
from .life_common import aware, grid_with_community, zone
from .people import Actor, can_lead, ensure_person, led_grids

PAGE_SIZE = 8
LEDGER_LIMIT = 20


@dataclass
class LedgerEntry:
    visit: DoorVisit
    volunteer_name: str


@dataclass
class Ledger:
    household: Household
    entries: list[LedgerEntry]  # newest first, at most `limit`
    total: int
    timezone: str


@dataclass
class HouseholdRow:
    household: Household
    last_visit: date | None  # in the community's time zone


@dataclass
class HouseholdPage:
    rows: list[HouseholdRow]
    page: int
    pages: int


async def _may_read(s: AsyncSession, person: Person, hh: Household) -> bool:
    paired = await s.scalar(select(Pairing.id).where(Pairing.volunteer_id == person.id, Pairing.household_id == hh.id,
                                                     Pairing.active == True))  # noqa: E712
    return paired is not None or await can_lead(s, person, hh.grid_id)


async def ledger_of(core: Core, actor: Actor, household_id: int, limit: int = LEDGER_LIMIT) -> Ledger:
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        hh = await s.get(Household, household_id)
        if hh is None or hh.erased_at is not None:
            raise NotFound("visit.error.no_household")
        if not await _may_read(s, person, hh):
            raise NotAllowed("visit.error.ledger_not_allowed")
        total = int(await s.scalar(select(func.count()).select_from(DoorVisit).where(
            DoorVisit.household_id == hh.id)) or 0)
        rows = (await s.exec(select(DoorVisit, Person.name).join(Person, Person.id == DoorVisit.volunteer_id)  # type: ignore[call-overload]
                             .where(DoorVisit.household_id == hh.id)
                             .order_by(DoorVisit.created_at.desc(), DoorVisit.id.desc()).limit(limit))).all()  # type: ignore[union-attr]
        _, community = await grid_with_community(s, hh.grid_id)
        return Ledger(hh, [LedgerEntry(v, name or "—") for v, name in rows], total, community.timezone)


async def household_ledger(core: Core, actor: Actor, household_id: int) -> list[DoorVisit]:
    """Past visits of the household, newest first (the paired volunteer or the grid's leader)."""
    return [e.visit for e in (await ledger_of(core, actor, household_id, limit=1000)).entries]


async def ledger_households(core: Core, actor: Actor, page: int = 0) -> HouseholdPage:
    """Households whose ledger this person may read: paired ones, and every one in grids they lead."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grids = [g.id for g in await led_grids(s, person)]
        paired = select(Pairing.household_id).where(Pairing.volunteer_id == person.id, Pairing.active == True)  # noqa: E712
        visible = Household.erased_at.is_(None) & or_(Household.id.in_(paired), Household.grid_id.in_(grids))  # type: ignore[union-attr]
        total = int(await s.scalar(select(func.count()).select_from(Household).where(visible)) or 0)
        if total == 0:
            raise NotFound("visit.error.no_ledgers")
        pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
        page = min(max(page, 0), pages - 1)
        households = list((await s.exec(select(Household).where(visible).order_by(Household.grid_id, Household.id)  # type: ignore[call-overload]
                                        .offset(page * PAGE_SIZE).limit(PAGE_SIZE))).scalars())
        last = dict((await s.exec(select(DoorVisit.household_id, func.max(DoorVisit.created_at))  # type: ignore[call-overload]
                                  .where(DoorVisit.household_id.in_([h.id for h in households]))  # type: ignore[attr-defined]
                                  .group_by(DoorVisit.household_id))).all())
        zones = dict((await s.exec(select(Grid.id, Community.timezone).join(Community, Community.id == Grid.community_id)  # type: ignore[call-overload]
                                   .where(Grid.id.in_({h.grid_id for h in households})))).all())  # type: ignore[union-attr]
        rows = [HouseholdRow(h, aware(last[h.id]).astimezone(zone(zones.get(h.grid_id))).date() if h.id in last else None)
                for h in households]
        return HouseholdPage(rows, page, pages)
