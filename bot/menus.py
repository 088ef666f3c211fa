"""What Telegram shows of the bot before anyone writes to it, set at start-up: the menus for every
private chat (the residents'), for groups and for group admins, and the description and short
description, each in every language we speak and once without a language for everyone else.
A person's own menu (a volunteer's, a leader's, an admin's) is set when their roles change, through
the outbox (bot/services/kernel/menus.py, bot/views/commands.py)."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.services.kernel.languages import LANGUAGES
from bot.views.commands import MenuSet, command_menu, descriptions, group_menu, in_every_language, telegram_code

log = logging.getLogger(__name__)


def default_menus(default_locale: str) -> list[tuple[BotCommandScope, MenuSet]]:
    residents = in_every_language(command_menu, default_locale)
    return [
        (BotCommandScopeDefault(), residents),  # chats no other scope covers
        (BotCommandScopeAllPrivateChats(), residents),
        (BotCommandScopeAllGroupChats(), in_every_language(group_menu, default_locale)),
        (BotCommandScopeAllChatAdministrators(), in_every_language(group_menu, default_locale, admins=True)),
    ]


async def publish(bot: Bot, default_locale: str) -> None:
    """Set the default menus and the descriptions. A refusal is logged, never fatal: the bot works
    without them."""
    try:
        for scope, menus in default_menus(default_locale):
            for code, menu in menus:
                await bot.set_my_commands([BotCommand(c, d) for c, d in menu], scope=scope, language_code=code or None)
        every: list[tuple[str, str | None]] = [(lang, telegram_code(lang)) for lang in LANGUAGES]
        for lang, lang_code in [*every, (default_locale, None)]:
            description, short = descriptions(lang)
            await bot.set_my_description(description, language_code=lang_code)
            await bot.set_my_short_description(short, language_code=lang_code)
    except TelegramError as e:
        log.warning("could not set the bot's menus or descriptions: %s", e)
