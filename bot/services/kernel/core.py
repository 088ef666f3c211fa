"""The bundle every service receives: database, notifier, clock and config."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.kernel.clock import Clock
from bot.services.kernel.config import Config
from storage.db import Database

if TYPE_CHECKING:  # a type only: importing it here would close a cycle through bot.views (notifier's TRANSITION)
    from bot.services.kernel.notifier import Notifier


@dataclass
class Core:
    db: Database
    notifier: Notifier
    clock: Clock
    cfg: Config
    bot_username: str = "redvest_bot"

    def lang(self, language: str | None) -> str:
        from bot.i18n import pick_locale
        return pick_locale(language, self.cfg.bot.default_locale)
