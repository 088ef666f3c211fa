"""A unit's month as facts (双报告): what the report and its spreadsheet show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MemberMonth:
    name: str
    community: str
    grid: str
    status: str  # VolunteerStatus
    tasks_done: int = 0
    hours: float = 0.0
    points: int = 0
    rated: int = 0  # tasks of theirs the resident rated
    stars: float | None = None  # the average of those ratings


@dataclass(frozen=True)
class UnitReport:
    unit_id: int
    unit: str
    month: str  # YYYY-MM
    members: list[MemberMonth] = field(default_factory=list)

    @property
    def tasks_done(self) -> int:
        return sum(m.tasks_done for m in self.members)

    @property
    def hours(self) -> float:
        return round(sum(m.hours for m in self.members), 1)

    @property
    def points(self) -> int:
        return sum(m.points for m in self.members)

    @property
    def rated(self) -> int:
        return sum(m.rated for m in self.members)

    @property
    def stars(self) -> float | None:
        rated = [m for m in self.members if m.rated and m.stars is not None]
        total = sum(m.rated for m in rated)
        return round(sum((m.stars or 0) * m.rated for m in rated) / total, 1) if total else None
