"""/myid: a person's Telegram id (and, in a group, the group's), to send to whoever invites them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.views.commands import my_id

from .base import AnyHandler, Ctx, lang_of, say


async def myid_command(update: Update, context: Ctx) -> None:
    user, chat = update.effective_user, update.effective_chat
    in_group = chat is not None and chat.type != "private"
    await say(
        update, my_id(lang_of(update, context), user.id if user else None, chat.id if in_group and chat else None)
    )


def build_handlers() -> list[AnyHandler]:
    return [CommandHandler("myid", myid_command)]
