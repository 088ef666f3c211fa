"""What the units' services tell people."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice

from .facts import UnitReport


@dataclass(frozen=True, kw_only=True)
class UnitContactNamed(Notice):
    """To a person just named the contact of a unit: /unit shows its members and their work."""

    unit: str


@dataclass(frozen=True, kw_only=True)
class UnitReportReady(Notice):
    """To a unit's contact: the unit's month (双报告), with the spreadsheet."""

    report: UnitReport
