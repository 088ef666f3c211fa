"""Exports: a form (kind, dates, grid, format) and the download it leads to."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from markupsafe import Markup

from bot.services.exchange import (
    FORMATS,
    KINDS,
    ExportRequest,
    check_request,
    export_bytes,
    filename,
    viewer_export_scope,
)
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.life_common import zone
from bot.services.office import parse_date, parse_grid
from bot.views.exchange import export_labels

from .auth import viewer_page
from .html import View, layout, options, url

MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@viewer_page
async def exports_page(request: web.Request, v: View) -> web.StreamResponse:
    today = v.core.clock.now().astimezone(zone(v.scope.timezone)).date()
    start = today.replace(day=1) if today.day > 1 else (today - timedelta(days=1)).replace(day=1)
    kinds = [(k, v.t(f"export.kind.{k}")) for k in KINDS]
    grids = [("", v.t("dash.filter.all_grids"))] + [(g.id, g.name) for g in v.scope.grids]
    kind = request.query.get("kind", "requests")  # a page's "Export" link names what it shows
    grid = request.query.get("grid", "")
    form = Markup(
        '<form method="get" action="/dashboard/exports/download" class="filters">'
        '<label>{} <select name="kind">{}</select></label>'
        '<label>{} <input type="date" name="from" value="{}" required></label>'
        '<label>{} <input type="date" name="to" value="{}" required></label>'
        '<label>{} <select name="grid">{}</select></label>'
        '<label>{} <select name="format">{}</select></label>'
        '<label class="check"><input type="checkbox" name="contacts" value="1"> {}</label>'
        '<button type="submit" class="primary">{}</button></form><p class="muted">{}</p>'
    ).format(
        v.t("dash.exports.kind"),
        options(kinds, kind if kind in KINDS else "requests"),
        v.t("dash.filter.from"),
        start.isoformat(),
        v.t("dash.filter.to"),
        today.isoformat(),
        v.t("dash.filter.grid"),
        options(grids, grid if grid.isdigit() else ""),
        v.t("dash.exports.format"),
        options([(f, f.upper()) for f in FORMATS], "xlsx"),
        v.t("dash.exports.contacts"),
        v.t("dash.exports.download"),
        v.t("dash.exports.note"),
    )
    return layout(v, v.t("dash.exports.title"), form, active="exports")


def export_link(v: View, kind: str, grid_id: int | None) -> Markup:
    """A page's link to the exports form, with its kind and grid chosen."""
    return Markup('<p><a href="{}">{}</a></p>').format(
        url("/dashboard/exports", kind=kind, grid=grid_id), v.t("dash.exports.link")
    )


@viewer_page
async def download(request: web.Request, v: View) -> web.StreamResponse:
    q = request.query
    kind, fmt = q.get("kind", ""), q.get("format", "csv")
    start, end = parse_date(q.get("from")), parse_date(q.get("to"))
    check_request(kind, start, end, fmt)
    assert start is not None and end is not None
    scope = viewer_export_scope(v.scope, parse_grid(q.get("grid"), v.scope), q.get("contacts") == "1")
    if not scope.grids:
        raise InvalidInput("export.error.no_grids")
    req = ExportRequest(kind, start, end, fmt, v.lang)
    data = await export_bytes(v.core, req, scope, export_labels(v.lang))
    return web.Response(
        body=data,
        content_type=MIME[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename(req)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
