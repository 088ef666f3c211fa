"""Buildings (楼栋) of a grid and their heads (楼栋长, 党员中心户): a grid's buildings kept in chat (added,
renamed, removed; a household put into one), naming heads, a head's households,
the buildings' figures for the digest and the dashboard, and a building found or made by name (import).

Whether someone heads a household's building is kernel.roles.heads_building: the visits and the
households' checks read it without depending on this package."""

from __future__ import annotations

from .figures import BuildingLine, building_lines
from .head_picks import HeadChoices, HeadToRemove, head_choices, head_to_remove, name_head
from .heads import BuildingsPage, BuildingSummary, HeadGranted, buildings_of, buildings_page, grant_head, remove_head
from .households import HeadedBuilding, HouseholdPlace, headed_households, household_place, move_household
from .manage import (
    BuildingCard,
    BuildingRemoval,
    BuildingRenamed,
    BuildingsAdded,
    add_buildings,
    building_card,
    clean_building_names,
    grid_buildings,
    led_grid,
    remove_building,
    rename_building,
)
from .names import NAME_MAX, building_named, clean_building_name
from .notices import BuildingHeadGranted, BuildingHeadRemoved

__all__ = [
    "BuildingHeadRemoved",
    "HeadChoices",
    "HeadToRemove",
    "head_choices",
    "head_to_remove",
    "name_head",
    "NAME_MAX",
    "BuildingCard",
    "BuildingRemoval",
    "BuildingRenamed",
    "BuildingsPage",
    "buildings_page",
    "BuildingsAdded",
    "HouseholdPlace",
    "add_buildings",
    "building_card",
    "clean_building_names",
    "grid_buildings",
    "household_place",
    "led_grid",
    "move_household",
    "remove_building",
    "rename_building",
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
