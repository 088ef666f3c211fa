"""What care plans tell people (bot/views/care renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class CareTaskDue(Notice):
    """Today's occurrence, to the volunteer who does it (or, with nobody to do it, to the leaders)."""

    task_id: int
    what: str
    address: str
    members: str
    day: date
    unassigned: bool = False  # to a leader: the household has no paired volunteer


@dataclass(frozen=True, kw_only=True)
class CareMissed(Notice):
    """An occurrence not done by the next morning, to the grid's leaders."""

    task_id: int
    what: str
    household_id: int
    address: str
    day: date
    volunteer: str | None


@dataclass(frozen=True, kw_only=True)
class CarePlanMade(Notice):
    """To the volunteer a new plan names (or the paired one): what they will do, and how often."""

    what: str
    address: str
    weekday: int | None
    every_days: int | None
    first: date
    by: str | None
