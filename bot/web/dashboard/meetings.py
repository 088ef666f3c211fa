"""The meeting's list (民情速办) on the dashboard: every open problem found on door visits with its
state, the ones closed in the last 30 days, and one item's page where a leader can set its owner,
decision and follow-up date and close it (the same services, and checks, as /meeting in chat)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.services import meetings
from bot.services.kernel.errors import InvalidInput
from bot.services.office import parse_grid
from bot.views.meetings import day_text, flags_text, status_text
from bot.views.referral_state import status_text as referral_status

from .auth import viewer_page
from .html import View, banner, grid_picker, layout, options, table, when
from .referrals import referral_facts

CLOSED_DAYS = 30
NOTE_SHOWN = 120
FLASH = {"saved": "dash.meetings.saved", "closed": "dash.meetings.closed_flash"}


def _short(text: str, n: int = NOTE_SHOWN) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _where(v: View, item: meetings.MeetingItem) -> str:
    return item.address if v.scope.can_see_private(item.grid_id) else v.t("dash.hidden")


def _row(v: View, item: meetings.MeetingItem) -> tuple[Any, ...]:
    told = (
        v.t("dash.meetings.told")
        if item.told_at
        else ("—" if item.status in meetings.OPEN else v.t("dash.meetings.not_told"))
    )
    return (
        Markup('<a href="/dashboard/meetings/{}">#{}</a>').format(item.id, item.id),
        item.grid,
        _where(v, item),
        flags_text(v.lang, item.flags),
        _short(item.note) or "—",
        status_text(v.lang, item.status),
        item.owner or "—",
        _short(item.decision) or "—",
        day_text(v.lang, item.follow_up) if item.follow_up else "—",
        _referral(v, item),
        told,
    )


def _referral(v: View, item: meetings.MeetingItem) -> Markup | str:
    """吹哨: the department it went to last, and how that stands."""
    r = item.referral
    if r is None:
        return "—"
    return Markup('{}<br><span class="st {}">{}</span>').format(
        r.department, "overdue" if r.overdue else r.status, referral_status(v.lang, r)
    )


def _heads(v: View) -> list[str]:
    keys = (
        "household",
        "grid",
        "address",
        "flags",
        "note",
        "status",
        "owner",
        "decision",
        "follow_up",
        "referral",
        "told",
    )
    return [v.t(f"dash.meetings.col.{k}") for k in keys]


@viewer_page
async def meetings_page(request: web.Request, v: View) -> web.StreamResponse:
    grid_id = parse_grid(request.query.get("grid"), v.scope)
    since = v.core.clock.now() - timedelta(days=CLOSED_DAYS)
    items = await meetings.items_in(v.core, v.scope.pick(grid_id), closed_since=since)
    open_items = [i for i in items if i.status in meetings.OPEN]
    closed = [i for i in items if i.status not in meetings.OPEN]
    body = Markup("{}<p>{}</p><h2>{} ({})</h2>{}<h2>{} ({})</h2>{}").format(
        grid_picker(v, "/dashboard/meetings", grid_id),
        v.t("dash.meetings.intro"),
        v.t("dash.meetings.open"),
        len(open_items),
        table(_heads(v), [_row(v, i) for i in open_items], empty=v.t("dash.meetings.none_open")),
        v.t("dash.meetings.recently_closed"),
        len(closed),
        table(_heads(v), [_row(v, i) for i in closed], empty=v.t("dash.meetings.none_closed")),
    )
    return layout(v, v.t("dash.meetings.title"), body, active="meetings")


def _forms(v: View, item: meetings.MeetingItem, owners: list[meetings.OwnerChoice]) -> Markup:
    base = f"/dashboard/meetings/{item.id}"
    owner = Markup(
        '<form method="post" action="{}/owner" class="inline">{}<label>{} <select name="person">{}</select></label> '
        "<button>{}</button></form>"
    ).format(
        base,
        v.csrf,
        v.t("dash.meetings.col.owner"),
        options([(c.person_id, c.name) for c in owners], item.owner_id),
        v.t("dash.meetings.save"),
    )
    decision = Markup(
        '<form method="post" action="{}/decision">{}<label>{}<br><textarea name="decision" rows="3" cols="60" '
        'maxlength="{}">{}</textarea></label><br><button>{}</button></form>'
    ).format(
        base, v.csrf, v.t("dash.meetings.col.decision"), meetings.DECISION_MAX, item.decision, v.t("dash.meetings.save")
    )
    follow = Markup(
        '<form method="post" action="{}/follow_up" class="inline">{}<label>{} <select name="days">{}</select></label> '
        "<button>{}</button></form>"
    ).format(
        base,
        v.csrf,
        v.t("dash.meetings.col.follow_up"),
        options([(d, v.t(f"meeting.in_days.{d}")) for d in meetings.FOLLOW_UP_DAYS], ""),
        v.t("dash.meetings.save"),
    )
    close = Markup('<form method="post" action="{}/close">{}<button class="primary">{}</button></form>').format(
        base, v.csrf, v.t("dash.meetings.close")
    )
    return Markup("<p>{}</p>{}<p>{}</p>{}").format(owner, decision, follow, close)


@viewer_page
async def item_page(request: web.Request, v: View) -> web.StreamResponse:
    item = await meetings.show_item(v.core, v.scope.actor, int(request.match_info["id"]))
    facts = list(zip(_heads(v), _row(v, item), strict=True))[1:]
    facts.insert(0, (v.t("dash.meetings.found"), f"{item.week} · {item.found_by or '—'}"))
    if item.referral is not None:
        facts.append((v.t("dash.referrals.fact"), referral_facts(v, item.referral)))
    if item.status in meetings.OPEN:
        _, owners = await meetings.owner_choices(v.core, v.scope.actor, item.id)
        actions = _forms(v, item, owners)
    else:
        actions = Markup('<p class="muted">{}</p>').format(v.t("dash.meetings.closed_at", at=when(item.closed_at)))
    done = request.query.get("done", "")
    body = Markup('{}<dl class="facts">{}</dl>{}<p><a href="/dashboard/meetings">{}</a></p>').format(
        banner(v.t(FLASH[done])) if done in FLASH else "",
        Markup("").join(Markup("<dt>{}</dt><dd>{}</dd>").format(k, val) for k, val in facts),
        actions,
        v.t("dash.meetings.back"),
    )
    return layout(v, v.t("dash.meetings.item_title", id=item.id), body, active="meetings")


def _int(form: Mapping[str, Any], name: str) -> int:
    raw = str(form.get(name, ""))
    if not raw.isdigit() or len(raw) > 15:
        raise InvalidInput("dash.error.bad_form")
    return int(raw)


async def _item_and_form(request: web.Request, v: View) -> tuple[int, Mapping[str, Any]]:
    return int(request.match_info["id"]), await request.post()


@viewer_page
async def owner_action(request: web.Request, v: View) -> web.StreamResponse:
    iid, form = await _item_and_form(request, v)
    await meetings.assign_owner(v.core, v.scope.actor, iid, _int(form, "person"))
    raise web.HTTPSeeOther(f"/dashboard/meetings/{iid}?done=saved")


@viewer_page
async def decision_action(request: web.Request, v: View) -> web.StreamResponse:
    iid, form = await _item_and_form(request, v)
    await meetings.record_decision(v.core, v.scope.actor, iid, str(form.get("decision", "")))
    raise web.HTTPSeeOther(f"/dashboard/meetings/{iid}?done=saved")


@viewer_page
async def follow_up_action(request: web.Request, v: View) -> web.StreamResponse:
    iid, form = await _item_and_form(request, v)
    await meetings.set_follow_up(v.core, v.scope.actor, iid, _int(form, "days"))
    raise web.HTTPSeeOther(f"/dashboard/meetings/{iid}?done=saved")


@viewer_page
async def close_action(request: web.Request, v: View) -> web.StreamResponse:
    iid, _ = await _item_and_form(request, v)
    await meetings.close_item(v.core, v.scope.actor, iid)
    raise web.HTTPSeeOther(f"/dashboard/meetings/{iid}?done=closed")
