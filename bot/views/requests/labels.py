"""The words for the request loop's facts: categories, times, statuses, skills, a taker's status."""

from __future__ import annotations

from datetime import date

from bot.i18n import join_list, tp
from storage.enums import WhenKind

from ..labels import family_keys, value_label, with_icon

CATEGORY_KEYS = family_keys("category")
WHEN_KEYS = {
    WhenKind.urgent.value: "request.when.urgent",
    WhenKind.today.value: "request.when.today",
    WhenKind.this_week.value: "request.when.this_week",
    WhenKind.date.value: "request.when.date",
}
STATUS_KEYS = family_keys("status")
ASSIGNMENT_KEYS = family_keys("assignment")
REFERRAL_KEYS = {
    "hotline": "board.referral.hotline",
    "property": "board.referral.property",
    "police": "board.referral.police",
    "street": "board.referral.street",
    "medical": "board.referral.medical",
    "other": "board.referral.other",
}
WEEKDAY_KEYS = [
    "request.weekday.mon",
    "request.weekday.tue",
    "request.weekday.wed",
    "request.weekday.thu",
    "request.weekday.fri",
    "request.weekday.sat",
    "request.weekday.sun",
]
MONTH_KEYS = [
    "request.month.1",
    "request.month.2",
    "request.month.3",
    "request.month.4",
    "request.month.5",
    "request.month.6",
    "request.month.7",
    "request.month.8",
    "request.month.9",
    "request.month.10",
    "request.month.11",
    "request.month.12",
]


def category_label(lang: str, category: str) -> str:
    """The category's one label, with its icon (chat screens): "🛒 代买代办"."""
    return with_icon(lang, "category", category)


def status_label(lang: str, status: str) -> str:
    return value_label(lang, "status", status)


def assignment_label(lang: str, status: str) -> str:
    return value_label(lang, "assignment", status)


def date_label(lang: str, day: date, this_year: int) -> str:
    """A request's day as every card and message shows it: with its year when that is not this one."""
    return tp(
        lang,
        "request.when.date" if day.year == this_year else "request.when.date_year",
        year=day.year,
        month=tp(lang, MONTH_KEYS[day.month - 1]),
        day=day.day,
        weekday=tp(lang, WEEKDAY_KEYS[day.weekday()]),
    )


def when_label(lang: str, when_kind: str, when_date: str | None, this_year: int) -> str:
    """When a request is for; `this_year`: the year it is now where the request is."""
    if when_kind == WhenKind.date.value and when_date:
        try:
            return date_label(lang, date.fromisoformat(when_date), this_year)
        except ValueError:
            pass
    return tp(lang, WHEN_KEYS.get(when_kind, "request.when.this_week"))


def names_list(lang: str, names: list[str] | tuple[str, ...]) -> str:
    """Names in a row, as the language writes a list ("甲、乙和丙", "A, B and C")."""
    return join_list(lang, names)


def skills_label(lang: str, skills: list[str]) -> str:
    return names_list(lang, [value_label(lang, "skill", s) for s in skills])


def short(name: str, n: int = 20) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"
