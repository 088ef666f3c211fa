"""Overview: this week's key figures and four weekly charts."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from bot.services.buildings import BuildingLine
from bot.services.office import STATUS_GROUPS, parse_grid, week_figures, weekly_trends

from .auth import viewer_page
from .html import View, banner, figure, grid_picker, layout, table, url
from .svg import PALETTE, Series, bar_chart


def _duration(v: View, minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 90:
        return v.t("dash.unit.minutes", n=int(round(minutes)))
    return v.t("dash.unit.hours", n=f"{minutes / 60:.1f}")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def buildings_table(v: View, lines: list[BuildingLine]) -> Markup:
    """This week by building (楼栋): households, visited, open problems; the grid named when several."""
    several = len({b.grid_id for b in lines}) > 1
    headers = ([v.t("buildings.dash.grid")] if several else []) + [
        v.t("buildings.dash.building"),
        v.t("buildings.dash.households"),
        v.t("buildings.dash.visited"),
        v.t("buildings.dash.problems"),
    ]
    rows = [
        ([v.scope.grid(b.grid_id).name] if several else [])
        + [b.name or v.t("buildings.none"), b.households, b.visited, b.open_problems]
        for b in lines
    ]
    return Markup("<h2>{}</h2>{}").format(v.t("buildings.dash.title"), table(headers, rows))


@viewer_page
async def overview_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    fig = await week_figures(v.core, v.scope, grid_id)
    tr = await weekly_trends(v.core, v.scope, grid_id)
    parts: list[Markup] = [grid_picker(v, "/dashboard/", grid_id)]
    for reason in fig.emergencies:
        parts.append(banner(v.t("dash.overview.emergency_on", reason=reason), "bad"))
    if not v.scope.grids:
        parts.append(banner(v.t("dash.overview.no_grids"), "warn"))
    if fig.pending_volunteers:
        parts.append(
            Markup('<p class="banner warn"><a href="{}">{}</a></p>').format(
                url("/dashboard/volunteers", grid=grid_id), v.tn("dash.overview.pending", fig.pending_volunteers)
            )
        )
    cov = fig.visits / fig.paired_households if fig.paired_households else None
    figures = [
        figure(v.t("dash.fig.opened"), fig.opened),
        figure(v.t("dash.fig.accepted"), fig.accepted),
        figure(v.t("dash.fig.done"), fig.done),
        figure(
            v.t("dash.fig.open_now"),
            fig.open_now,
            v.t("dash.fig.escalated", n=fig.escalated_open) if fig.escalated_open else "",
        ),
        figure(v.t("dash.fig.time_to_accept"), _duration(v, fig.median_accept_minutes), v.t("dash.fig.median")),
        figure(v.t("dash.fig.satisfaction"), _pct(fig.satisfaction), v.tn("dash.fig.ratings", fig.ratings)),
        figure(v.t("dash.fig.visits"), fig.visits, v.t("dash.fig.coverage", pct=_pct(cov)) if cov is not None else ""),
        figure(v.t("dash.fig.stale"), fig.stale_households, v.t("dash.fig.stale_note")),
        figure(v.t("dash.fig.hours"), f"{fig.hours:g}", v.tn("dash.fig.points", fig.points)),
        figure(v.t("dash.fig.volunteers"), fig.active_volunteers),
    ]
    parts.append(
        Markup('<h2>{}</h2><p class="muted">{}</p><div class="figs">{}</div>').format(
            v.t("dash.overview.this_week"),
            v.t("dash.overview.since", date=fig.since.strftime("%Y-%m-%d")),
            Markup("").join(figures),
        )
    )
    if fig.buildings:
        parts.append(buildings_table(v, fig.buildings))
    labels = [w.strftime("%m-%d") for w in tr.week_starts]
    no_data = v.t("dash.chart.no_data")
    charts = [
        bar_chart(
            v.t("dash.chart.requests"),
            labels,
            [Series(v.label(f"dash.group.{g}", g), tr.requests[g], PALETTE[i]) for i, g in enumerate(STATUS_GROUPS)],
            empty_text=no_data,
        ),
        bar_chart(
            v.t("dash.chart.time_to_accept"),
            labels,
            [Series(v.t("dash.chart.hours"), [None if m is None else m / 60 for m in tr.accept_minutes], PALETTE[3])],
            fmt=lambda x: f"{x:.1f}",
            empty_text=no_data,
        ),
        bar_chart(
            v.t("dash.chart.satisfaction"),
            labels,
            [
                Series(
                    v.t("dash.chart.share_good"), [None if s is None else s * 100 for s in tr.satisfaction], PALETTE[1]
                )
            ],
            fmt=lambda x: f"{x:.0f}%",
            max_value=100,
            empty_text=no_data,
        ),
        bar_chart(
            v.t("dash.chart.coverage"),
            labels,
            [Series(v.t("dash.chart.visited"), [None if c is None else c * 100 for c in tr.coverage], PALETTE[0])],
            fmt=lambda x: f"{x:.0f}%",
            max_value=100,
            empty_text=no_data,
        ),
    ]
    parts.append(
        Markup('<h2>{}</h2><div class="charts">{}</div>').format(v.t("dash.overview.trends"), Markup("").join(charts))
    )
    return layout(v, v.t("dash.overview.title"), Markup("").join(parts), active="overview")
