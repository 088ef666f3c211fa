"""The households export: a row a household of the grids (grid by grid, by number) with its visits
in the period: how many, the last one and its outcome, the problems found, and the visits
themselves as a `Ledger` (XLSX: a sheet of their own; CSV: one cell). Members' names, the address,
the phone and the notes only with contacts; the building (楼栋) where some grid has buildings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.places import paired_names
from storage.models import Building, DoorVisit, Household, Person
from storage.rows import key_of

from .export_sheet import BATCH, ExportScope, Ledger, Row, Several, Term, Visit, local


def _where(sc: ExportScope) -> list[ColumnElement[bool]]:
    return [col(Household.grid_id).in_(list(sc.grids)), col(Household.erased_at).is_(None)]


async def any_buildings(core: Core, grid_ids: list[int]) -> bool:
    """Does any of the grids have buildings (楼栋)? Then the export has a building column."""
    async with core.db.reading() as s:
        found = await s.scalar(select(col(Building.id)).where(col(Building.grid_id).in_(grid_ids)).limit(1))
    return found is not None


async def count_households(core: Core, sc: ExportScope) -> int:
    async with core.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(Household).where(*_where(sc))) or 0)


async def household_rows(core: Core, sc: ExportScope, lo: datetime, hi: datetime, after: int) -> tuple[list[Row], int]:
    """A batch of households after the first `after` (in grid and number order), with their
    paired volunteers and their visits in the period."""
    H, D = Household, DoorVisit
    async with core.db.session() as s:
        homes = (
            (
                await s.execute(
                    select(H).where(*_where(sc)).order_by(col(H.grid_id), col(H.id)).offset(after).limit(BATCH)
                )
            )
            .scalars()
            .all()
        )
        ids = [key_of(h) for h in homes]
        paired = await paired_names(s, ids)
        wanted = {h.building_id for h in homes if h.building_id is not None}
        buildings: dict[int, str] = {}
        if sc.buildings and wanted:
            found = await s.execute(select(col(Building.id), col(Building.name)).where(col(Building.id).in_(wanted)))
            buildings = {bid or 0: str(name) for bid, name in found.all()}
        visits: dict[int, list[Visit]] = {}
        if ids:
            for v, name in (
                await s.execute(
                    select(D, col(Person.name))
                    .join(Person, col(Person.id) == col(D.volunteer_id))
                    .where(col(D.household_id).in_(ids), col(D.created_at) >= lo, col(D.created_at) < hi)
                    .order_by(col(D.created_at), col(D.id))
                )
            ).all():
                visits.setdefault(v.household_id, []).append(
                    Visit(
                        local(v.created_at, sc.timezone),
                        v.week,
                        name,
                        Term("outcome", v.outcome),
                        Several(tuple(Term("flag", f) for f in v.red_flags.split(",") if f)),
                        v.note if sc.contacts else None,
                    )
                )
    out = []
    for h in homes:
        seen = visits.get(h.id or 0, [])
        flags = dict.fromkeys(f for x in seen for f in x.flags.items)  # each problem once, in the order found
        row: Row = [f"#{h.id}", sc.grids[h.grid_id]]
        if sc.buildings:  # "" for a household of no building (the import reads it so)
            row.append(buildings.get(h.building_id or 0, ""))
        if sc.contacts:
            row += [h.address, h.members, h.phone or ""]
        row += [
            h.member_count,
            Several(tuple(Term("care", c) for c in h.care_flags.split(",") if c)),
            Several(tuple(paired.get(h.id or 0, []))),
            len(seen),
            seen[-1].when if seen else None,
            seen[-1].outcome if seen else None,
            Several(tuple(flags)),
        ]
        if sc.contacts:
            row.append(h.note)
        row.append(Ledger(tuple(seen)))
        out.append(row)
    return out, (after + len(homes) if len(homes) == BATCH else -1)
