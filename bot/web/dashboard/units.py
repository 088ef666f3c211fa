"""Paired units (包联单位): each unit of the viewer's grids with its contact, paired communities, members
there, this month's tasks done, hours and points, and its claims not yet done."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.i18n import join_list
from bot.services.kernel.life_common import zone
from bot.services.office import parse_grid
from bot.services.units import unit_figures

from .auth import viewer_page
from .exports import export_link
from .html import View, grid_picker, layout, table

COLUMNS = ("unit", "contact", "communities", "unit_members", "tasks_done", "hours", "points", "open_claims")


@viewer_page
async def units_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    grids = [grid_id] if grid_id is not None else [g.id for g in v.scope.grids]
    now = v.core.clock.now()
    local = now.astimezone(zone(v.scope.timezone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = [
        (
            f.name,
            f.contact or "—",
            join_list(v.lang, list(f.communities)) or "—",
            f.members,
            f.tasks_done,
            f"{f.hours:g}",
            f.points,
            f.open_claims,
        )
        for f in await unit_figures(v.core, grids, start, now)
    ]
    body = Markup("{}{}<p>{}</p>{}").format(
        grid_picker(v, "/dashboard/units", grid_id),
        export_link(v, "units", grid_id),
        v.t("dash.units.period", month=start.strftime("%Y-%m")),
        table([v.t(f"export.col.{c}") for c in COLUMNS], rows, empty=v.t("dash.units.none")),
    )
    return layout(v, v.t("dash.units.title"), body, active="units")
