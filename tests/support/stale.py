"""Walking old keyboards: every Callback codec the views declare, a bot message carrying one of its
buttons, the press, and what must hold after it (tests/test_stale_buttons.py; no tests in here)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import SQLModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import bot.views
from bot.views.callbacks import Callback

from .harness import TgUser, buttons_of
from .waiting import settle

# what changes with every update, or as the outbox drains, whatever the press
_SKIP = {"processed_update"}
_COLUMNS = {
    "outbox": "id, key, chat_id, kind, payload, card_ref",  # not its delivery
    "conversation_state": "id, name, key, state",  # not when it was last touched (the idle clock)
}


def every_codec() -> dict[str, Callback]:
    """Every codec declared in bot/views, named `module.NAME` (a dict's codecs `module.NAME[key]`)."""
    found: dict[str, Callback] = {}
    seen: set[int] = set()
    for info in pkgutil.walk_packages(bot.views.__path__, "bot.views."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            pairs = [(name, value)]
            if isinstance(value, dict):
                pairs = [(f"{name}[{k}]", v) for k, v in value.items()]
            for label, codec in pairs:
                if isinstance(codec, Callback) and id(codec) not in seen:
                    seen.add(id(codec))
                    found[f"{info.name.removeprefix('bot.views.')}.{label}"] = codec
    return found


async def snapshot(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (not the update inbox, the outbox's delivery, the conversations' idle clock)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with db.session() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in _SKIP:
                continue
            cols = _COLUMNS.get(table.name, "*")
            rows = (await s.execute(text(f'SELECT {cols} FROM "{table.name}" ORDER BY 1'))).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def changed(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@dataclass
class Outcome:
    """What one press of an old button did."""

    name: str
    answer: str
    keyboard_left: bool
    tables_changed: list[str]

    def problems(self, keeps: bool = False) -> list[str]:
        found = []
        if not self.answer.strip():
            found.append("no answer")
        elif "\n" in self.answer.strip():
            found.append(f"answer of several lines: {self.answer!r}")
        if self.keyboard_left != keeps:
            found.append("keyboard left on the message" if self.keyboard_left else "keyboard dropped")
        if self.tables_changed:
            found.append(f"changed {', '.join(self.tables_changed)}")
        return found


async def post_old_keyboard(running: Any, chat: int, data: str, label: str = "旧按钮") -> dict:
    """A message from the bot, as an old one would be, with one button of `data`."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
    sent = await running.app.bot.send_message(chat, f"old: {data}", reply_markup=keyboard)
    return {"message_id": sent.message_id, "reply_markup": keyboard.to_dict()}


async def press_old(w: Any, user: TgUser, name: str, data: str, chat: int | None = None) -> Outcome:
    """Post an old keyboard with `data` in `chat` (the user's private chat), press it as `user`,
    and read what the press did: its answer, the keyboard, the database."""
    chat = user.private if chat is None else chat
    message = await post_old_keyboard(w.bot, chat, data)
    await settle(w)
    before = await snapshot(w.db)
    answer = await user.press("旧按钮", chat=chat, message=message)
    await settle(w)

    async def keyboard() -> bool:
        for m in await w.sb.bot_messages(chat):
            if m["message_id"] == message["message_id"]:
                return bool(buttons_of(m))
        return False

    left = await keyboard()  # the bot is quiet: the press was handled to its end
    return Outcome(name, answer.get("text") or "", left, changed(before, await snapshot(w.db)))
