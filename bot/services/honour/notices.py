"""What the honour list tells the volunteers' groups, as facts (bot/views/honour.py renders it)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.notices import Notice

from .listing import HonourList


@dataclass(frozen=True, kw_only=True)
class HonourPosted(Notice):
    """The month's honour list, posted in a grid's volunteer group."""

    honour: HonourList

    @property
    def group_only(self) -> bool:
        return True
