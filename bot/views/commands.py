"""The bot's command menu (Telegram's "/" list), in each language."""

from __future__ import annotations

from bot.i18n import tp

COMMANDS = [
    ("start", "cmd.start"),
    ("help", "cmd.help"),
    ("request", "cmd.request"),
    ("my", "cmd.my"),
    ("grid", "cmd.grid"),
    ("volunteer", "cmd.volunteer"),
    ("tasks", "cmd.tasks"),
    ("visits", "cmd.visits"),
    ("points", "cmd.points"),
    ("events", "cmd.events"),
    ("profile", "cmd.profile"),
    ("forgetme", "privacy.cmd"),
    ("cancel", "cmd.cancel"),
]


def command_menu(lang: str) -> list[tuple[str, str]]:
    """(command, description) pairs, in menu order."""
    return [(command, tp(lang, key)) for command, key in COMMANDS]
