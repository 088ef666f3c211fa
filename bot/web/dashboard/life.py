"""Events with their sign-ups, and emergency status (who answered the call-up)."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.services.office import EventRow, emergency_rows, event_rows, parse_grid

from .auth import viewer_page
from .exports import export_link
from .html import View, grid_picker, layout, table, when


def _names(names: list[str], limit: int = 30) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" … (+{len(names) - limit})" if len(names) > limit else "") if names else "—"


@viewer_page
async def events_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    now = v.core.clock.now()
    rows = await event_rows(v.core, v.scope, grid_id)
    upcoming = sorted((r for r in rows if r.starts_at >= now), key=lambda r: r.starts_at)
    past = [r for r in rows if r.starts_at < now]
    heads = [
        v.t(k)
        for k in (
            "dash.col.when",
            "dash.col.event",
            "dash.col.place",
            "dash.col.grid",
            "dash.col.signed",
            "dash.col.names",
        )
    ]

    def row(r: EventRow) -> tuple[str, ...]:
        title = r.title + (f" ({v.t('dash.events.cancelled')})" if r.cancelled else "")
        if r.kind == "service_day":
            title = f"{v.t('dash.events.service_day')} · {title}"
        taken = len(r.signed) + len(r.attended)
        names = _names(r.signed + r.attended)
        if r.attended or r.no_show:
            names = v.t("dash.events.attendance", attended=len(r.attended), no_show=len(r.no_show)) + " · " + names
        return (
            when(r.starts_at),
            title,
            r.place or "—",
            r.grid or v.t("dash.whole_community"),
            f"{taken}/{r.slots}",
            names,
        )

    body = Markup("{}{}<h2>{}</h2>{}<h2>{}</h2>{}").format(
        grid_picker(v, "/dashboard/events", grid_id),
        export_link(v, "events", grid_id),
        v.t("dash.events.upcoming"),
        table(heads, [row(r) for r in upcoming], empty=v.t("dash.events.none_upcoming")),
        v.t("dash.events.past"),
        table(heads, [row(r) for r in past], empty=v.t("dash.events.none_past")),
    )
    return layout(v, v.t("dash.events.title"), body, active="events")


@viewer_page
async def emergency_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    rows = await emergency_rows(v.core, v.scope, grid_id)
    active = [r for r in rows if r.active]
    parts = [grid_picker(v, "/dashboard/emergency", grid_id)]
    if not active:
        parts.append(Markup('<p class="banner ok">{}</p>').format(v.t("dash.emergency.none_active")))
    for r in active:
        parts.append(
            Markup(
                '<section class="emergency"><h2>{}</h2><p>{}</p><div class="figs">{}{}{}</div>'
                "<p><strong>{}</strong> {}</p><p><strong>{}</strong> {}</p></section>"
            ).format(
                v.t("dash.emergency.active", reason=r.reason),
                v.t("dash.emergency.where", place=r.grid or r.community, since=when(r.started_at)),
                Markup('<div class="fig"><span class="value">{}</span><span class="label">{}</span></div>').format(
                    f"{len(r.on_duty)}/{r.target}", v.value("duty", "on_duty")
                ),
                Markup('<div class="fig"><span class="value">{}</span><span class="label">{}</span></div>').format(
                    len(r.cant), v.value("duty", "cant")
                ),
                Markup('<div class="fig"><span class="value">{}</span><span class="label">{}</span></div>').format(
                    max(r.shock_team - len(r.on_duty) - len(r.cant), 0), v.t("dash.emergency.no_answer")
                ),
                v.value("duty", "on_duty"),
                _names(r.on_duty, 100),
                v.value("duty", "cant"),
                _names(r.cant, 100),
            )
        )
    ended = [r for r in rows if not r.active]
    heads = [
        *(v.t(k) for k in ("dash.col.reason", "dash.col.place", "dash.col.started", "dash.col.ended")),
        v.value("duty", "on_duty"),
    ]
    parts.append(
        Markup("<h2>{}</h2>{}").format(
            v.t("dash.emergency.recent"),
            table(
                heads,
                [
                    (r.reason, r.grid or r.community, when(r.started_at), when(r.ended_at), len(r.on_duty))
                    for r in ended
                ],
                empty=v.t("dash.emergency.none_recent"),
            ),
        )
    )
    return layout(v, v.t("dash.emergency.title"), Markup("").join(parts), active="emergency")
