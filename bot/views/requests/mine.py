"""/my: a resident's requests, one of them with what they can do about it (confirm, rate, write, cancel)."""

from __future__ import annotations

from bot.i18n import join_list, t, tp
from bot.services.requests import RequestView
from storage.enums import RequestStatus

from ..message import Button, Keyboard
from .callbacks import MY_CANCEL, MY_CANCEL_YES, MY_LIST, MY_SHOW
from .labels import category_label, status_label, when_label
from .ratings import stars, stars_buttons
from .tasks import outcome_buttons, relay_button

OPEN = (RequestStatus.open.value, RequestStatus.filled.value)


def my_list(lang: str, views: list[RequestView]) -> tuple[list[str], Keyboard]:
    lines, rows = [t(lang, "request.my.head")], []
    for v in views:
        r = v.request
        lines.append(
            t(
                lang,
                "request.my.item",
                code=r.code or "",
                category=category_label(lang, r.category),
                status=status_label(lang, r.status),
                summary=r.summary[:40],
            )
        )
        rows.append(
            [
                Button(
                    tp(lang, "request.my.open_button", code=r.code or "", status=status_label(lang, r.status)),
                    data=MY_SHOW.data(r.id or 0),
                )
            ]
        )
    return lines, rows


def my_detail(lang: str, v: RequestView) -> tuple[str, Keyboard]:
    r, rid = v.request, v.request.id or 0
    lines = [
        t(lang, "request.my.detail_head", code=r.code or "", category=category_label(lang, r.category)),
        t(lang, "request.confirm.summary", summary=r.summary),
        t(lang, "request.confirm.when", when=when_label(lang, r.when_kind, r.when_date, v.this_year)),
        t(lang, "request.my.status", status=status_label(lang, r.status)),
    ]
    if v.takers:
        lines.append(t(lang, "request.my.takers", names=join_list(lang, v.takers)))
    if v.rating and v.rating.stars:
        lines.append(t(lang, "request.my.rated", stars=stars(v.rating.stars)))
    rows: Keyboard = []
    if r.status == RequestStatus.done_reported.value:
        rows += outcome_buttons(lang, rid)
    if (
        r.status == RequestStatus.completed.value
        and v.rating
        and v.rating.stars is None
        and v.rating.outcome != "not_done"
    ):
        rows += stars_buttons(lang, rid)
    if r.status in OPEN + (RequestStatus.done_reported.value,):
        rows += [[relay_button(lang, rid, p.id or 0, p.name)] for p in v.volunteers]
    if r.status in OPEN:
        rows.append([Button(tp(lang, "request.my.cancel_button"), data=MY_CANCEL.data(rid))])
    rows.append([Button(tp(lang, "request.my.back_button"), data=MY_LIST.data())])
    return "\n".join(lines), rows


def cancel_confirm_buttons(lang: str, request_id: int) -> Keyboard:
    return [
        [
            Button(tp(lang, "request.my.cancel_yes_button"), data=MY_CANCEL_YES.data(request_id)),
            Button(tp(lang, "request.my.cancel_no_button"), data=MY_SHOW.data(request_id)),
        ]
    ]
