"""Communities, grids, their group chats and households.

Other features, handlers and views import from here.
"""

from __future__ import annotations

from .grids import (
    administered_communities,
    administered_grids,
    all_communities,
    clean_timezone,
    create_community,
    create_grid,
    find_person,
    get_community,
    get_grid,
    grids_of_community,
    residents_group_of,
    volunteer_group_of,
    with_communities,
)
from .groups import (
    BindResult,
    bind_chat,
    bindable_grids,
    binding_of_chat,
    chat_migrated,
    remember_invite_link,
    unbind_chat,
)
from .households import (
    CARE_FLAGS,
    MAX_MEMBERS,
    GridHouseholds,
    HouseholdRow,
    NewHousehold,
    add_household,
    address_taken,
    check_new,
    clean_address,
    clean_flags,
    clean_member_count,
    clean_members,
    household_for,
    households_listing,
    households_of_grid,
    households_of_volunteer,
    leader_grids,
)
from .leaders import add_admin, community_admins, grid_leaders, remove_admin, remove_leader, set_leader
from .notices import AdminGranted, HouseholdsPaired, LeaderGranted
from .overviews import CommunityOverview, GridOverview, overview
from .pairings import pair, pairable_volunteers, paired_names, paired_volunteers, pairings_of, unpair

__all__ = [
    # communities, grids, who leads and administers them
    "CommunityOverview",
    "GridOverview",
    "add_admin",
    "administered_communities",
    "administered_grids",
    "all_communities",
    "clean_timezone",
    "community_admins",
    "create_community",
    "create_grid",
    "find_person",
    "get_community",
    "get_grid",
    "grid_leaders",
    "grids_of_community",
    "overview",
    "remove_admin",
    "remove_leader",
    "residents_group_of",
    "set_leader",
    "volunteer_group_of",
    "with_communities",
    # group chats bound to grids
    "BindResult",
    "bind_chat",
    "bindable_grids",
    "binding_of_chat",
    "chat_migrated",
    "remember_invite_link",
    "unbind_chat",
    # households and pairings
    "CARE_FLAGS",
    "MAX_MEMBERS",
    "GridHouseholds",
    "HouseholdRow",
    "NewHousehold",
    "add_household",
    "address_taken",
    "check_new",
    "clean_address",
    "clean_flags",
    "clean_member_count",
    "clean_members",
    "household_for",
    "households_listing",
    "households_of_grid",
    "households_of_volunteer",
    "leader_grids",
    "pair",
    "pairable_volunteers",
    "paired_names",
    "paired_volunteers",
    "pairings_of",
    "unpair",
    # notices
    "AdminGranted",
    "HouseholdsPaired",
    "LeaderGranted",
]
