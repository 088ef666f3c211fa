"""Paired work units (包联单位, 共建单位) and 双报到双报告: units, their members, their reports.

Other features, handlers and views import from here.
"""

from __future__ import annotations

from .notices import UnitContactNamed
from .registry import UnitSummary, admin_units, clean_unit_name, save_unit, set_pairing, units_of_grid
from .roster import Member, OpenTask, UnitRoster, my_units

__all__ = [
    "Member",
    "OpenTask",
    "UnitContactNamed",
    "UnitRoster",
    "UnitSummary",
    "admin_units",
    "clean_unit_name",
    "my_units",
    "save_unit",
    "set_pairing",
    "units_of_grid",
]
