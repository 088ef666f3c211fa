"""A message as the Bot API will show it: HTML text, inline buttons, maybe a photo or a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Button:
    label: str
    data: str | None = None  # callback data (<= 64 bytes; built by a Callback codec, bot/views/callbacks.py)
    url: str | None = None


Keyboard = list[list[Button]]


@dataclass
class OutMessage:
    chat_id: int
    text: str  # Telegram HTML
    buttons: Keyboard = field(default_factory=list)
    silent: bool = True  # routine notifications make no sound
    photo: bytes | None = None  # sent as a photo with `text` as caption
    document: bytes | None = None
    filename: str | None = None
    album: list[str] | None = None  # Telegram file ids of photos: one photo, or an album, `text` the caption
    # not a message: the "/" menus of the chat, as (language code, [(command, description)]); an empty
    # list removes that language's menu of the chat (bot/views/commands.py)
    menus: list[tuple[str, list[tuple[str, str]]]] | None = None

    def payload(self) -> dict[str, Any]:
        """What the outbox keeps (the bytes of a photo or document are kept apart). Built by hand:
        dataclasses.asdict deep-copies every field, a tenth of an accept's CPU."""
        p = dict(
            chat_id=self.chat_id,
            text=self.text,
            buttons=[[dict(label=b.label, data=b.data, url=b.url) for b in row] for row in self.buttons],
            silent=self.silent,
            filename=self.filename,
        )
        if self.menus is not None:
            p["menus"] = self.menus
        if self.album:
            p["album"] = self.album
        return p
