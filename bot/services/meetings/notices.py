"""What the meeting's list tells people (bot/views/meetings renders it)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice


@dataclass(frozen=True, kw_only=True)
class TellHousehold(Notice):
    """An item is closed: its household's paired volunteer (or, with none, the leader who closed it) is
    asked to tell the household the outcome, and to press "I told them"."""

    item_id: int
    address: str
    members: str
    flags: tuple[str, ...]
    note: str
    decision: str
    department: str = ""  # 吹哨: the decision is this department's answer


@dataclass(frozen=True, kw_only=True)
class ItemOwned(Notice):
    """The meeting made this person the owner of an item."""

    item_id: int
    address: str
    flags: tuple[str, ...]
    note: str
    by: str | None
