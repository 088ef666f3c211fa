"""The notices (小喇叭) sent to the viewer's grids and communities: where, to whom, by whom, when,
and how far each was delivered."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.services.loudspeaker import NoticeRow, notice_history
from bot.services.office import parse_grid
from bot.views.loudspeaker import audience_label

from .auth import viewer_page
from .html import View, grid_picker, layout, table, when

EXCERPT = 120  # characters of a notice in the list


@viewer_page
async def notices_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    grids = v.scope.pick(grid_id)
    communities = sorted({g.community_id for g in v.scope.grids if g.id in grids})
    rows = await notice_history(v.core, grids, communities, v.scope.timezone)
    heads = [
        v.t(k)
        for k in (
            "dash.col.sent_at",
            "dash.col.place",
            "dash.col.audience",
            "dash.col.sender",
            "dash.col.notice",
            "dash.col.delivered",
            "dash.col.failed",
            "dash.col.muted",
        )
    ]

    def row(r: NoticeRow) -> tuple[object, ...]:
        place = v.t("dash.notices.whole", community=r.place) if r.community_wide else r.place
        text = r.text if len(r.text) <= EXCERPT else r.text[: EXCERPT - 1] + "…"
        if r.urgent:
            text = Markup("<strong>{}</strong> · {}").format(v.t("dash.notices.urgent"), text)
        delivered = f"{r.delivered}/{r.recipients}" + ("" if r.finished else f" ({v.t('dash.notices.sending')})")
        return (
            when(r.sent_at),
            place,
            audience_label(v.lang, r.audience),
            r.sender,
            text,
            delivered,
            r.failed,
            r.muted,
        )

    body = Markup("{}{}").format(
        grid_picker(v, "/dashboard/notices", grid_id),
        table(heads, [row(r) for r in rows], empty=v.t("dash.notices.none")),
    )
    return layout(v, v.t("dash.notices.title"), body, active="notices")
