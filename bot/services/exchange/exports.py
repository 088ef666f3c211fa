"""Exports for a date range, as CSV or XLSX: requests, visits, points and hours (records of the
period), and volunteers, households and events (the people and events, with what the period held:
their points and hours, visits, sign-ups and attendance), paired units, and care plans (with the
period's occurrences done and missed).

Column headers, enum values and the sheet's name are in the viewer's language: the caller passes
the labels (bot/views/exchange.export_labels), this module only picks the rows. Addresses, phones
and notes are included only on request AND only when the viewer may see them for every grid in
the export. No cell becomes a formula (export_write.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import IO

from sqlalchemy import select
from sqlmodel import col

from bot.services.kernel.core import Core
from bot.services.kernel.errors import InvalidInput, NotAllowed, NotFound
from bot.services.kernel.ids import stored_id
from bot.services.kernel.order import natural_key
from bot.services.office import Scope, day_bounds
from storage.models import Community, Grid

from .export_households import any_buildings
from .export_rows import batches, count_rows
from .export_sheet import ExportScope, columns
from .export_write import ExportLabels, write_csv, write_xlsx

KINDS = ("requests", "visits", "points", "hours", "volunteers", "households", "events", "units", "care")
FORMATS = ("csv", "xlsx")
MAX_DAYS = 3 * 366
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    start: date
    end: date
    fmt: str = "csv"
    lang: str = "zh-CN"  # the reader's: the caller picks the labels for it


def check_request(kind: str, start: date | None, end: date | None, fmt: str) -> None:
    if kind not in KINDS:
        raise InvalidInput("export.error.kind")
    if fmt not in FORMATS:
        raise InvalidInput("export.error.format")
    if start is None or end is None:
        raise InvalidInput("export.error.dates")
    if start > end:
        raise InvalidInput("dash.error.dates_reversed")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("export.error.too_long", days=MAX_DAYS)


def viewer_export_scope(scope: Scope, grid_id: int | None, contacts: bool) -> ExportScope:
    """What a dashboard viewer's export may hold; contacts only where their role allows them."""
    grids = scope.pick(grid_id)
    if contacts and not all(scope.can_see_private(g) for g in grids):
        raise NotAllowed("export.error.contacts")
    return ExportScope({g: scope.grid(g).name for g in grids}, scope.timezone, contacts)


async def operator_scope(
    core: Core, grid: str | None = None, community: str | None = None, contacts: bool = False
) -> ExportScope:
    """The terminal's scope (`redvest export`): whoever runs it has the database already, so every
    grid, narrowed by a grid or community given by id or exact name."""
    async with core.db.session() as s:
        found = await s.execute(select(Grid, Community).join(Community, col(Community.id) == col(Grid.community_id)))
        rows = sorted(
            ((g, c) for g, c in found.all()),
            key=lambda gc: (natural_key(gc[1].name), gc[1].id or 0, natural_key(gc[0].name), gc[0].id or 0),
        )
    if community:
        rows = [(g, c) for g, c in rows if _matches(community, c.id, c.name)]
        if not rows:
            raise NotFound("export.error.no_community", ref=community)
    if grid:
        rows = [(g, c) for g, c in rows if _matches(grid, g.id, g.name)]
        if not rows:
            raise NotFound("export.error.no_grid", ref=grid)
        if len(rows) > 1:
            raise InvalidInput("export.error.ambiguous_grid", ref=grid)
    communities = {c.id: c for _, c in rows}
    several = len(communities) > 1
    names = {stored_id(g.id): f"{c.name} / {g.name}" if several else g.name for g, c in rows}
    tz = next(iter(communities.values())).timezone if len(communities) == 1 else core.cfg.bot.timezone
    return ExportScope(names, tz, contacts)


def _matches(ref: str, row_id: int | None, name: str) -> bool:
    ref = ref.strip()
    return (ref.isdigit() and int(ref) == row_id) or ref == name


def filename(req: ExportRequest) -> str:
    return f"redvest-{req.kind}-{req.start.isoformat()}-{req.end.isoformat()}.{req.fmt}"


async def write_export(
    core: Core,
    req: ExportRequest,
    sc: ExportScope,
    out: IO[bytes],
    labels: ExportLabels,
    progress: Progress | None = None,
) -> int:
    """Write the export to the binary stream `out`; returns the number of data rows (of its first
    sheet). `progress(done, total)` is called after each batch (for a progress bar)."""
    check_request(req.kind, req.start, req.end, req.fmt)
    if req.kind in ("households", "visits"):  # a building column where some grid has buildings
        sc = replace(sc, buildings=await any_buildings(core, list(sc.grids)))
    lo, hi = day_bounds(sc.timezone, req.start, req.end)
    assert lo is not None and hi is not None
    total = await count_rows(core, req.kind, sc, lo, hi)
    cols = columns(req.kind, sc.contacts, sc.buildings)
    if progress:
        progress(0, total)

    def step(done: int) -> None:
        if progress:
            progress(done, max(total, done))

    rows = batches(core, req.kind, sc, lo, hi)
    if req.fmt == "csv":
        return await write_csv(out, [labels.header(c) for c in cols], rows, labels, step)
    return await write_xlsx(out, req.kind, cols, sc.contacts, rows, labels, step)


async def export_bytes(core: Core, req: ExportRequest, sc: ExportScope, labels: ExportLabels) -> bytes:
    buf = io.BytesIO()
    await write_export(core, req, sc, buf, labels)
    return buf.getvalue()
