"""What the core may send: plain dataclasses and a small Notifier protocol.

Services describe messages; the outbox (storage) keeps them; the sender (bot/outbox_sender)
turns them into Bot API calls. Nothing here knows Telegram.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass
class Button:
    label: str
    data: str | None = None  # callback data (<= 64 bytes)
    url: str | None = None


@dataclass
class OutMessage:
    chat_id: int
    text: str  # Telegram HTML
    buttons: list[list[Button]] = field(default_factory=list)
    silent: bool = True  # routine notifications make no sound
    photo: bytes | None = None  # sent as a photo with `text` as caption
    document: bytes | None = None
    filename: str | None = None

    def payload(self) -> dict[str, Any]:
        """What the outbox keeps (the bytes of a photo or document are kept apart). Built by hand:
        dataclasses.asdict deep-copies every field, a tenth of an accept's CPU."""
        return dict(chat_id=self.chat_id, text=self.text,
                    buttons=[[dict(label=b.label, data=b.data, url=b.url) for b in row] for row in self.buttons],
                    silent=self.silent, filename=self.filename)


class Notifier(Protocol):
    async def send(self, session: AsyncSession, key: str, msg: OutMessage, *,
                   card_ref: str | None = None, urgent: bool = False) -> bool:
        """Queue `msg` once under `key` in the caller's transaction; False if the key was used."""
        ...

    async def edit_card(self, session: AsyncSession, card_ref: str, text: str,
                        buttons: list[list[Button]]) -> None:
        """Edit every posted copy of a card in place."""
        ...
