"""What the core may send: notices (facts for one chat) through a small Notifier protocol.

Services describe what happened; the notifier renders each notice in its reader's language
(bot/views) and keeps it in the outbox, in the caller's transaction; the sender turns the outbox
into Bot API calls. Nothing here knows Telegram or words.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from .notices import Notice


class Notifier(Protocol):
    async def send(
        self, session: AsyncSession, key: str, msg: Notice, *, card_ref: str | None = None, urgent: bool = False
    ) -> bool:
        """Queue `msg` once under `key` in the caller's transaction; False if the key was used."""
        ...

    async def send_many(self, session: AsyncSession, items: list[tuple[str, Any, bool]]) -> int:
        """Queue many (key, notice, urgent) at once, each once by key; how many were new."""
        ...

    async def edit_card(self, session: AsyncSession, card_ref: str, card: Any, buttons: Any = None) -> None:
        """Edit every posted copy of a card in place (`card`: a Notice; chat_id is not used)."""
        ...

    async def queue(
        self, session: AsyncSession, sends: list[tuple[str, Any, str | None, bool]], edits: list[tuple[Any, ...]]
    ) -> None:
        """The sends, then the edits (card ref, notice), in as few statements as it can."""
        ...
