"""Checking what a resident types into the request conversation, one step at a time.

Pure functions: each returns the cleaned value or raises InvalidInput with a catalog key
that says what is wrong and what would be right.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.phones import clean_phone
from bot.services.kernel.phones import mask_phones as mask_phones  # the card masks phones in summaries
from bot.services.kernel.text import strip_invisible
from storage.enums import Category, WhenKind

SUMMARY_MIN, SUMMARY_MAX = 2, 500
ADDRESS_MIN, ADDRESS_MAX = 2, 200
REASON_MIN, REASON_MAX = 2, 300
COMMENT_MAX = 500
MAX_SLOTS = 20
MAX_DAYS_AHEAD = 366
MAX_HOURS = 24.0

_ISO = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MD = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")
# 20 Nov, 20th November 2026, Nov 20, November 20th, 2026 (as English speakers write a day)
_EN_DM = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?([a-z]{3,9})\.?,?(\d{4})?$")
_EN_MD = re.compile(r"^([a-z]{3,9})\.?(\d{1,2})(?:st|nd|rd|th)?,?(\d{4})?$")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WORDS = {"今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2, "dayaftertomorrow": 2}


clean_text = strip_invisible  # control and direction characters out, outer whitespace trimmed, else as typed


def _bounded(text: str | None, lo: int, hi: int, empty_key: str, long_key: str) -> str:
    value = clean_text(text)
    if len(value) < lo:
        raise InvalidInput(empty_key, min=lo)
    if len(value) > hi:
        raise InvalidInput(long_key, max=hi, length=len(value))
    return value


def check_category(value: str) -> str:
    if value not in {c.value for c in Category}:
        raise InvalidInput("request.error.category")
    return value


def check_summary(text: str | None) -> str:
    return _bounded(text, SUMMARY_MIN, SUMMARY_MAX, "request.error.summary_short", "request.error.summary_long")


def check_address(text: str | None) -> str:
    return _bounded(text, ADDRESS_MIN, ADDRESS_MAX, "request.error.address_short", "request.error.address_long")


def check_reason(text: str | None) -> str:
    return _bounded(text, REASON_MIN, REASON_MAX, "request.error.reason_short", "request.error.reason_long")


def check_comment(text: str | None) -> str:
    return _bounded(text, 1, COMMENT_MAX, "request.error.comment_empty", "request.error.comment_long")


def check_phone(text: str | None) -> str:
    """A phone number as typed or shared: digits with an optional +; spaces, dashes and dots ignored."""
    return clean_phone(text, "request.error.phone")


def check_when_kind(value: str) -> str:
    if value not in {w.value for w in WhenKind}:
        raise InvalidInput("request.error.when")
    return value


class DateRefused(InvalidInput):
    """A typed date that cannot be the day asked for. `key` says why; `today` (in the grid's time
    zone) and `day` (the day read, when one was) let the answer name them and suggest others."""

    def __init__(self, key: str, today: date, day: date | None = None) -> None:
        super().__init__(key)
        self.today, self.day = today, day


def _month_day(month: int, dom: int, today: date) -> date:
    """A month and day without a year: the nearer of this year's and next year's (11-20 typed on
    4 December is 14 days ago, not next November; 1-5 is next January)."""
    days = []
    for year in (today.year, today.year + 1):
        try:
            days.append(date(year, month, dom))
        except ValueError:  # 2-29 of a common year, 2-30, 13-01 ...
            continue
    if not days:
        raise ValueError(f"no day {month}-{dom}")
    return min(days, key=lambda d: (abs((d - today).days), d < today))


def _english_day(value: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of "20nov", "nov20", "20thnovember2026" (spaces already out)."""
    m = _EN_DM.match(value)
    if m:
        dom, name, year = m[1], m[2], m[3]
    elif m := _EN_MD.match(value):
        name, dom, year = m[1], m[2], m[3]
    else:
        return None
    month = next((i for i, full in enumerate(_MONTHS, 1) if full.startswith(name) and len(name) >= 3), None)
    return (month, int(dom), int(year) if year else None) if month else None


def parse_date(text: str | None, today: date) -> date:
    """2026-11-20, 2026/11/20, 11-20, 11/20, 11月20日, 20 Nov, Nov 20th, 明天, tomorrow → a date from today up to
    a year ahead.
    A month-day without a year is the nearer such day; one in the past is refused, never moved
    to next year behind the resident's back."""
    value = re.sub(r"\s+", "", clean_text(text))
    value = value.translate(str.maketrans("０１２３４５６７８９－／", "0123456789-/"))
    m = _ISO.match(value)
    try:
        if value.lower() in _WORDS:
            day = today + timedelta(days=_WORDS[value.lower()])
        elif m:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _MD.match(value):
            day = _month_day(int(m[1]), int(m[2]), today)
        elif english := _english_day(value.lower()):
            month, dom, year = english
            day = date(year, month, dom) if year else _month_day(month, dom, today)
        else:
            raise DateRefused("request.error.date_format", today)
    except ValueError:  # 2-30, 13-01 ...
        raise DateRefused("request.error.date_invalid", today) from None
    if day < today:
        raise DateRefused("request.error.date_past", today, day)
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise DateRefused("request.error.date_far", today, day)
    return day


def check_slots(text: str | int | None) -> int:
    try:
        n = int(clean_text(str(text)))
    except ValueError:
        raise InvalidInput("request.error.slots", max=MAX_SLOTS) from None
    if not 1 <= n <= MAX_SLOTS:
        raise InvalidInput("request.error.slots", max=MAX_SLOTS)
    return n


def parse_hours(text: str | float | None) -> float:
    """Hours spent: 1, 1.5, 1,5, 2h, 2小时, 90分钟/90min → hours (0 < h ≤ 24), to the quarter hour."""
    value = clean_text(str(text)).lower().replace(",", ".").replace(" ", "")
    m = re.match(r"^(\d+(?:\.\d+)?)(h|hr|hrs|hours?|小时|个小时|钟头)?$", value)
    minutes = re.match(r"^(\d+)(m|min|mins|minutes?|分钟|分)$", value)
    try:
        if m:
            hours = float(m[1])
        elif minutes:
            hours = int(minutes[1]) / 60
        else:
            raise InvalidInput("task.error.hours", max=int(MAX_HOURS))
    except (ValueError, OverflowError):
        raise InvalidInput("task.error.hours", max=int(MAX_HOURS)) from None
    if not 0 < hours <= MAX_HOURS:
        raise InvalidInput("task.error.hours", max=int(MAX_HOURS))
    return max(0.25, round(hours * 4) / 4)
