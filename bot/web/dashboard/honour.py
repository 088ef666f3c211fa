"""The honour list (好人榜) of each community the viewer sees, for a month (the past one by default)."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.services.honour import community_honour, month_of, parse_month, previous_month
from bot.services.kernel.errors import InvalidInput
from bot.views.honour import month_label, rating_text

from .auth import viewer_page
from .html import View, layout, table

MONTHS_OFFERED = 12


@viewer_page
async def honour_page(request: web.Request, v: View) -> web.StreamResponse:
    latest = previous_month(month_of(v.core.clock.now(), v.scope.timezone))
    try:
        month = parse_month(request.query.get("month")) if request.query.get("month") else latest
    except InvalidInput:
        month = latest
    offered = [latest]
    while len(offered) < MONTHS_OFFERED:
        offered.append(previous_month(offered[-1]))
    if month not in offered:
        offered.insert(0, month)
    picker = Markup(
        '<form method="get" action="/dashboard/honour" class="inline"><label>{} <select name="month">{}</select>'
        '</label> <button type="submit">{}</button></form>'
    ).format(
        v.t("dash.honour.month"),
        Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                m, Markup(" selected") if m == month else "", month_label(v.lang, m)
            )
            for m in offered
        ),
        v.t("dash.filter.apply"),
    )
    heads = [v.t(k) for k in ("dash.col.rank", "dash.col.name", "dash.col.points_month", "dash.col.avg_rating")]
    parts = [picker, Markup('<p class="note">{}</p>').format(v.t("dash.honour.note"))]
    seen: list[int] = []
    for g in v.scope.grids:
        if g.community_id in seen:
            continue
        seen.append(g.community_id)
        honour = await community_honour(v.core, g.community_id, month)
        parts.append(
            Markup("<h2>{} · {}</h2>{}").format(
                g.community_name,
                month_label(v.lang, month),
                table(
                    heads,
                    [(r.rank, r.name or "—", r.points, rating_text(v.lang, r)) for r in honour.rows],
                    empty=v.t("honour.empty"),
                ),
            )
        )
    return layout(v, v.t("dash.honour.title"), Markup("").join(parts), active="honour")
