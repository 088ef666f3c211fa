"""Wiring: the PTB Application with our handlers, the core, the outbox sender, the scheduler."""
from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults, TypeHandler

import handlers
from bot import metrics
from bot.config import Config
from bot.i18n import tp
from bot.net import AiohttpRequest
from bot.outbox_notifier import OutboxNotifier
from bot.outbox_sender import OutboxSender
from bot.persistence import DbPersistence
from bot.services.clock import Clock, SystemClock
from bot.services.core import Core
from bot.updates import ChatOrderedProcessor
from storage.db import Database

log = logging.getLogger(__name__)

# (command, catalog key of its description); the menu Telegram shows, in both languages
COMMANDS = [("start", "cmd.start"), ("help", "cmd.help"), ("request", "cmd.request"), ("my", "cmd.my"),
            ("volunteer", "cmd.volunteer"), ("visits", "cmd.visits"), ("points", "cmd.points"),
            ("events", "cmd.events"), ("cancel", "cmd.cancel")]


async def _count_update(update: object, _context: Any) -> None:
    if isinstance(update, Update):
        kind = next((k for k in ("message", "callback_query", "my_chat_member", "edited_message")
                     if getattr(update, k, None) is not None), "other")
        metrics.UPDATES.labels(kind).inc()


def build_application(cfg: Config, db: Database, clock: Clock | None = None, *,
                      run_sender: bool = True, run_scheduler: bool = True) -> Application:
    """The bot as one PTB Application. The core lives in bot_data['core']."""
    clock = clock or SystemClock()
    builder = (ApplicationBuilder().token(cfg.token).base_url(cfg.telegram.base_url)
               .request(AiohttpRequest()).get_updates_request(AiohttpRequest(connection_pool_size=2))
               .defaults(Defaults(tzinfo=cfg.tz))
               .concurrent_updates(ChatOrderedProcessor(cfg.telegram.concurrent_updates))
               .rate_limiter(AIORateLimiter(max_retries=3))
               .persistence(DbPersistence(db)))
    if cfg.telegram.base_file_url:
        builder = builder.base_file_url(cfg.telegram.base_file_url)
    app = builder.post_init(_post_init).post_shutdown(_post_shutdown).build()
    notifier = OutboxNotifier(clock)
    app.bot_data.update(core=Core(db=db, notifier=notifier, clock=clock, cfg=cfg),
                        run_sender=run_sender, run_scheduler=run_scheduler)
    app.add_handler(TypeHandler(Update, _count_update), group=-1)
    handlers.register(app)
    return app


async def _post_init(app: Application) -> None:
    core: Core = app.bot_data["core"]
    me = await app.bot.get_me()
    core.bot_username = me.username or core.bot_username
    await seed_config_admins(core)
    if app.bot_data.get("run_sender"):
        sender = OutboxSender(core.db, app.bot, core.clock, per_second=core.cfg.outbox.per_second,
                              per_group_per_minute=core.cfg.outbox.per_group_per_minute,
                              max_attempts=core.cfg.outbox.max_attempts, poll_seconds=core.cfg.outbox.poll_seconds)
        core.notifier.wake = sender.wake  # type: ignore[attr-defined]
        sender.start()
        app.bot_data["sender"] = sender
    await set_command_menu(app)
    if app.bot_data.get("run_scheduler"):
        from bot import scheduler
        await scheduler.start(app)


async def seed_config_admins(core: Core) -> None:
    """telegram.admins from the config are admins everywhere (like `redvest admin add`)."""
    from bot.services.people import grant_superadmin
    if core.cfg.telegram.admins:
        async with core.db.session() as s:
            for tg_user_id in core.cfg.telegram.admins:
                await grant_superadmin(s, tg_user_id)


async def set_command_menu(app: Application) -> None:
    for lang, code in (("zh-CN", "zh"), ("en", "en")):
        cmds = [BotCommand(c, tp(lang, key)) for c, key in COMMANDS]
        await app.bot.set_my_commands(cmds, scope=BotCommandScopeDefault(), language_code=code)
    fallback = app.bot_data["core"].cfg.bot.default_locale  # users of other languages
    await app.bot.set_my_commands([BotCommand(c, tp(fallback, k)) for c, k in COMMANDS])


async def _post_shutdown(app: Application) -> None:
    if app.bot_data.get("run_scheduler"):
        from bot import scheduler
        await scheduler.stop(app)
    sender: OutboxSender | None = app.bot_data.get("sender")
    if sender:
        await sender.stop()


async def start_running(app: Application, *, polling: bool = True, poll_timeout: int = 10) -> None:
    """Start the app inside an already running event loop (sandbox, tests, webhook server)."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    if polling:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout,
                                        allowed_updates=Update.ALL_TYPES)


async def stop_running(app: Application) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_shutdown:
        await app.post_shutdown(app)
    await app.shutdown()
