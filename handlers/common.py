"""/start, /help, the main menu, and the fallbacks (unknown commands, unbound groups)."""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.i18n import t, tp
from bot.services.people import roles as people
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, lang_of, say


def main_menu(lang: str) -> list[list[Button]]:
    return [[Button(tp(lang, "menu.ask_help"), data="menu:request")],
            [Button(tp(lang, "menu.volunteer"), data="menu:volunteer"),
             Button(tp(lang, "menu.my_grid"), data="menu:grid")],
            [Button(tp(lang, "menu.help"), data="menu:help")]]


async def start_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if update.effective_chat and update.effective_chat.type != "private":
        await group_start(update, context)
        return
    summary = await people.role_summary(core_of(context), actor_of(update))
    text = t(lang, "start.welcome", name=update.effective_user.first_name if update.effective_user else "")
    if summary.grid_id is None:
        text += "\n\n" + t(lang, "start.no_grid_hint")
    await say(update, text, main_menu(lang))


async def group_start(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    url = f"https://t.me/{context.bot.username}?start=menu"
    await say(update, t(lang, "start.group"), [[Button(tp(lang, "start.open_private"), url=url)]])


async def help_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    summary = await people.role_summary(core_of(context), actor_of(update))
    parts = [t(lang, "help.intro"), t(lang, "help.resident")]
    if summary.volunteer_status == "approved":
        parts.append(t(lang, "help.volunteer"))
    if summary.leads:
        parts.append(t(lang, "help.leader"))
    if summary.admin:
        parts.append(t(lang, "help.admin"))
    await say(update, "\n\n".join(parts))


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
    """A press nobody handles (an old keyboard, forged data): answer, change nothing."""
    if update.callback_query:
        await update.callback_query.answer(tp(lang_of(update, context), "error.stale_button"), show_alert=True)


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("start", start_command),
        CommandHandler("help", help_command),
        CallbackQueryHandler(help_button, pattern=r"^menu:help$"),
    ]


def build_fallbacks() -> list[BaseHandler]:
    """Registered last: only what no feature handled reaches these."""
    return [
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, private_fallback),
        CallbackQueryHandler(stale_button),
    ]
