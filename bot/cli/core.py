"""The core a sub-command works with: the database checked to be at the code's revision, the
outbox's notifier (what a command queues, the running bot sends), the system clock; the database
closed when the command is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from storage.db import Database
from storage.migrate import check_current


@asynccontextmanager
async def cli_core(cfg: Config) -> AsyncIterator[Core]:
    await check_current(cfg.database.url)
    db = Database(cfg.database.url)
    clock = SystemClock()
    try:
        yield Core(db=db, notifier=OutboxNotifier(clock, locale=cfg.bot.default_locale), clock=clock, cfg=cfg)
    finally:
        await db.dispose()
