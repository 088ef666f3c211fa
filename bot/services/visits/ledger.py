"""The household ledger (民情台账): every door visit of a household, for its volunteer and leader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, exists, func, inspect, or_, select
from sqlmodel import SQLModel, col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import NotAllowed, NotFound
from bot.services.kernel.life_common import aware, zone
from bot.services.kernel.order import natural_key
from bot.services.kernel.roles import (
    ADMIN,
    LEADER,
    Actor,
    by_tg,
    ensure_person,
    grants,
    heads_building,
    led_grids,
    load_me,
    row_id,
)
from storage.detached import detached, labelled, part
from storage.models import Community, DoorVisit, Grid, Household, Pairing, Person, RoleGrant, VisitIssue

PAGE_SIZE = 8
LEDGER_LIMIT = 20


@dataclass
class LedgerEntry:
    visit: DoorVisit
    volunteer_name: str | None
    issue_status: str | None = None  # the problem it found, on the meeting's list (IssueStatus)
    decision: str = ""
    told_at: datetime | None = None  # when the household was told the outcome


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


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, inspect(model).local_table)


_HH, _GRID, _COM, _PERSON = _table(Household), _table(Grid), _table(Community), _table(Person)
_DV, _VOL, _ISSUE = _table(DoorVisit), _PERSON.alias("vol"), _table(VisitIssue)
_HID: BindParameter[int] = bindparam("hid")
# the reader (Person first, as load_me wants), the household, whether they may read its ledger
# (paired, its grid's leader, an admin of its community), the community's zone and the visit count
_CONTEXT = by_tg(
    *labelled(_HH, "h_"),
    _GRID.c.id.label("grid_id"),
    _COM.c.timezone.label("timezone"),
    exists()
    .where(col(Pairing.volunteer_id) == col(Person.id), col(Pairing.household_id) == _HID, col(Pairing.active) == True)  # noqa: E712
    .label("paired"),
    grants(LEADER, col(RoleGrant.grid_id) == _HH.c.grid_id).label("leads"),
    heads_building(_HH.c.building_id).label("heads"),
    grants(ADMIN, col(RoleGrant.community_id) == _GRID.c.community_id).label("admins"),
    select(func.count()).select_from(_DV).where(_DV.c.household_id == _HID).scalar_subquery().label("total"),
).select_from(
    _PERSON.outerjoin(_HH, _HH.c.id == _HID)
    .outerjoin(_GRID, _GRID.c.id == _HH.c.grid_id)
    .outerjoin(_COM, _COM.c.id == _GRID.c.community_id)
)
_VISITS = (
    select(
        *_DV.c,
        _VOL.c.name.label("volunteer_name"),
        _ISSUE.c.status.label("issue_status"),
        _ISSUE.c.decision.label("issue_decision"),
        _ISSUE.c.told_at.label("issue_told_at"),
    )
    .select_from(_DV.join(_VOL, _VOL.c.id == _DV.c.volunteer_id).outerjoin(_ISSUE, _ISSUE.c.visit_id == _DV.c.id))
    .where(_DV.c.household_id == _HID)
    .order_by(_DV.c.created_at.desc(), _DV.c.id.desc())
    .limit(bindparam("lim"))
)


async def ledger_of(core: Core, actor: Actor, household_id: int, limit: int = LEDGER_LIMIT) -> Ledger:
    async with core.db.session() as s:
        row = await load_me(s, actor, _CONTEXT, hid=row_id(household_id))
        person, m = row[0], row._mapping
        values = part(cast("Mapping[str, Any]", m), _HH, "h_")
        if values is None or values["erased_at"] is not None:
            raise NotFound("visit.error.no_household")
        # the paired volunteer, a head of its building, the grid's leader, or an admin of its community (can_lead)
        if not (
            m["paired"]
            or m["heads"]
            or m["leads"]
            or (m["grid_id"] is not None and (person.is_superadmin or m["admins"]))
        ):
            raise NotAllowed("visit.error.ledger_not_allowed")
        if m["timezone"] is None:
            raise NotFound()
        visits = (await (await s.connection()).execute(_VISITS, {"hid": household_id, "lim": limit})).mappings().all()
        entries = [
            LedgerEntry(
                detached(DoorVisit, {c.name: v[c.name] for c in _DV.c}),
                v["volunteer_name"],
                v["issue_status"],
                v["issue_decision"] or "",
                aware(v["issue_told_at"]) if v["issue_told_at"] is not None else None,
            )
            for v in visits
        ]
        return Ledger(detached(Household, values), entries, int(m["total"] or 0), m["timezone"])


async def household_ledger(core: Core, actor: Actor, household_id: int) -> list[DoorVisit]:
    """Past visits of the household, newest first (the paired volunteer or the grid's leader)."""
    return [e.visit for e in (await ledger_of(core, actor, household_id, limit=1000)).entries]


async def ledger_households(core: Core, actor: Actor, page: int = 0) -> HouseholdPage:
    """Households whose ledger this person may read: paired ones, and every one in grids they lead."""
    async with core.db.session() as s:
        person = await ensure_person(s, actor)
        grids = [g.id for g in await led_grids(s, person)]
        paired = select(col(Pairing.household_id)).where(
            col(Pairing.volunteer_id) == person.id,
            col(Pairing.active) == True,  # noqa: E712
        )
        visible = col(Household.erased_at).is_(None) & or_(
            col(Household.id).in_(paired), col(Household.grid_id).in_(grids)
        )
        total = int(await s.scalar(select(func.count()).select_from(Household).where(visible)) or 0)
        if total == 0:
            raise NotFound("visit.error.no_ledgers")
        pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
        page = min(max(page, 0), pages - 1)
        every = sorted(
            (
                await s.execute(
                    select(col(Household.id), col(Household.grid_id), col(Household.address)).where(visible)
                )
            ).all(),
            key=lambda r: (r[1], natural_key(r[2]), r[0]),
        )
        ids = [r[0] for r in every[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
        found = {h.id: h for h in (await s.execute(select(Household).where(col(Household.id).in_(ids)))).scalars()}
        households = [found[i] for i in ids]
        last = dict(
            (
                await s.execute(
                    select(col(DoorVisit.household_id), func.max(col(DoorVisit.created_at)))
                    .where(col(DoorVisit.household_id).in_([h.id for h in households]))
                    .group_by(col(DoorVisit.household_id))
                )
            ).all()
        )
        zones = dict(
            (
                await s.execute(
                    select(col(Grid.id), col(Community.timezone))
                    .join(Community, col(Community.id) == col(Grid.community_id))
                    .where(col(Grid.id).in_({h.grid_id for h in households}))
                )
            ).all()
        )
        rows = [
            HouseholdRow(h, aware(last[h.id]).astimezone(zone(zones.get(h.grid_id))).date() if h.id in last else None)
            for h in households
        ]
        return HouseholdPage(rows, page, pages)
