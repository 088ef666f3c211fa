"""What the places' services tell people: a role given to them, households paired with them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class LeaderGranted(Notice):
    """To the new leader of a grid."""

    grid: str


@dataclass(frozen=True, kw_only=True)
class AdminGranted(Notice):
    """To the new admin of a community."""

    community: str


@dataclass(frozen=True, kw_only=True)
class HouseholdsPaired(Notice):
    """To a volunteer: `count` households of the grid are now theirs to look after."""

    count: int
    grid: str
