"""Paired work units (包联单位, 共建单位) and 双报到双报告: units, their members, their reports.

Other features, handlers and views import from here.
"""

from __future__ import annotations

from .asked import ReportAsked, ask_unit_report
from .facts import MemberMonth, UnitReport
from .figures import UnitFigures, unit_figures
from .notices import UnitContactNamed, UnitReportReady
from .registry import UnitSummary, admin_units, clean_unit_name, save_unit, set_pairing, units_of_grid
from .reports import month_range, parse_month, previous_month, send_unit_reports, unit_report, unit_reports
from .roster import ClaimLine, Member, OpenTask, UnitRoster, my_units

__all__ = [
    "ReportAsked",
    "ask_unit_report",
    "ClaimLine",
    "Member",
    "MemberMonth",
    "OpenTask",
    "UnitContactNamed",
    "UnitFigures",
    "UnitReport",
    "UnitReportReady",
    "UnitRoster",
    "UnitSummary",
    "admin_units",
    "clean_unit_name",
    "month_range",
    "my_units",
    "parse_month",
    "previous_month",
    "save_unit",
    "send_unit_reports",
    "set_pairing",
    "unit_figures",
    "unit_report",
    "unit_reports",
    "units_of_grid",
]
