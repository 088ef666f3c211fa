"""/forgetme: erase my personal details, after a confirmation (callback data `privacy:*`)."""
from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services.people import privacy
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say

ERASE = re.compile(r"^privacy:erase:(\d{1,20}):(\d{1,12})$")


@domain_errors
async def forgetme_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        url = f"https://t.me/{context.bot.username}?start=forgetme"
        await say(update, t(lang, "privacy.group_hint"), [[Button(tp(lang, "privacy.open_private_button"), url=url)]])
        return
    core = core_of(context)
    await privacy.check_can_forget(core, actor_of(update))
    data = f"privacy:erase:{update.effective_user.id}:{privacy.confirmation_stamp(core)}"  # type: ignore[union-attr]
    await say(update, t(lang, "privacy.intro"), [[Button(tp(lang, "privacy.erase_button"), data=data)],
                                                  [Button(tp(lang, "privacy.keep_button"), data="privacy:keep")]])


@domain_errors
async def erase_button(update: Update, context: Ctx) -> None:
    q, lang = update.callback_query, lang_of(update, context)
    match = ERASE.match(q.data or "") if q else None
    if q is None or match is None or update.effective_chat is None or update.effective_chat.type != "private":
        if q is not None:
            await q.answer(tp(lang, "error.stale_button"), show_alert=True)
        return
    await privacy.forget_me(core_of(context), actor_of(update), for_user=int(match[1]), stamp=int(match[2]))
    context.application.drop_user_data(update.effective_user.id)  # type: ignore[union-attr]
    await q.answer()
    await edit_or_say(update, t(lang, "privacy.erased"))


async def keep_button(update: Update, context: Ctx) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await edit_or_say(update, t(lang_of(update, context), "privacy.kept"))


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("forgetme", forgetme_command),
        CommandHandler("start", forgetme_command, filters=filters.Regex(r"^/start forgetme$")),
        CallbackQueryHandler(erase_button, pattern=r"^privacy:erase:"),
        CallbackQueryHandler(keep_button, pattern=r"^privacy:keep$"),
    ]
