"""What the weekly meeting's list (民情速办) is made of, as facts: an item, a step of the walk, a
person who may own an item, and the refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.services.kernel.errors import Conflict, InvalidInput
from storage.referral_reads import ReferralState

DECISION_MAX = 1000
FOLLOW_UP_DAYS = (3, 7, 14, 28)  # the follow-up dates offered: in 3 days, a week, two, four


class ItemClosed(Conflict):
    """The item was closed since the button was drawn: nothing more to do on it."""

    key = "meeting.error.closed"


class NeedsDecision(InvalidInput):
    key = "meeting.error.needs_decision"


class AlreadyTold(Conflict):
    key = "meeting.error.already_told"


@dataclass(frozen=True)
class MeetingItem:
    """One problem found on a door visit, as the meeting sees it (for its grid's leaders: with the address)."""

    id: int
    grid_id: int
    grid: str
    household_id: int
    address: str
    members: str
    week: str  # the visit's ISO week
    found_by: str | None  # the volunteer who recorded it
    flags: tuple[str, ...]  # RedFlag values
    note: str
    request_id: int | None
    status: str  # IssueStatus
    owner_id: int | None
    owner: str | None
    decision: str
    follow_up: date | None
    created_at: datetime
    closed_at: datetime | None
    told_at: datetime | None
    tz: str
    community_id: int = 0
    referral: ReferralState | None = None  # 吹哨: its latest referral to a department


@dataclass(frozen=True)
class Walk:
    """A step of the meeting: the item shown (None when no open item is left after the last one),
    its place among the open items, and how many are open."""

    item: MeetingItem | None
    position: int
    open_total: int
    admin: bool = False  # the reader administers the item's community: may forward it to a department


@dataclass(frozen=True)
class OwnerChoice:
    person_id: int
    name: str
    paired: bool  # the household's paired volunteer
    leader: bool
    hint: str | None = None  # what tells a namesake apart (kernel.namesakes)


@dataclass(frozen=True)
class Told:
    item_id: int
    address: str
