"""`redvest run`: the bot, polling Telegram (or `telegram.base_url`), or serving a webhook."""
from __future__ import annotations

import asyncio

from telegram import Update

from bot.app import build_application
from storage.db import Database
from storage.migrate import check_current

from . import CliError

NO_TOKEN = ("no Telegram bot token: get one from @BotFather (https://t.me/BotFather) and set "
            "telegram.token in redvest.toml or REDVEST_TOKEN; or try the bot with no token at all: "
            "`redvest sandbox`")


def add_parser(subs) -> None:  # type: ignore[no-untyped-def]
    p = subs.add_parser("run", help="run the bot (polling, or webhook when bot.mode = 'webhook')")
    p.set_defaults(func=run)


def run(cfg, args) -> int:  # type: ignore[no-untyped-def]
    if not cfg.token:
        raise CliError(NO_TOKEN)
    asyncio.run(check_current(cfg.database.url))
    db = Database(cfg.database.url, echo=cfg.database.echo, pool_size=cfg.database.pool_size)
    app = build_application(cfg, db)
    if cfg.bot.mode == "webhook":
        from bot.web.webhook import run_webhook
        return run_webhook(cfg, app)
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0
