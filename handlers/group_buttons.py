"""A button of a private chat pressed in a group (an old message, a forwarded keyboard, a forged
press) gets an alert pointing to the private chat and goes no further: its answer could show a
resident's address or phone to the whole group. Registered in a group of its own before every
other handler; the buttons that belong in groups are bot/views/group_buttons.IN_GROUPS."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot.views.group_buttons import belongs_in_groups, private_only_alert

from .base import AnyHandler, Ctx, lang_of

GROUP = -2  # before the conversations' leaving (-1) and every feature (0)


def _private_button(data: object) -> bool:
    return isinstance(data, str) and not belongs_in_groups(data)


async def refuse_in_group(update: Update, context: Ctx) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == "private" or update.callback_query is None:
        return
    await update.callback_query.answer(private_only_alert(lang_of(update, context)), show_alert=True)
    raise ApplicationHandlerStop


def build_handler() -> AnyHandler:
    return CallbackQueryHandler(refuse_in_group, pattern=_private_button)
