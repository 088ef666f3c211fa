"""好人榜, the monthly honour list: who is on it and why, its publication to the volunteers' groups,
and each volunteer's choice to be left off. What handlers, views, jobs and the dashboard use."""

from .choices import MyHonour, my_honour, set_honour_opt_out
from .listing import (
    SIZE,
    Honoured,
    HonourList,
    community_honour,
    honour_list,
    month_bounds,
    month_of,
    parse_month,
    previous_month,
)
from .notices import HonourPosted
from .publishing import publish_honour_list

__all__ = [
    "SIZE",
    "HonourList",
    "HonourPosted",
    "Honoured",
    "MyHonour",
    "community_honour",
    "honour_list",
    "month_bounds",
    "month_of",
    "my_honour",
    "parse_month",
    "previous_month",
    "publish_honour_list",
    "set_honour_opt_out",
]
