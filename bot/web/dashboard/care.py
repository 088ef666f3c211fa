"""Care plans (关爱计划) on the dashboard: every plan of the viewer's grids, running or paused, a row
each: the household by number and its kind of need (never its address or phone: those stay in chat,
with the people who call), the service, how often, who does it, its state, when it was last done and
is next due, and the last four weeks' occurrences done and missed. The plans are changed in chat
(/care); the export link gives the same rows as CSV or XLSX."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from markupsafe import Markup

from bot.services.care import CareRow, care_rows
from bot.services.kernel.life_common import zone
from bot.services.office import parse_grid
from bot.views.care import care_text, rule_text
from bot.views.meetings import day_text

from .auth import viewer_page
from .exports import export_link
from .html import View, grid_picker, layout, table

DAYS = 28
COLUMNS = ("household", "grid", "kind", "service", "frequency", "volunteer", "state", "last_done", "next_due")


def _row(v: View, r: CareRow) -> tuple[object, ...]:
    missed = Markup('<span class="stale">{}</span>').format(r.missed) if r.missed else "0"
    return (
        f"#{r.household_id}",
        v.scope.grid(r.grid_id).name,
        care_text(v.lang, r.care_flags),
        r.what,
        rule_text(v.lang, r.weekday, r.every_days),
        r.volunteer or v.t("dash.care.nobody"),
        v.t(f"care.status.{r.status}"),
        day_text(v.lang, r.last_done) if r.last_done else "—",
        day_text(v.lang, r.next_due) if r.next_due else "—",
        r.done,
        missed,
    )


@viewer_page
async def care_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    today = v.core.clock.now().astimezone(zone(v.scope.timezone)).date()
    rows = await care_rows(v.core, v.scope.pick(grid_id), since=today - timedelta(days=DAYS - 1), until=today)
    heads = [v.t(f"dash.care.col.{c}") for c in (*COLUMNS, "done", "missed")]
    figures = v.t(
        "dash.care.figures",
        plans=len(rows),
        paused=sum(r.status == "paused" for r in rows),
        missed=sum(r.missed for r in rows),
        days=DAYS,
    )
    body = Markup('{}<p>{}</p><p class="note">{}</p>{}{}').format(
        grid_picker(v, "/dashboard/care", grid_id),
        v.t("dash.care.intro", days=DAYS),
        figures,
        table(heads, [_row(v, r) for r in rows], empty=v.t("dash.care.none")),
        export_link(v, "care", grid_id),
    )
    return layout(v, v.t("dash.care.title"), body, active="care")
