"""Care plans as facts: a plan, how often it comes round, the choices a leader has, the refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.kernel.errors import Conflict, InvalidInput

WHAT_MAX = 200
EVERY_DAYS = (1, 2, 3, 14)  # "every N days" offered besides "weekly on a weekday"
MAX_HOUSEHOLDS = 24  # special households offered as buttons (any other: /care <number>)
MAX_PLANS = 30  # plans listed in one message


class TaskSettled(Conflict):
    """The occurrence was done already, or its day passed and the leaders were told."""

    key = "care.error.settled"


class PlanEnded(Conflict):
    key = "care.error.ended"


class BadRule(InvalidInput):
    key = "care.error.bad_rule"


@dataclass(frozen=True)
class Rule:
    """Weekly on `weekday` (0 Monday), or every `every_days` days from `starts_on`."""

    weekday: int | None
    every_days: int | None
    starts_on: date

    def due_on(self, day: date) -> bool:
        if day < self.starts_on:
            return False
        if self.weekday is not None:
            return day.weekday() == self.weekday
        return self.every_days is not None and (day - self.starts_on).days % self.every_days == 0

    def next_from(self, day: date) -> date:
        """The first day on or after `day` the plan comes round (within a year)."""
        for n in range(366):
            if self.due_on(day + timedelta(days=n)):
                return day + timedelta(days=n)
        return day


@dataclass(frozen=True)
class PlanFact:
    id: int
    household_id: int
    address: str
    what: str
    rule: Rule
    volunteer: str | None  # None: the household's paired volunteer
    active: bool
    next_on: date | None


@dataclass(frozen=True)
class HouseholdChoice:
    id: int
    address: str
    members: str
    care_flags: str
    plans: int


@dataclass(frozen=True)
class VolunteerChoice:
    person_id: int
    name: str
    paired: bool


@dataclass(frozen=True)
class PlanSetup:
    """What a leader needs to set up a plan for a household: it, and who could do it."""

    household_id: int
    address: str
    members: str
    care_flags: str
    volunteers: tuple[VolunteerChoice, ...]
    today: date


@dataclass(frozen=True)
class CareDone:
    task_id: int
    what: str
    address: str
