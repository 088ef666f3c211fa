"""The bundle every service receives: database, notifier, clock and config."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.kernel.clock import Clock
from bot.services.kernel.config import Config
from bot.services.kernel.languages import pick_locale
from bot.services.kernel.notifier import Notifier
from storage.db import Database


@dataclass
class Core:
    db: Database
    notifier: Notifier
    clock: Clock
    cfg: Config
    bot_username: str = "redvest_bot"

    def lang(self, language: str | None) -> str:
        """Which of our languages a person with this Telegram language code reads."""
        return pick_locale(language, self.cfg.bot.default_locale)
