"""/start, /help, the main menu, and the fallbacks (unknown commands, unbound groups)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.i18n import t
from bot.services.kernel.menus import start_summary
from bot.services.people import role_summary
from bot.views.commands import menu_version
from bot.views.people.callbacks import MENU_HELP
from bot.views.people.start import help_text, main_menu, to_private, welcome

from .base import AnyHandler, Ctx, actor_of, core_of, lang_of, say, stale_press


async def start_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat and update.effective_chat.type != "private":
        await group_start(update, context)
        return
    summary = await start_summary(core_of(context), actor_of(update), menu_version())
    name = update.effective_user.first_name if update.effective_user else ""
    await say(update, welcome(lang, name, summary), main_menu(lang))


async def group_start(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await say(update, t(lang, "start.group"), to_private(lang, context.bot.username, "menu"))


async def help_command(update: Update, context: Ctx) -> None:
    summary = await role_summary(core_of(context), actor_of(update))
    await say(update, help_text(lang_of(update, context), summary))


async def help_button(update: Update, context: Ctx) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await help_command(update, context)


async def unknown_command(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "error.unknown_command"))


async def private_fallback(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await say(update, t(lang, "error.not_understood"), main_menu(lang))


async def stale_button(update: Update, context: Ctx) -> None:
    """A press nobody handles (a step already passed, a conversation over, forged data): one line,
    the keyboard off the message, nothing changed."""
    await stale_press(update, context)


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("start", start_command),
        CommandHandler("help", help_command),
        CallbackQueryHandler(help_button, pattern=MENU_HELP.pattern),
    ]


def build_fallbacks() -> list[AnyHandler]:
    """Registered last: only what no feature handled reaches these."""
    return [
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, private_fallback),
        CallbackQueryHandler(stale_button),
    ]
