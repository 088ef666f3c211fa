"""Volunteers (approval queue, points, hours, last activity) and households (visit coverage)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.i18n import join_list
from bot.services.office import (
    NO_BUILDING,
    HouseholdPage,
    HouseholdRow,
    household_page,
    parse_building,
    parse_grid,
    volunteer_lists,
)
from bot.services.people import volunteers

from .auth import viewer_page
from .certificates import certificate_link
from .exports import export_link
from .html import View, banner, figure, grid_picker, layout, options, table, url, when


def _page_no(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _pager(v: View, path: str, page: int, pages: int, **keep: Any) -> Markup:
    if pages < 2:
        return Markup("")
    prev = Markup('<a href="{}">‹</a>').format(url(path, page=page - 1, **keep)) if page > 1 else ""
    nxt = Markup('<a href="{}">›</a>').format(url(path, page=page + 1, **keep)) if page < pages else ""
    return Markup('<p class="pager">{} {} {}</p>').format(prev, v.t("dash.page", page=page, pages=pages), nxt)


@viewer_page
async def volunteers_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    lists = await volunteer_lists(v.core, v.scope, grid_id, _page_no(request))

    def skills(xs: list[str]) -> str:
        return join_list(v.lang, [v.value("skill", x) for x in xs]) or "—"

    pending_rows = [
        (
            r.name,
            r.grid,
            v.value("work_group", r.work_group),
            v.t("dash.yes") if r.party_member else "",
            skills(r.skills),
            r.phone or "—",
            when(r.applied_at),
            Markup(
                '<form method="post" action="/dashboard/volunteers/{}/approve">{}<button class="primary">{}</button></form>'
            ).format(r.profile_id, v.csrf, v.t("dash.volunteers.approve")),
        )
        for r in lists.pending
    ]
    pending = table(
        [
            v.t(k)
            for k in (
                "dash.col.name",
                "dash.col.grid",
                "dash.col.work_group",
                "dash.col.party",
                "dash.col.skills",
                "dash.col.phone",
                "dash.col.applied",
                "dash.col.action",
            )
        ],
        pending_rows,
        empty=v.t("dash.volunteers.none_pending"),
    )
    active_rows = [
        (
            r.name,
            r.grid,
            r.points,
            f"{r.hours:g}",
            r.tasks_done,
            when(r.last_active),
            v.t("dash.yes") if r.shock_team else "",
            r.phone or "—",
            certificate_link(v, r.person_id),
        )
        for r in lists.active
    ]
    active = table(
        [
            v.t(k)
            for k in (
                "dash.col.name",
                "dash.col.grid",
                "dash.col.points",
                "dash.col.hours",
                "dash.col.tasks_done",
                "dash.col.last_active",
                "dash.col.shock_team",
                "dash.col.phone",
                "dash.col.certificate",
            )
        ],
        active_rows,
        empty=v.t("dash.volunteers.none"),
    )
    done = request.query.get("done")
    body = Markup("{}{}{}<h2>{} ({})</h2>{}<h2>{} ({})</h2>{}{}").format(
        banner(v.t("dash.flash.approved")) if done == "approved" else "",
        grid_picker(v, "/dashboard/volunteers", grid_id),
        export_link(v, "volunteers", grid_id),
        v.t("dash.volunteers.queue"),
        len(lists.pending),
        pending,
        v.t("dash.volunteers.active"),
        lists.total_active,
        active,
        _pager(v, "/dashboard/volunteers", lists.page, lists.pages, grid=grid_id),
    )
    return layout(v, v.t("dash.volunteers.title"), body, active="volunteers")


@viewer_page
async def approve_action(request: web.Request, v: View) -> web.StreamResponse:
    """The same approval as the bot's button: role, grid and state checked by the service."""
    await volunteers.approve_volunteer(v.core, v.scope.actor, int(request.match_info["profile_id"]))
    raise web.HTTPSeeOther("/dashboard/volunteers?done=approved")


def _building_value(building: int | None) -> str:
    return "" if building is None else "none" if building == NO_BUILDING else str(building)


def building_picker(v: View, hp: HouseholdPage, grid_id: int | None, stale: str) -> Markup:
    """A GET form to narrow the households to one building (楼栋), or to those of none yet: only
    where the grids shown have buildings (whose addresses the viewer sees)."""
    if not hp.buildings:
        return Markup("")
    several = len({g for _, g, _ in hp.buildings}) > 1
    choices = (
        [("", v.t("buildings.dash.all"))]
        + [(bid, f"{grid} · {name}" if several else name) for bid, grid, name in hp.buildings]
        + [("none", v.t("buildings.none"))]
    )
    hidden = Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(k, val)
        for k, val in (("grid", grid_id), ("stale", stale))
        if val not in (None, "")
    )
    return Markup(
        '<form method="get" action="/dashboard/households" class="inline">{}<label>{} <select name="building">{}'
        '</select></label> <button type="submit">{}</button></form>'
    ).format(
        hidden, v.t("buildings.dash.building"), options(choices, _building_value(hp.building)), v.t("dash.filter.apply")
    )


@viewer_page
async def households_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    only_stale = request.query.get("stale") == "1"
    building = parse_building(request.query.get("building"))
    hp = await household_page(
        v.core, v.scope, grid_id, only_stale=only_stale, page=_page_no(request), building=building
    )
    stale, chosen = "1" if only_stale else "", _building_value(building)
    cov = "—" if hp.coverage is None else f"{hp.coverage * 100:.0f}%"
    figs = Markup('<div class="figs">{}{}{}</div>').format(
        figure(v.t("dash.households.total"), hp.total),
        figure(v.t("dash.households.coverage"), cov, v.t("dash.households.coverage_note")),
        figure(v.t("dash.households.stale"), hp.stale, v.t("dash.fig.stale_note")),
    )
    switch = Markup('<p><a href="{}">{}</a></p>').format(
        url("/dashboard/households", grid=grid_id, stale="" if only_stale else "1", building=chosen),
        v.t("dash.households.show_all") if only_stale else v.t("dash.households.show_stale"),
    )
    with_buildings = bool(hp.buildings)  # the column where the grids shown have buildings

    def building_cell(r: HouseholdRow) -> list[str]:
        if not with_buildings:
            return []
        return [v.t("dash.hidden") if r.building is None else r.building or "—"]

    rows = [
        (
            Markup('<span class="{}">#{}</span>').format("stale" if r.stale else "", r.id),
            r.grid,
            *building_cell(r),
            r.address if r.address is not None else v.t("dash.hidden"),
            r.members or "—",
            join_list(v.lang, [v.value("care", c) for c in r.care_flags]) or "—",
            join_list(v.lang, r.volunteers) or "—",
            when(r.last_visit),
            v.value("outcome", r.last_outcome) if r.last_outcome else "—",
            v.t("dash.households.overdue") if r.stale else "",
        )
        for r in hp.rows
    ]
    heads = [
        v.t(k)
        for k in (
            "dash.col.household",
            "dash.col.grid",
            *(["buildings.dash.building"] if with_buildings else []),
            "dash.col.address",
            "dash.col.members",
            "dash.col.care",
            "dash.col.paired",
            "dash.col.last_visit",
            "dash.col.outcome",
            "dash.col.note",
        )
    ]
    body = Markup("{}{}{}{}{}{}{}").format(
        grid_picker(v, "/dashboard/households", grid_id, stale=stale),
        building_picker(v, hp, grid_id, stale),
        figs,
        export_link(v, "households", grid_id),
        switch,
        table(heads, rows, empty=v.t("dash.households.none")),
        _pager(v, "/dashboard/households", hp.page, hp.pages, grid=grid_id, stale=stale, building=chosen),
    )
    return layout(v, v.t("dash.households.title"), body, active="households")
