"""What a digest is, as facts: whose week, which figures, whether the week is over yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.kernel.periods import WeekRange

from .figures import DigestFigures


@dataclass
class Digest:
    scope: str  # "grid" or "community"
    target_id: int
    name: str
    tz: str
    span: WeekRange
    figures: DigestFigures
    partial: bool = False  # the week is not over yet (a preview)

    @property
    def week(self) -> str:
        return self.span.week

    @property
    def quiet(self) -> bool:
        return self.figures.quiet


@dataclass(frozen=True)
class DigestChoice:
    """A digest this person may preview: a grid they lead or a community they administer."""

    scope: str
    target_id: int
    name: str


def is_partial(span: WeekRange, now: datetime) -> bool:
    return now < span.end


@dataclass(frozen=True)
class CityWeek:
    """Every grid's and community's digest of one week, computed at once (digests.city)."""

    week: str
    made_at: datetime
    grids: dict[int, Digest]
    communities: dict[int, Digest]

    def _of(self, scope: str) -> dict[int, Digest]:
        return self.grids if scope == "grid" else self.communities

    def covers(self, scope: str, ids: list[int]) -> bool:
        return all(i in self._of(scope) for i in ids)

    def pick(self, scope: str, ids: list[int]) -> list[Digest]:
        return [self._of(scope)[i] for i in ids]
