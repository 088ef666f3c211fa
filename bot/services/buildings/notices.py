"""What the buildings' services tell people: that a building's households are now theirs to look after."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class BuildingHeadGranted(Notice):
    """To the new head of a building (楼栋长): /visits now lists its households."""

    building: str
    grid: str
    households: int
