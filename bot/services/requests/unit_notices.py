"""What a unit's claim tells its contact and its members beyond the claim itself (notices.py has the
claim's view and UnitClaimed): a member gave their part back, nobody was put on it, it ended."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice

from .notices import UnitClaimView


@dataclass(frozen=True, kw_only=True)
class UnitMemberLeft(Notice):
    """To the unit's contact: a member gave their part of the unit's task back (the unit still holds
    the slot); the claim as it is now, with its buttons (another member, or give it back)."""

    claim: UnitClaimView
    member: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class UnitClaimWaiting(Notice):
    """To the unit's contact, once: the unit's task has had nobody on it for `hours` hours."""

    claim: UnitClaimView
    hours: int


@dataclass(frozen=True, kw_only=True)
class UnitClaimEnded(Notice):
    """To a member on the unit's task: the unit gave it back (`by_leader`: the grid leader took it back);
    they need not go."""

    code: str
    unit: str
    by_leader: bool


@dataclass(frozen=True, kw_only=True)
class UnitClaimTakenBack(Notice):
    """To the unit's contact: the grid leader took the unit's task back (to the board, or to a volunteer)."""

    code: str
    unit: str
