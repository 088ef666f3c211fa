"""Views of places: communities, grids, group chats, households and pairings."""

from __future__ import annotations

from . import callbacks, notices
from .labels import CARE_FLAG_KEYS, KIND_KEYS, flags_text, kind_text
from .lists import PER_PAGE, choice_buttons, grid_name, label, page_nav

__all__ = [
    "CARE_FLAG_KEYS",
    "KIND_KEYS",
    "PER_PAGE",
    "callbacks",
    "choice_buttons",
    "flags_text",
    "grid_name",
    "kind_text",
    "label",
    "notices",
    "page_nav",
]
