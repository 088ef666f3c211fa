"""吹哨 on the dashboard: the referrals of the viewer's grids per community (open ones first, then
those decided in the last 30 days), and where one request or meeting item stands (its page's facts)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby

from aiohttp import web
from markupsafe import Markup

from bot.services.kernel.life_common import zone
from bot.services.office import parse_grid
from bot.services.referrals import ReferralRow, ReferralState, referral_rows
from bot.views.referral_state import status_text

from .auth import viewer_page
from .html import View, grid_picker, layout, table

DECIDED_DAYS = 30
ANSWER_SHOWN = 200
COLUMNS = ("subject", "grid", "department", "status", "sent", "due", "decided", "answer")


def _at(r: ReferralState, at: datetime | None) -> str:
    return at.astimezone(zone(r.timezone)).strftime("%Y-%m-%d %H:%M") if at else "—"


def referral_facts(v: View, r: ReferralState) -> Markup:
    """Where it stands with the street office, for a request's or an item's page."""
    lines = [
        v.t("dash.referrals.with", department=r.department, status=status_text(v.lang, r)),
        v.t("dash.referrals.dates", sent=_at(r, r.sent_at), due=_at(r, r.due_at)),
    ]
    if r.decided_at is not None:
        lines.append(v.t("dash.referrals.decided_at", at=_at(r, r.decided_at)))
    if r.answer:
        lines.append(v.t("dash.referrals.answer", answer=r.answer))
    return Markup("<br>").join(lines)


def _subject(v: View, row: ReferralRow) -> Markup:
    if row.item:
        return Markup('<a href="/dashboard/meetings/{}">{}</a>').format(
            row.subject_id, v.t("referrals.item_code", code=row.code)
        )
    return Markup('<a href="/dashboard/requests/{}">{}</a>').format(row.subject_id, row.code)


def _row(v: View, row: ReferralRow) -> tuple[object, ...]:
    r = row.state
    status = Markup('<span class="st {}">{}</span>').format(
        "overdue" if r.overdue else r.status, status_text(v.lang, r)
    )
    answer = r.answer if len(r.answer) <= ANSWER_SHOWN else r.answer[: ANSWER_SHOWN - 1] + "…"
    return (
        _subject(v, row),
        row.grid,
        r.department,
        status,
        _at(r, r.sent_at),
        _at(r, r.due_at),
        _at(r, r.decided_at),
        answer or "—",
    )


@viewer_page
async def referrals_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    since = v.core.clock.now() - timedelta(days=DECIDED_DAYS)
    rows = await referral_rows(v.core, v.scope.pick(grid_id), decided_since=since)
    heads = [v.t(f"dash.referrals.col.{c}") for c in COLUMNS]
    parts = [grid_picker(v, "/dashboard/referrals", grid_id), Markup("<p>{}</p>").format(v.t("dash.referrals.intro"))]
    by_community = groupby(sorted(rows, key=lambda r: r.community), key=lambda r: r.community)
    for community, group in by_community:
        mine = list(group)
        n_open = sum(1 for r in mine if r.state.decided_at is None)
        n_late = sum(1 for r in mine if r.state.overdue)
        parts.append(
            Markup('<h2>{}</h2><p class="muted">{}</p>{}').format(
                community,
                v.t("dash.referrals.counts", open=n_open, overdue=n_late, decided=len(mine) - n_open),
                table(heads, [_row(v, r) for r in mine], cls="referrals"),
            )
        )
    if not rows:
        parts.append(Markup('<p class="empty">{}</p>').format(v.t("dash.referrals.none")))
    return layout(v, v.t("dash.referrals.title"), Markup("").join(parts), active="referrals")
