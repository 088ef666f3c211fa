"""The weekly meeting's list (民情速办): every problem a door visit records becomes an item with an
owner, a status, a decision and a follow-up date; the meeting walks through the open ones; a closed
item asks the household's paired volunteer to tell the household, and the visit ledger shows it."""

from .actions import (
    MAX_OWNERS,
    assign_owner,
    check_decision,
    close_item,
    close_with_outcome,
    mark_told,
    open_item,
    owner_choices,
    record_decision,
    set_follow_up,
)
from .facts import (
    DECISION_MAX,
    FOLLOW_UP_DAYS,
    AlreadyTold,
    ItemClosed,
    MeetingItem,
    NeedsDecision,
    OwnerChoice,
    Told,
    Walk,
)
from .items import OPEN, forwardable_item, items_in, show_item, walk, walk_at
from .notices import ItemOwned, TellHousehold

__all__ = [
    "DECISION_MAX",
    "FOLLOW_UP_DAYS",
    "MAX_OWNERS",
    "OPEN",
    "AlreadyTold",
    "ItemClosed",
    "ItemOwned",
    "MeetingItem",
    "NeedsDecision",
    "OwnerChoice",
    "TellHousehold",
    "Told",
    "Walk",
    "assign_owner",
    "check_decision",
    "close_item",
    "close_with_outcome",
    "forwardable_item",
    "items_in",
    "mark_told",
    "open_item",
    "owner_choices",
    "record_decision",
    "set_follow_up",
    "show_item",
    "walk",
    "walk_at",
]
