"""点单: the resident's guided request (its buttons and the summary to confirm), and what leaders,
volunteers and the resident hear about a new, cancelled or untaken request."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.i18n import t, tp
from bot.services.requests import MAX_SLOTS, DateRefused, DuplicateFlagged, FollowedUp, RequestCancelled
from storage.enums import Category, WhenKind

from ..message import Button, Keyboard, OutMessage
from ..render import renders
from .callbacks import (
    BOARD_DUPLICATE_OF,
    BOARD_NOT_DUPLICATE,
    MY_LIST,
    REQ_CANCEL,
    REQ_CATEGORY,
    REQ_RESTART,
    REQ_SEND,
    REQ_SLOTS,
    REQ_TOMORROW,
    REQ_WHEN,
)
from .labels import category_label, date_label, when_label
from .ratings import open_button

WHEN_BUTTON_KEYS = {
    WhenKind.urgent.value: "request.ask.when_urgent_button",
    WhenKind.today.value: "request.ask.when_today_button",
    WhenKind.this_week.value: "request.ask.when_week_button",
    WhenKind.date.value: "request.ask.when_date_button",
}


def category_buttons(lang: str) -> Keyboard:
    buttons = [Button(category_label(lang, c.value), data=REQ_CATEGORY.data(c.value)) for c in Category]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def when_buttons(lang: str) -> Keyboard:
    b = [Button(tp(lang, WHEN_BUTTON_KEYS[w.value]), data=REQ_WHEN.data(w.value)) for w in WhenKind]
    return [b[:2], b[2:]]


def slots_buttons() -> Keyboard:
    return [[Button(str(n), data=REQ_SLOTS.data(n)) for n in range(1, 7)]]


def day_buttons(lang: str) -> Keyboard:
    """Today and Tomorrow, under every question for a date and every refusal of one."""
    return [
        [
            Button(tp(lang, "request.ask.when_today_button"), data=REQ_WHEN.data(WhenKind.today.value)),
            Button(tp(lang, "request.ask.when_tomorrow_button"), data=REQ_TOMORROW.data()),
        ]
    ]


def _example(today: date) -> dict[str, int]:
    """The example date of the prompts: a few days from today (where the grid is), as people type it."""
    day = today + timedelta(days=3)
    return {"month": day.month, "day": day.day}


def ask_when(lang: str, today: date) -> str:
    return t(lang, "request.ask.when", **_example(today))


def ask_date(lang: str, today: date) -> str:
    return t(lang, "request.ask.date", **_example(today))


def when_hint(lang: str, today: date) -> str:
    """Typed text that is no date where the time was asked: the buttons, or a date as it should look."""
    return t(lang, "request.hint.when", **_example(today))


def date_refused(lang: str, e: DateRefused) -> str:
    """Why this date cannot be, and what to type or press instead."""
    this_year = e.today.year
    why = t(
        lang, e.key, day=date_label(lang, e.day, this_year) if e.day else "", today=date_label(lang, e.today, this_year)
    )
    return why + "\n" + t(lang, "request.ask.date_again", **_example(e.today))


def sent_buttons(lang: str) -> Keyboard:
    return [[Button(tp(lang, "request.my_button"), data=MY_LIST.data())]]


def confirm_text(lang: str, d: dict[str, Any], this_year: int) -> str:
    """The draft as the resident typed it, to confirm before it is sent (`this_year`: where the grid is)."""
    lines = [
        t(lang, "request.confirm.head"),
        t(lang, "request.confirm.category", category=category_label(lang, d.get("category", ""))),
        t(lang, "request.confirm.summary", summary=d.get("summary", "")),
        t(lang, "request.confirm.when", when=when_label(lang, d.get("when_kind", ""), d.get("when_date"), this_year)),
        t(lang, "request.confirm.address", address=d.get("address", "")),
    ]
    lines.append(
        t(lang, "request.confirm.phone", phone=d["phone"]) if d.get("phone") else t(lang, "request.confirm.telegram")
    )
    if d.get("slots", 1) > 1:
        lines.append(t(lang, "request.confirm.slots", slots=d["slots"]))
    lines.append(t(lang, "request.confirm.privacy"))
    return "\n".join(lines)


def confirm_buttons(lang: str) -> Keyboard:
    return [
        [Button(tp(lang, "request.confirm.send_button"), data=REQ_SEND.data())],
        [
            Button(tp(lang, "request.confirm.restart_button"), data=REQ_RESTART.data()),
            Button(tp(lang, "request.confirm.cancel_button"), data=REQ_CANCEL.data()),
        ],
    ]


def ask_slots(lang: str) -> str:
    return t(lang, "request.ask.slots", max=MAX_SLOTS)


@renders(DuplicateFlagged)
def duplicate_flagged(n: DuplicateFlagged, lang: str) -> OutMessage:
    why = tp(lang, "request.dup.same_person" if n.same_person else "request.dup.same_address")
    return OutMessage(
        chat_id=n.chat_id,
        text=t(lang, "request.dup.flag", code=n.code, other=n.other_code, why=why),
        buttons=[
            [
                Button(
                    tp(lang, "request.dup.mark_button", other=n.other_code),
                    data=BOARD_DUPLICATE_OF.data(n.request_id, n.other_id),
                )
            ],
            [
                Button(tp(lang, "request.dup.keep_button"), data=BOARD_NOT_DUPLICATE.data(n.request_id)),
                open_button(lang, n.request_id, n.code),
            ],
        ],
    )


@renders(RequestCancelled)
def request_cancelled(n: RequestCancelled, lang: str) -> OutMessage:
    return OutMessage(chat_id=n.chat_id, text=t(lang, "request.cancelled.to_volunteer", code=n.code))


@renders(FollowedUp)
def followed_up(n: FollowedUp, lang: str) -> OutMessage:
    key = "request.followup.leader" if n.level == 1 else "request.followup.admin"
    return OutMessage(chat_id=n.chat_id, text=t(lang, key, code=n.code))
