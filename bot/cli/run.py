"""`redvest run`: one bot process, polling Telegram or serving the webhook, with its web server.

One process per `redvest run`. For several webhook workers on one PostgreSQL start several (each with
its own --webhook-port behind a load balancer; systemd units in docs/runbook.md): they share the
updates, and one of them, elected by the database, runs the scheduler and the outbox sender.
SIGTERM (or Ctrl+C) stops taking updates, finishes those in flight, then exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_application, start_polling, start_running, stop_running
from bot.gate.conversations import App
from bot.services.kernel.config import Config
from bot.web.listen import PortInUse
from storage.db import Database
from storage.migrate import NeedsMigration, check_current

from .errors import CliError
from .startup import PROBE_SECONDS, STARTUP_SECONDS, TelegramSilent, database_problem, telegram_problem

log = logging.getLogger(__name__)
NO_TOKEN = (
    "no Telegram bot token: get one from @BotFather (https://t.me/BotFather) and set "
    "telegram.token in redvest.toml or REDVEST_TOKEN; or try the bot with no token at all: "
    "`redvest sandbox`"
)
NO_SECRET = (
    "webhook mode needs bot.webhook.secret_token (1-256 of A-Z a-z 0-9 _ -), "
    "or REDVEST_WEBHOOK_SECRET, so that only Telegram can post updates"
)
NO_URL = "webhook mode needs bot.webhook.url (the public HTTPS URL Telegram posts to), or REDVEST_WEBHOOK_URL"


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("run", help="run the bot (polling, or webhook when bot.mode = 'webhook')")
    p.add_argument("--webhook-port", type=int, metavar="PORT", help="port of the webhook (default: bot.webhook.port)")
    p.add_argument(
        "--web-port",
        type=int,
        metavar="PORT",
        help="port of health, metrics and dashboard (default: web.port; 0 = any free port)",
    )
    p.add_argument(
        "--no-scheduler",
        action="store_true",
        help="never run the scheduler and the outbox sender in this process (a pure webhook worker)",
    )
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    if not cfg.token:
        raise CliError(NO_TOKEN)
    if cfg.bot.mode == "webhook":
        if not cfg.bot.webhook.secret_token.get_secret_value():
            raise CliError(NO_SECRET)
        if not cfg.bot.webhook.url:
            raise CliError(NO_URL)
    if getattr(args, "webhook_port", None) is not None:
        cfg.bot.webhook.port = args.webhook_port
    if getattr(args, "web_port", None) is not None:
        cfg.web.port = args.web_port
    asyncio.run(database_ready(cfg.database.url))
    db = Database(cfg.database.url, echo=cfg.database.echo, pool_size=cfg.database.pool_size)
    lead = not getattr(args, "no_scheduler", False)
    app = build_application(cfg, db, run_sender=lead, run_scheduler=lead, run_web=True)
    return serve_until_signalled(cfg, app)


async def database_ready(url: str) -> None:
    """The database answers and is at the code's revision, or one line that says what to do."""
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            await check_current(url)
    except NeedsMigration:
        raise
    except (OSError, TimeoutError, SQLAlchemyError) as e:
        raise CliError(database_problem(url, e)) from None


async def start_or_explain(cfg: Config, app: App, start: Callable[[], Awaitable[None]]) -> None:
    """Ask Telegram who we are (PROBE_SECONDS), then run `start` (STARTUP_SECONDS); on failure stop
    what it started and raise one CliError line that says what to do (a busy port, the database, the
    token, Telegram)."""
    try:
        try:
            async with asyncio.timeout(PROBE_SECONDS):
                await app.bot.initialize()  # getMe: the token and the way to Telegram (start does it once)
        except TimeoutError:
            raise TelegramSilent from None
        async with asyncio.timeout(STARTUP_SECONDS):
            await start()
    except Exception as e:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(STARTUP_SECONDS):
                await stop_running(app)
        with contextlib.suppress(Exception):  # its worker thread would keep the process alive
            await app.bot_data["core"].db.dispose()
        for http in app.bot_data["http"]:  # a start that failed half-way leaves them open
            with contextlib.suppress(Exception):
                await http.shutdown()
        if isinstance(e, PortInUse):
            raise CliError(str(e)) from None
        told = telegram_problem(cfg.telegram.base_url, e)
        if told is None and isinstance(e, TimeoutError):  # (an OSError too: asked first)
            told = f"start-up took longer than {STARTUP_SECONDS:g} s (Telegram at {cfg.telegram.base_url} or the database is too slow): try again, or check both"
        if told is None and isinstance(e, (OSError, SQLAlchemyError)):
            told = database_problem(cfg.database.url, e)
        if told is None:
            raise
        raise CliError(told) from None


def serve_until_signalled(cfg: Config, app: App) -> int:
    asyncio.run(_serve(cfg, app))
    return 0


async def _serve(cfg: Config, app: App) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    webhook = cfg.bot.mode == "webhook"

    async def start() -> None:
        await start_running(app, polling=False)
        if webhook:
            await app.bot.set_webhook(
                cfg.bot.webhook.url,
                secret_token=cfg.bot.webhook.secret_token.get_secret_value(),
                allowed_updates=_allowed_updates(),
                max_connections=40,
            )
        else:
            await app.bot.delete_webhook()  # a webhook left set would make getUpdates fail
            start_polling(app)

    await start_or_explain(cfg, app, start)
    try:
        log.info("redvest is running (%s); SIGTERM stops it cleanly", cfg.bot.mode)
        await stop.wait()
        log.info("stopping: finishing the updates in flight")
    finally:
        await stop_running(app)
        await app.bot_data["core"].db.dispose()
    log.info("stopped")


def _allowed_updates() -> list[str]:
    from telegram import Update

    return Update.ALL_TYPES
