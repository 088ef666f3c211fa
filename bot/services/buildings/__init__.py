"""Buildings (楼栋) of a grid and their heads (楼栋长, 党员中心户): naming heads, a head's households,
the buildings' figures for the digest and the dashboard, and a building found or made by name (import).

Whether someone heads a household's building is kernel.roles.heads_building: the visits and the
households' checks read it without depending on this package."""

from __future__ import annotations

from .figures import BuildingLine, building_lines
from .heads import BuildingSummary, HeadGranted, buildings_of, grant_head, remove_head
from .households import HeadedBuilding, headed_households
from .names import NAME_MAX, building_named, clean_building_name
from .notices import BuildingHeadGranted

__all__ = [
    "NAME_MAX",
    "BuildingHeadGranted",
    "BuildingLine",
    "BuildingSummary",
    "HeadGranted",
    "HeadedBuilding",
    "building_lines",
    "building_named",
    "buildings_of",
    "clean_building_name",
    "grant_head",
    "headed_households",
    "remove_head",
]
