"""Button lists shared by the set-up features: communities, grids, people, with pages when long."""
from __future__ import annotations

from typing import Callable, Sequence

from telegram import Update

from bot.i18n import tp
from bot.services.notifier import Button

from .base import edit_or_say, say

PER_PAGE = 24  # Telegram allows 100 buttons a keyboard; 24 in two columns stays readable
MAX_LABEL = 40


def label(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def choice_buttons(items: Sequence[tuple[str, str]], lang: str, *, page: int = 0,
                   page_data: Callable[[int], str] | None = None, columns: int = 2,
                   extra: list[list[Button]] | None = None) -> list[list[Button]]:
    """(label, callback data) pairs as rows of buttons, one page of them, with ◀ ▶ when needed."""
    pages = max(1, -(-len(items) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = items[page * PER_PAGE:(page + 1) * PER_PAGE]
    rows = [[Button(label(text), data=data) for text, data in chunk[i:i + columns]]
            for i in range(0, len(chunk), columns)]
    if pages > 1 and page_data is not None:
        nav = []
        if page > 0:
            nav.append(Button(tp(lang, "pick.prev"), data=page_data(page - 1)))
        nav.append(Button(f"{page + 1}/{pages}", data=page_data(page)))
        if page < pages - 1:
            nav.append(Button(tp(lang, "pick.next"), data=page_data(page + 1)))
        rows.append(nav)
    return rows + (extra or [])


def int_arg(update: Update, index: int = -1) -> int:
    """The numeric part of callback data like `res:g:12` (index -1) - never trusted further."""
    q = update.callback_query
    assert q is not None and q.data is not None
    return int(q.data.split(":")[index])


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


async def show(update: Update, text: str, buttons: list[list[Button]] | None = None, *, new: bool = False) -> None:
    """Edit the pressed message in place (tidy chats), or send a new one: for commands, for
    `new=True`, and for the main-menu buttons (the menu stays usable)."""
    q = update.callback_query
    if new or q is None or (q.data or "").startswith("menu:"):
        await say(update, text, buttons)
    else:
        await edit_or_say(update, text, buttons)


def conversation(**kwargs):  # type: ignore[no-untyped-def]
    """A ConversationHandler whose steps mix buttons and typed answers. PTB warns that button
    presses are then tracked per chat and user rather than per message, which is what we want."""
    import warnings

    from telegram.ext import ConversationHandler
    from telegram.warnings import PTBUserWarning
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(**kwargs)
