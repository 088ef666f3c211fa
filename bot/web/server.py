"""The bot's aiohttp server: the Telegram webhook (webhook mode), /healthz, /metrics, the dashboard.

It runs in polling mode too (health, metrics and the dashboard need it). In webhook mode the
webhook route is served on the same application, on `web.port` and on `bot.webhook.port`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.gate.conversations import App
from bot.gate.ordering import ChatOrderedProcessor
from bot.services.kernel.core import Core

from . import dashboard, probes, webhook
from .keys import CORE, PTB

log = logging.getLogger(__name__)
PROBE_SECONDS = probes.PROBE_SECONDS


def build_web_app(
    core: Core,
    ptb_app: App | None,
    into: web.Application | None = None,
    *,
    webhook_route: bool = True,
    metrics_route: bool = True,
    dashboard_routes: bool = True,
) -> web.Application:
    """The web server's routes, on a new application or `into` another one (the sandbox's): health
    always; the webhook (webhook mode), /metrics and the dashboard unless they are served elsewhere
    (bot/web/listen.py)."""
    app = web.Application() if into is None else into
    app[CORE] = core
    if ptb_app is not None:
        app[PTB] = ptb_app
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if metrics_route:
        app.router.add_get("/metrics", metrics_view)
    if webhook_route and ptb_app is not None and core.cfg.bot.mode == "webhook":
        app.router.add_post(core.cfg.bot.webhook.path, webhook.receive)
    if dashboard_routes:
        dashboard.add_routes(app, core)
        if ptb_app is not None:
            bot = ptb_app.bot

            async def fetch(file_id: str) -> bytes:
                return await _download(bot, file_id)

            app[dashboard.proof.FETCH] = fetch
    return app


async def _download(bot: Any, file_id: str) -> bytes:
    """A file Telegram keeps (a proof photo), for the dashboard: getFile, then its bytes."""
    f = await bot.get_file(file_id)
    return bytes(await f.download_as_bytearray())


async def healthz(request: web.Request) -> web.Response:
    """Liveness: 200 while the process is alive and not stopping (503 then, so a balancer drains it).
    The database's state is in the body for people; whether the process can work is /readyz's answer."""
    core = request.app[CORE]
    ptb = request.app.get(PTB)
    try:
        db_ok = await asyncio.wait_for(core.db.ping(), PROBE_SECONDS)
    except TimeoutError:
        db_ok = False
    metrics.DATABASE_UP.set(1 if db_ok else 0)
    data: dict[str, Any] = {"status": "alive", "database": db_ok, "mode": core.cfg.bot.mode, "pid": os.getpid()}
    stopping = False
    if ptb is not None:
        leadership = ptb.bot_data.get("leadership")
        stopping = bool(ptb.bot_data.get("stopping"))
        data["leader"] = bool(leadership is not None and leadership.is_leader)
        processor = ptb.update_processor
        data["updates_in_flight"] = processor.in_flight if isinstance(processor, ChatOrderedProcessor) else 0
        if stopping:
            data["status"] = "stopping"
    return web.json_response(data, status=503 if stopping else 200)


async def readyz(request: web.Request) -> web.Response:
    """Ready for work: the database answers and the outbox is not stuck (probes.OutboxHealth), else
    503 with the reason. For alerts and orchestrators; /healthz only says the process lives."""
    core = request.app[CORE]
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            health = await probes.outbox_health(core)
    except Exception:  # unreachable, or too slow to answer: either way not ready
        metrics.DATABASE_UP.set(0)
        return web.json_response({"status": "database unreachable", "database": False}, status=503)
    metrics.DATABASE_UP.set(1)
    data = {
        "status": "outbox stuck" if health.stuck else "ok",
        "database": True,
        "outbox_depth": health.depth,
        "outbox_oldest_pending_seconds": round(health.oldest_pending_seconds, 1),
        "seconds_since_last_send": None if health.seconds_since_sent is None else round(health.seconds_since_sent, 1),
    }
    return web.json_response(data, status=503 if health.stuck else 200)


async def metrics_view(request: web.Request) -> web.Response:
    """Prometheus' text; with web.metrics_token set, only for `Authorization: Bearer TOKEN`."""
    token = request.app[CORE].cfg.web.metrics_token.get_secret_value()
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return web.json_response({"status": "a metrics token is needed"}, status=401)
    await probes.refresh_metrics(request.app[CORE])
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
