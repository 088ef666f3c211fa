"""The periods a certificate covers: this year, last year, the last 12 months, or a range typed as two
dates. Days are the community's; both ends are included; the end never passes today."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from bot.services.kernel.errors import InvalidInput


class Choice(StrEnum):
    this_year = "this_year"
    last_year = "last_year"
    last_12_months = "last_12_months"


CHOICES = tuple(Choice)
FIRST_DAY = date(2000, 1, 1)  # nothing was served before the programme existed
MAX_DAYS = 366 * 10  # a range of ten years at most
# 2026-01-01, 2026/1/1, 2026.1.1, 2026年1月1日
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def period_of(choice: Choice, today: date) -> tuple[date, date]:
    if choice == Choice.this_year:
        return date(today.year, 1, 1), today
    if choice == Choice.last_year:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    try:
        start = today.replace(year=today.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
    return start, today


def parse_range(text: str | None, today: date) -> tuple[date, date]:
    """Two dates typed in any order of separators ('2026-01-01 2026-06-30', '2026年1月1日至6月30日' is
    not: both need their year). InvalidInput with what to type otherwise."""
    found = _DAY.findall((text or "")[:200])
    if len(found) != 2:
        raise InvalidInput("certificate.error.range")
    try:
        start, end = (date(int(y), int(m), int(d)) for y, m, d in found)
    except ValueError:
        raise InvalidInput("certificate.error.range") from None
    return check_range(start, end, today)


def check_range(start: date, end: date, today: date) -> tuple[date, date]:
    if start > end:
        start, end = end, start
    if start > today or start < FIRST_DAY:
        raise InvalidInput("certificate.error.range_when", today=today.isoformat())
    end = min(end, today)
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("certificate.error.range_long")
    return start, end
