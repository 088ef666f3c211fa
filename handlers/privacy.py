"""/forgetme: erase my personal details, after a confirmation (callback data `privacy:*`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services.people import check_can_forget, confirmation_stamp, forget_me
from bot.views.callbacks import StaleButton
from bot.views.people.callbacks import PRIVACY_ERASE, PRIVACY_KEEP
from bot.views.people.privacy import confirm_buttons
from bot.views.people.start import to_private

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say


@domain_errors
async def forgetme_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(
            update,
            t(lang, "privacy.group_hint"),
            to_private(lang, context.bot.username, "forgetme", "privacy.open_private_button"),
        )
        return
    core, actor = core_of(context), actor_of(update)
    await check_can_forget(core, actor)
    await say(update, t(lang, "privacy.intro"), confirm_buttons(lang, actor.tg_user_id, confirmation_stamp(core)))


@domain_errors
async def erase_button(update: Update, context: Ctx) -> None:
    q, lang = update.callback_query, lang_of(update, context)
    if q is None:
        return
    try:
        if update.effective_chat is None or update.effective_chat.type != "private":
            raise StaleButton()
        for_user, stamp = PRIVACY_ERASE.parse(q.data)
    except StaleButton:
        await q.answer(tp(lang, "error.stale_button"), show_alert=True)
        return
    actor = actor_of(update)
    await forget_me(core_of(context), actor, for_user=for_user, stamp=stamp)
    context.application.drop_user_data(actor.tg_user_id)
    await q.answer()
    await edit_or_say(update, t(lang, "privacy.erased"))


async def keep_button(update: Update, context: Ctx) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await edit_or_say(update, t(lang_of(update, context), "privacy.kept"))


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("forgetme", forgetme_command),
        CommandHandler("start", forgetme_command, filters=filters.Regex(r"^/start forgetme$")),
        CallbackQueryHandler(erase_button, pattern=PRIVACY_ERASE.pattern),
        CallbackQueryHandler(keep_button, pattern=PRIVACY_KEEP.pattern),
    ]
