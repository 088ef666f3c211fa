"""Wiring: the PTB Application with our handlers, the core, the outbox sender, the scheduler.

Updates come in through bot.gate.updates.UpdateGate (exactly once, per-chat order, state kept in the
database), fetched by bot.gate.polling.Poller or posted to the webhook of bot/web. The scheduler and the
outbox sender run only in the leader process (bot.leader); the web server (health, metrics,
dashboard, webhook) when `run_web` is set.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import timedelta

from telegram.ext import ApplicationBuilder, Defaults

import handlers
from bot import logprivacy, menus
from bot.gate.conversations import App
from bot.gate.dbfaults import database_guard
from bot.gate.expiry import Expiry, sweep
from bot.gate.updates import ChatOrderedProcessor, UpdateGate
from bot.jobs import notice_progress
from bot.outbox.notifier import OutboxNotifier
from bot.outbox.sender import OutboxSender
from bot.persistence import DbPersistence
from bot.services.kernel.clock import Clock, SystemClock
from bot.services.kernel.config import Config
from bot.services.kernel.core import Core
from bot.services.people import forget_sent_texts
from bot.transport.http import AiohttpRequest
from bot.transport.limits import TelegramLimits
from storage import handover, inbox
from storage.db import Database
from storage.models._base import utcnow

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 3600
SWEEP_SECONDS = 60  # how often the leader ends idle conversations and deletes their drafts
UPDATE_IDS_KEPT = timedelta(days=2)


def build_application(
    cfg: Config,
    db: Database,
    clock: Clock | None = None,
    *,
    run_sender: bool = True,
    run_scheduler: bool = True,
    run_web: bool = False,
) -> App:
    """The bot as one PTB Application. The core lives in bot_data['core'].
    run_sender/run_scheduler: this process may lead (drain the outbox / run the jobs) when elected;
    run_web: serve the web server (health, metrics, dashboard; the webhook in webhook mode)."""
    logprivacy.install()
    clock = clock or SystemClock()
    requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=2))  # bot_data["http"]: ours to close
    builder = (
        ApplicationBuilder()
        .token(cfg.token)
        .base_url(cfg.telegram.base_url)
        .request(requests[0])
        .get_updates_request(requests[1])
        .defaults(Defaults(tzinfo=cfg.tz))
        .concurrent_updates(ChatOrderedProcessor(cfg.telegram.concurrent_updates))
        # the one place that paces and retries each call: the outbox's own sends pass through it
        # untouched (the sender paces and retries them); replies are paced per group and retried once
        .rate_limiter(TelegramLimits())
        .persistence(DbPersistence(db, update_interval=60, now=clock.now))
    )
    if cfg.telegram.base_file_url:
        builder = builder.base_file_url(cfg.telegram.base_file_url)
    app = builder.post_init(_post_init).post_shutdown(_post_shutdown).build()
    notifier = OutboxNotifier(clock, locale=cfg.bot.default_locale)
    app.bot_data.update(
        core=Core(db=db, notifier=notifier, clock=clock, cfg=cfg),
        run_sender=run_sender,
        run_scheduler=run_scheduler,
        run_web=run_web,
        http=requests,
        gate=UpdateGate(
            app,
            db,
            lease=timedelta(seconds=cfg.workers.update_lease_seconds),
            expiry=Expiry(timedelta(minutes=cfg.bot.conversation_idle_minutes)),
        ),
    )
    app.add_error_handler(database_guard)  # first: an unreachable database is retried, not reported
    handlers.register(app)
    return app


async def _post_init(app: App) -> None:
    core: Core = app.bot_data["core"]
    me = await app.bot.get_me()
    core.bot_username = me.username or core.bot_username
    if app.bot_data.get("run_web"):  # early: a busy port stops the start before anything else runs
        from bot.web.listen import WebServer, web_sites

        server = WebServer(web_sites(core, app), shutdown_timeout=core.cfg.workers.shutdown_timeout_seconds)
        await server.start()
        app.bot_data["web"] = server
    await seed_config_admins(core)
    await set_command_menu(app)
    if app.bot_data.get("run_sender") or app.bot_data.get("run_scheduler"):
        from bot.leader import Leadership

        leadership = Leadership(
            core.db.url,
            retry_seconds=core.cfg.workers.leader_retry_seconds,
            on_elected=lambda: _lead(app),
            on_deposed=lambda: _step_down(app),
        )
        app.bot_data["leadership"] = leadership
        app.bot_data["scheduler_is_leader"] = lambda: leadership.is_leader  # asked before every tick
        await leadership.start()


async def _lead(app: App) -> None:
    """Elected: take over what a previous leader left claimed, then send and schedule."""
    core: Core = app.bot_data["core"]
    if app.bot_data.get("run_sender"):
        # a previous leader steps down within one beat of losing the lock; give it that long
        grace = 0.0 if core.db.is_sqlite else core.cfg.workers.leader_retry_seconds
        app.bot_data["sender_start"] = asyncio.create_task(_start_sender(app, grace), name="redvest-sender-start")
        if grace == 0.0:
            await app.bot_data["sender_start"]
        app.bot_data["notice_progress"] = asyncio.create_task(
            notice_progress.watch(core), name="redvest-notice-progress"
        )
    app.bot_data["housekeeping"] = asyncio.create_task(_housekeeping(core), name="redvest-housekeeping")
    app.bot_data["sweeping"] = asyncio.create_task(_sweeping(core), name="redvest-conversation-sweep")
    if app.bot_data.get("run_scheduler"):
        from bot import scheduler

        await scheduler.start(app)


async def _housekeeping(core: Core) -> None:
    """The leader, hourly: forgets update ids Telegram can no longer re-deliver (it gives up after a
    day), and the texts of notifications delivered longer than outbox.forget_sent_after_hours ago."""
    while True:
        await asyncio.sleep(HOUSEKEEPING_SECONDS)
        try:
            async with core.db.session() as s:
                await inbox.purge(s, utcnow() - UPDATE_IDS_KEPT)
            await forget_sent_texts(core)
        except Exception as e:  # next time
            log.warning("housekeeping failed (%s)", type(e).__name__)


async def _sweeping(core: Core) -> None:
    """The leader ends conversations idle past bot.conversation_idle_minutes and deletes their
    drafts (address, phone...), whether or not the person ever comes back (bot/gate/expiry.py)."""
    idle = timedelta(minutes=core.cfg.bot.conversation_idle_minutes)
    while True:
        try:
            ended = await sweep(core.db, core.clock.now(), idle, handlers.leaving.DRAFTS)
            if ended:
                log.info("ended %s idle conversations and deleted their drafts", ended)
        except Exception as e:  # next time
            log.warning("sweeping idle conversations failed (%s)", type(e).__name__)
        await asyncio.sleep(SWEEP_SECONDS)


async def _start_sender(app: App, grace: float) -> None:
    core: Core = app.bot_data["core"]
    if grace:
        await asyncio.sleep(grace)
    for pause in (0.5, 1, 2, 4, 8, 15, 30):
        try:
            async with core.db.session() as s:
                released = await handover.release_claimed_sends(s, utcnow())
            if released:
                log.info("took over %s notifications a previous sender had claimed", released)
            break
        except Exception as e:  # database away: try again, then send anyway
            log.warning("could not take over claimed notifications yet (%s)", type(e).__name__)
            await asyncio.sleep(pause)
    sender = OutboxSender(
        core.db,
        app.bot,
        core.clock,
        per_second=core.cfg.outbox.per_second,
        per_group_per_minute=core.cfg.outbox.per_group_per_minute,
        max_attempts=core.cfg.outbox.max_attempts,
        poll_seconds=core.cfg.outbox.poll_seconds,
        paid_broadcast=core.cfg.outbox.paid_broadcast,
        paid_per_second=core.cfg.outbox.paid_per_second,
    )
    if isinstance(core.notifier, OutboxNotifier):  # the one build_application made
        core.notifier.wake = sender.wake
    if isinstance(app.bot.rate_limiter, TelegramLimits):  # answers count against the outbox's pace
        app.bot.rate_limiter.budget = sender.pace
    sender.start()
    app.bot_data["sender"] = sender


async def _step_down(app: App) -> None:
    core: Core = app.bot_data["core"]
    if app.bot_data.get("run_scheduler"):
        from bot import scheduler

        await scheduler.stop(app)
    for name in ("sender_start", "notice_progress", "housekeeping", "sweeping"):
        task: asyncio.Task[None] | None = app.bot_data.pop(name, None)
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    sender: OutboxSender | None = app.bot_data.pop("sender", None)
    if sender:
        if isinstance(core.notifier, OutboxNotifier):
            core.notifier.wake = lambda: None
        await sender.stop()


async def seed_config_admins(core: Core) -> None:
    """telegram.admins from the config are admins everywhere (like `redvest admin add`)."""
    from bot.services.kernel.menus import queue_menu
    from bot.services.kernel.roles import grant_superadmin, person_by_tg

    if core.cfg.telegram.admins:
        async with core.db.session() as s:
            for tg_user_id in core.cfg.telegram.admins:
                before = await person_by_tg(s, tg_user_id)
                if before is None or not before.is_superadmin:  # newly an admin: their menu says so
                    await queue_menu(core.notifier, s, await grant_superadmin(s, tg_user_id))


async def set_command_menu(app: App) -> None:
    """The default menus and the bot's descriptions (bot/menus.py)."""
    await menus.publish(app.bot, app.bot_data["core"].cfg.bot.default_locale)


async def _post_shutdown(app: App) -> None:
    web = app.bot_data.pop("web", None)
    if web is not None:
        await web.stop()
    leadership = app.bot_data.pop("leadership", None)
    if leadership is not None:
        await leadership.stop()


async def start_running(app: App, *, polling: bool = True, poll_timeout: int = 10) -> None:
    """Start the app inside an already running event loop (sandbox, tests, `redvest run`)."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    settle_memory()
    if polling:
        start_polling(app, poll_timeout)


def settle_memory() -> None:
    """What starting made (modules, tables, handlers, catalogs, the pool) lives as long as the
    process: move it out of the garbage collector's reach. Otherwise every full collection scans it
    all again, a 100–200 ms pause under load that every update in flight waits for
    (bench/inbound.py prints the collector's pauses)."""
    gc.collect()
    gc.freeze()


def start_polling(app: App, poll_timeout: int = 10) -> None:
    from bot.gate.polling import Poller

    poller = Poller(
        app.bot_data["gate"],
        timeout=poll_timeout,
        shutdown_timeout=app.bot_data["core"].cfg.workers.shutdown_timeout_seconds,
    )
    app.bot_data["poller"] = poller
    poller.start()


async def stop_running(app: App) -> None:
    """Stop cleanly: no new updates; those in flight are finished; then the leader's duties."""
    app.bot_data["stopping"] = True
    poller = app.bot_data.pop("poller", None)
    if poller is not None:
        await poller.stop()
    web = app.bot_data.pop("web", None)
    if web is not None:
        await web.stop()  # waits for webhook updates in flight
    if app.running:
        await app.stop()
    if app.post_shutdown:
        await app.post_shutdown(app)
    await app.shutdown()
