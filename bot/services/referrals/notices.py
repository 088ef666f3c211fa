"""What 吹哨 tells people: the department its card, the resident that it went to the street office,
the outcome and a hand-back, the admins each decision and a missed deadline.

A referral is of a request (`code` its code) or of a problem found on a door visit, a meeting item
(`item` True, `code` "#<item id>"); the views name them accordingly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class DepartmentCard(Notice):
    """To the department's contact (or, for an offline department, to the admin who forwarded it).
    Address and phone only when the admin chose to share them; never the resident's name."""

    referral_id: int
    department: str
    community: str
    grid: str
    code: str
    category: str  # a request's; "" for a meeting item
    summary: str  # what is needed; a meeting item's note
    due_at: datetime
    timezone: str
    address: str | None = None
    phone: str | None = None
    offline: bool = False
    item: bool = False
    flags: tuple[str, ...] = ()  # a meeting item's red flags


@dataclass(frozen=True, kw_only=True)
class ReferralSent(Notice):
    """To the resident: their request was passed to the street office."""

    code: str
    department: str


@dataclass(frozen=True, kw_only=True)
class ReferralAnswered(Notice):
    """To the resident: the department's answer, the outcome."""

    code: str
    department: str
    answer: str


@dataclass(frozen=True, kw_only=True)
class ReferralHandedBack(Notice):
    """To the resident: the department handed their request back; the community goes on with it.
    `reason`: the department's own words on why, if it gave any (nothing else of the department)."""

    code: str
    department: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReferralUpdate(Notice):
    """To the community's admins and the grid's leaders: the department accepted, answered, handed it
    back (with its reason, if any), or missed its deadline."""

    kind: str  # accepted | answered | handed_back | overdue
    code: str
    department: str
    answer: str = ""  # the answer, or a hand-back's reason
    item: bool = False
    settled: bool = True  # an item's answer closed it (False: the meeting had closed it before)
