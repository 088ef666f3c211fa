"""Care plans as facts: a plan, how often it comes round, the choices a leader has, the refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.services.kernel.errors import Conflict, InvalidInput

WHAT_MAX = 200
NOTE_MAX = 200  # the volunteer's short note on "done"
EVERY_DAYS = (1, 2, 3, 14)  # "every N days" offered besides "weekly on a weekday"
MAX_HOUSEHOLDS = 24  # special households offered as buttons (any other: /care <number>)
MAX_PLANS = 30  # plans listed in one message
SENT_AT = time(7, 0)  # each day's occurrences are made and sent then (the daily job, bot/jobs/care_plans.py)


class TaskSettled(Conflict):
    """The occurrence was done already, or its day passed and the leaders were told."""

    key = "care.error.settled"


class PlanEnded(Conflict):
    key = "care.error.ended"


class PlanPaused(Conflict):
    """Paused already (a second press of Pause), or a change that needs the plan running."""

    key = "care.error.paused"


class PlanRunning(Conflict):
    """Resume of a plan that is running (resumed already)."""

    key = "care.error.running"


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


def first_to_make(local_now: datetime) -> date:
    """The first day whose occurrences are still to be made: today before the morning's job, else tomorrow."""
    today = local_now.date()
    return today if local_now.time() < SENT_AT else today + timedelta(days=1)


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
    paused: bool = False


@dataclass(frozen=True)
class LastDone:
    """A plan's latest occurrence done: when, by whom, with what note."""

    day: date
    by: str | None
    note: str | None


@dataclass(frozen=True)
class PlanCard:
    """One plan for its leader: the plan, its latest done and how many were done and missed."""

    plan: PlanFact
    care_flags: str
    last: LastDone | None
    done: int
    missed: int


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
    hint: str | None = None  # what tells a namesake apart (kernel.namesakes)


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
    note: str | None = None


@dataclass(frozen=True)
class CareRow:
    """A plan on the dashboard and in the export: no address, no phone (the household by number)."""

    plan_id: int
    grid_id: int
    household_id: int
    care_flags: str
    what: str
    weekday: int | None
    every_days: int | None
    volunteer: str | None  # named on the plan, else the household's paired volunteer; None: nobody
    status: str  # active, paused, ended
    last_done: date | None
    next_due: date | None
    done: int
    missed: int


@dataclass(frozen=True)
class DueTask:
    """An occurrence waiting for its volunteer (task_id), or one to come (task_id 0: not made yet)."""

    task_id: int
    what: str
    address: str
    day: date
