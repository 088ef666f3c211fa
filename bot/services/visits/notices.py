"""What the door-visit services tell people, as facts (bot/views/visits renders them)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True)
class PairedRow:
    """One paired household in a volunteer's week."""

    household_id: int
    grid_id: int
    address: str
    members: str
    care_flags: str  # CareFlag values, comma-separated
    logged: bool
    outcome: str | None


@dataclass(frozen=True, kw_only=True)
class VisitList(Notice):
    """Friday morning (every paired household) or evening (`evening`: only those not yet logged)."""

    week: str
    evening: bool
    rows: tuple[PairedRow, ...]  # the households listed
    unlogged: int  # of all their paired households, how many are not logged yet


@dataclass(frozen=True)
class VolunteerTally:
    """One volunteer's visits in a grid this week, for the leader's overview."""

    person_id: int
    name: str | None
    done: int
    planned: int
    needs_help: int


@dataclass(frozen=True)
class BuildingTally:
    """One building of the grid this week (楼栋), for the leader's overview: its households and how
    many of them anyone visited; `name` "" for the grid's households of no building."""

    name: str
    households: int
    visited: int


@dataclass(frozen=True, kw_only=True)
class VisitOverview(Notice):
    """Friday evening, to a grid leader: who has logged their visits and who has not; and, in a
    grid with buildings, the households visited building by building."""

    grid: str
    week: str
    volunteers: tuple[VolunteerTally, ...]
    buildings: tuple[BuildingTally, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RedFlagAlert(Notice):
    """A visit found red flags: to the grid's leaders (or the community's admins), with sound."""

    household_id: int
    flags: tuple[str, ...]  # RedFlag values
    volunteer: str | None
    address: str
    members: str | None
    note: str
