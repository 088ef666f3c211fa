"""The request board: filters, paging, one request with its timeline, and the leader's actions
(dispatch, reassign, close) through the very services the bot's buttons call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.i18n import join_list
from bot.services import requests as board
from bot.services.kernel.errors import InvalidInput
from bot.services.office import (
    ACTIVE_FILTER,
    BoardFilter,
    RequestDetail,
    list_requests,
    parse_board_filter,
    request_detail,
)
from bot.services.requests import ACTIVE, LIVE
from bot.views.requests.labels import when_label
from storage.enums import Category, RequestStatus

from .auth import viewer_page
from .html import View, banner, layout, options, table, url, when
from .proof import photos_section
from .referrals import referral_facts

KNOWN_ACTIONS = {
    "request.create",
    "request.cancel",
    "request.comment",
    "request.confirm",
    "request.escalate",
    "request.not_duplicate",
    "request.possible_duplicate",
    "request.rate",
    "request.reopen",
    "request.close",
    "request.out_of_scope",
    "request.duplicate",
    "task.claim",
    "task.dispatch",
    "task.start",
    "task.done",
    "task.release",
    "task.unit_release",
    "task.unit_take_back",
    "task.reassign",
    "referral.sent",
    "referral.accepted",
    "referral.answered",
    "referral.handed_back",
    "referral.overdue",
    "referral.withdrawn",
}
FLASH = {"dispatched": "dash.flash.dispatched", "reassigned": "dash.flash.reassigned", "closed": "dash.flash.closed"}


def _filter_form(v: View, f: BoardFilter) -> Markup:
    statuses = [("", v.t("dash.filter.any")), (ACTIVE_FILTER, v.t("dash.filter.active"))] + [
        (s.value, v.value("status", s.value)) for s in RequestStatus
    ]
    cats = [("", v.t("dash.filter.any"))] + [(c.value, v.value("category", c.value)) for c in Category]
    grids = [("", v.t("dash.filter.all_grids"))] + [(g.id, g.name) for g in v.scope.grids]
    return Markup(
        '<form method="get" action="/dashboard/requests" class="filters">'
        '<label>{} <select name="status">{}</select></label>'
        '<label>{} <select name="category">{}</select></label>'
        '<label>{} <select name="grid">{}</select></label>'
        '<label>{} <input type="date" name="from" value="{}"></label>'
        '<label>{} <input type="date" name="to" value="{}"></label>'
        '<button type="submit" class="primary">{}</button> <a href="/dashboard/requests">{}</a></form>'
    ).format(
        v.t("dash.filter.status"),
        options(statuses, f.status),
        v.t("dash.filter.category"),
        options(cats, f.category),
        v.t("dash.filter.grid"),
        options(grids, f.grid_id),
        v.t("dash.filter.from"),
        f.date_from or "",
        v.t("dash.filter.to"),
        f.date_to or "",
        v.t("dash.filter.apply"),
        v.t("dash.filter.reset"),
    )


@viewer_page
async def board_page(request: web.Request, v: View) -> web.StreamResponse:
    notice = Markup("")
    try:
        f = parse_board_filter(request.query, v.scope)
    except InvalidInput as e:
        f, notice = BoardFilter(), banner(v.t(e.key), "bad")
    page = await list_requests(v.core, v.scope, f)
    rows = [
        (
            Markup('<a href="/dashboard/requests/{}">{}</a>').format(r.id, r.code),
            when(r.created_at),
            r.grid,
            v.value("category", r.category),
            Markup('<span class="st {}">{}</span>{}').format(
                r.status, v.value("status", r.status), Markup(" ⚠") if r.escalation_level else ""
            ),
            r.summary[:80],
            f"{r.slots_taken}/{r.slots}",
            join_list(v.lang, r.volunteers) or "—",
        )
        for r in page.rows
    ]
    heads = [
        v.t(k)
        for k in (
            "dash.col.code",
            "dash.col.created",
            "dash.col.grid",
            "dash.col.category",
            "dash.col.status",
            "dash.col.summary",
            "dash.col.slots",
            "dash.col.volunteers",
        )
    ]
    keep = dict(status=f.status, category=f.category, grid=f.grid_id, **{"from": f.date_from, "to": f.date_to})
    pager = Markup("")
    if page.pages > 1:
        prev = (
            Markup('<a href="{}">‹</a>').format(url("/dashboard/requests", page=page.page - 1, **keep))
            if page.page > 1
            else ""
        )
        nxt = (
            Markup('<a href="{}">›</a>').format(url("/dashboard/requests", page=page.page + 1, **keep))
            if page.page < page.pages
            else ""
        )
        pager = Markup('<p class="pager">{} {} {}</p>').format(
            prev, v.t("dash.page", page=page.page, pages=page.pages), nxt
        )
    body = Markup('{}{}<p class="muted">{}</p>{}{}').format(
        notice,
        _filter_form(v, f),
        v.tn("dash.board.count", page.total),
        table(heads, rows, empty=v.t("dash.board.empty"), cls="board"),
        pager,
    )
    return layout(v, v.t("dash.board.title"), body, active="requests")


def _actions(v: View, d: RequestDetail) -> Markup:
    req, out = d.request, []
    base = f"/dashboard/requests/{req.id}"
    live = [(h.person_id, h.name) for h in d.holders if h.status in LIVE and h.unit is None]  # a unit's: on /board
    cands = options(d.candidates, None)
    if req.status == RequestStatus.open.value and d.candidates:
        out.append(
            Markup(
                '<form method="post" action="{}/dispatch" class="action">{}<h3>{}</h3>'
                '<label>{} <select name="volunteer">{}</select></label> <button class="primary">{}</button></form>'
            ).format(
                base,
                v.csrf,
                v.t("dash.action.dispatch_title"),
                v.t("dash.action.volunteer"),
                cands,
                v.t("dash.action.dispatch"),
            )
        )
    if req.status in (RequestStatus.open.value, RequestStatus.filled.value) and live and d.candidates:
        out.append(
            Markup(
                '<form method="post" action="{}/reassign" class="action">{}<h3>{}</h3>'
                '<label>{} <select name="from">{}</select></label> <label>{} <select name="to">{}</select></label>'
                " <button>{}</button></form>"
            ).format(
                base,
                v.csrf,
                v.t("dash.action.reassign_title"),
                v.t("dash.action.from"),
                options(live, None),
                v.t("dash.action.to"),
                cands,
                v.t("dash.action.reassign"),
            )
        )
    if req.status in ACTIVE:
        out.append(
            Markup(
                '<form method="post" action="{}/close" class="action">{}<h3>{}</h3>'
                '<label>{} <input name="reason" maxlength="500" required></label> <button class="danger">{}</button>'
                "</form>"
            ).format(base, v.csrf, v.t("dash.action.close_title"), v.t("dash.action.reason"), v.t("dash.action.close"))
        )
    return Markup("").join(out)


@viewer_page
async def request_page(request: web.Request, v: View) -> web.StreamResponse:
    d = await request_detail(v.core, v.scope, int(request.match_info["id"]))
    req = d.request
    done = request.query.get("done", "")
    facts = [
        (v.t("dash.col.status"), v.value("status", req.status)),
        (v.t("dash.col.category"), v.value("category", req.category)),
        (v.t("dash.col.grid"), d.grid.name),
        (v.t("dash.col.created"), when(d.created_at)),
        (v.t("dash.col.when"), when_label(v.lang, req.when_kind, req.when_date, v.core.clock.now().year)),
        (v.t("dash.col.slots"), f"{req.slots_taken}/{req.slots}"),
        (v.t("dash.col.resident"), d.resident or "—"),
        (v.t("dash.col.summary"), req.summary),
    ]
    if d.private:
        facts += [(v.t("dash.col.address"), d.address or "—"), (v.t("dash.col.phone"), d.phone or "—")]
    if d.referral is not None:
        facts.append((v.t("dash.referrals.fact"), referral_facts(v, d.referral)))
    if req.close_reason:
        facts.append((v.t("dash.col.reason"), req.close_reason))
    if d.rating:
        facts.append((v.t("dash.col.rating"), f"{'★' * (d.rating.stars or 0)} {d.rating.comment or ''}".strip() or "—"))
    holders = table(
        [v.t("dash.col.volunteer"), v.t("dash.col.status"), v.t("dash.col.hours")],
        [
            (h.name + (f" · 🏢 {h.unit}" if h.unit else ""), v.value("assignment", h.status), _hours(h.hours))
            for h in d.holders
        ],
        empty=v.t("dash.request.no_volunteers"),
    )
    timeline = table(
        [v.t("dash.col.time"), v.t("dash.col.who"), v.t("dash.col.what")],
        [(when(e.at), e.actor or v.t("dash.timeline.system"), _event_text(v, e.action, e.detail)) for e in d.timeline],
        empty=v.t("dash.timeline.empty"),
        cls="timeline",
    )
    body = Markup(
        '{}<dl class="facts">{}</dl><h2>{}</h2>{}{}<h2>{}</h2>{}<h2>{}</h2>{}<p><a href="/dashboard/requests">{}</a></p>'
    ).format(
        banner(v.t(FLASH[done])) if done in FLASH else "",
        Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(k, val) for k, val in facts),
        v.t("dash.request.volunteers"),
        holders,
        await photos_section(v, req.id or 0),
        v.t("dash.request.actions"),
        _actions(v, d) or Markup('<p class="muted">{}</p>').format(v.t("dash.request.no_actions")),
        v.t("dash.request.timeline"),
        timeline,
        v.t("dash.request.back"),
    )
    return layout(v, v.t("dash.request.title", code=req.code or f"#{req.id}"), body, active="requests")


def _hours(hours: float | None) -> str:
    return "—" if hours is None else f"{hours:g}"


def _event_text(v: View, action: str, detail: dict[str, Any]) -> str:
    """The audit action in words; details that are ids of people are not shown raw."""
    text = v.t(f"dash.audit.{action.replace('.', '_')}") if action in KNOWN_ACTIONS else action
    extra = [f"{k}: {val}" for k, val in detail.items() if k in ("hours", "reason", "slots_taken", "stars", "level")]
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _int(form: Mapping[str, Any], name: str) -> int:
    raw = str(form.get(name, ""))
    if not raw.isdigit() or len(raw) > 15:
        raise InvalidInput("dash.error.bad_form")
    return int(raw)


@viewer_page
async def dispatch_action(request: web.Request, v: View) -> web.StreamResponse:
    rid, form = int(request.match_info["id"]), await request.post()
    await request_detail(v.core, v.scope, rid)  # outside the viewer's grids: NotFound, as on the page
    await board.dispatch_task(v.core, v.scope.actor, rid, _int(form, "volunteer"))
    raise web.HTTPSeeOther(f"/dashboard/requests/{rid}?done=dispatched")


@viewer_page
async def reassign_action(request: web.Request, v: View) -> web.StreamResponse:
    rid, form = int(request.match_info["id"]), await request.post()
    await request_detail(v.core, v.scope, rid)
    await board.reassign_task(v.core, v.scope.actor, rid, _int(form, "from"), _int(form, "to"))
    raise web.HTTPSeeOther(f"/dashboard/requests/{rid}?done=reassigned")


@viewer_page
async def close_action(request: web.Request, v: View) -> web.StreamResponse:
    rid, form = int(request.match_info["id"]), await request.post()
    await request_detail(v.core, v.scope, rid)
    await board.close_request(v.core, v.scope.actor, rid, str(form.get("reason", "")))
    raise web.HTTPSeeOther(f"/dashboard/requests/{rid}?done=closed")
