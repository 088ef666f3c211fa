"""The weekly digest's figures: what a grid's (or a community's) week comes to, and the span it covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.services.buildings import BuildingLine


@dataclass
class EmergencyLine:
    reason: str
    started_at: datetime
    ended_at: datetime | None
    on_duty: int


@dataclass(frozen=True)
class IssueLine:
    """An open problem on the meeting's list (民情速办), as the digest lists it first."""

    id: int
    grid: str
    household_id: int  # no address: a digest may be forwarded (/meeting shows it, in private)
    flags: tuple[str, ...]
    status: str  # IssueStatus
    owner: str | None
    follow_up: date | None


@dataclass(frozen=True)
class CareMissLine:
    """An occurrence of a care plan not done on its day (no address: a digest may be forwarded)."""

    household_id: int
    what: str
    day: date
    volunteer: str | None


@dataclass
class DigestFigures:
    opened: int = 0
    accepted: int = 0
    done: int = 0
    overdue: int = 0
    escalated: int = 0
    median_accept: float | None = None  # seconds
    median_done: float | None = None
    rated: int = 0
    good: int = 0  # 4 or 5 stars
    avg_stars: float | None = None
    visits_done: int = 0
    visits_planned: int = 0
    households_stale: int = 0
    needs_help: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    hours: float = 0.0
    points: int = 0
    top: list[tuple[str, int]] = field(default_factory=list)
    pending: int = 0
    emergencies: list[EmergencyLine] = field(default_factory=list)
    issues_open: int = 0  # open problems on the meeting's list, now
    issues: list[IssueLine] = field(default_factory=list)  # the first of them (oldest first)
    care_due: int = 0  # occurrences of care plans in the week
    care_done: int = 0
    care_missed_total: int = 0
    care_missed: list[CareMissLine] = field(default_factory=list)  # the first of them
    buildings: list[BuildingLine] = field(default_factory=list)  # a grid's, when it has buildings (楼栋)
    referrals_open: int = 0  # 吹哨: forwarded to a department, no answer yet (at the week's end)
    referrals_overdue: int = 0  # of which past their reply deadline

    @property
    def quiet(self) -> bool:
        """Nothing happened and nothing waits for anyone."""
        return not (
            self.opened
            or self.accepted
            or self.done
            or self.overdue
            or self.escalated
            or self.rated
            or self.visits_done
            or self.visits_planned
            or self.households_stale
            or self.hours
            or self.points
            or self.pending
            or self.emergencies
            or self.issues_open
            or self.care_due
            or self.referrals_open
        )


@dataclass(frozen=True)
class Span:
    start: datetime  # the week, [start, end), aware UTC
    end: datetime
    as_of: datetime  # min(end, now): "still waiting" and "not seen for two weeks" are judged here
    overdue_after: timedelta
