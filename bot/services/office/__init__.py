"""The community office: what the web dashboard reads (bot/web/dashboard) and who may read it.

The viewer's scope (dashboard), the week's figures and their trends, the request board, people,
events and emergencies, and the one-time login links and sessions (login)."""

from __future__ import annotations

from . import login
from .board import (
    ACTIVE_FILTER,
    PAGE_SIZE,
    BoardFilter,
    BoardPage,
    BoardRow,
    Holder,
    RequestDetail,
    TimelineEntry,
    day_bounds,
    list_requests,
    parse_board_filter,
    parse_date,
    parse_grid,
    request_detail,
)
from .dashboard import (
    DONE_STATUSES,
    ENDED_STATUSES,
    GridInfo,
    Scope,
    WeekFigures,
    load_scope,
    scope_of,
    week_figures,
    week_start,
)
from .life import EmergencyRow, EventRow, emergency_rows, event_rows
from .login import LINK_TTL, SESSION_TTL, LinkState, LoginLink, NewSession, issue_login_link, redeem_login_link
from .people import (
    NO_BUILDING,
    HouseholdPage,
    HouseholdRow,
    VolunteerLists,
    VolunteerRow,
    household_page,
    parse_building,
    volunteer_lists,
)
from .trends import STATUS_GROUPS, Trends, status_group, weekly_trends

__all__ = [
    "ACTIVE_FILTER",
    "DONE_STATUSES",
    "ENDED_STATUSES",
    "LINK_TTL",
    "PAGE_SIZE",
    "SESSION_TTL",
    "STATUS_GROUPS",
    "BoardFilter",
    "BoardPage",
    "BoardRow",
    "EmergencyRow",
    "EventRow",
    "GridInfo",
    "Holder",
    "HouseholdPage",
    "HouseholdRow",
    "LinkState",
    "LoginLink",
    "NewSession",
    "RequestDetail",
    "Scope",
    "TimelineEntry",
    "Trends",
    "VolunteerLists",
    "VolunteerRow",
    "WeekFigures",
    "day_bounds",
    "emergency_rows",
    "event_rows",
    "household_page",
    "NO_BUILDING",
    "parse_building",
    "issue_login_link",
    "list_requests",
    "load_scope",
    "login",
    "parse_board_filter",
    "parse_date",
    "parse_grid",
    "redeem_login_link",
    "request_detail",
    "scope_of",
    "status_group",
    "volunteer_lists",
    "week_figures",
    "week_start",
    "weekly_trends",
]
