"""What the buildings' services tell people: that a building's households are now theirs to look
after, or no longer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class BuildingHeadGranted(Notice):
    """To the new head of a building (楼栋长): /visits now lists its households."""

    building: str
    grid: str
    households: int


@dataclass(frozen=True, kw_only=True)
class BuildingHeadRemoved(Notice):
    """To a head whose role was taken back (or whose building was removed): no longer theirs."""

    building: str
    grid: str
