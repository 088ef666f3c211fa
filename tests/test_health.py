"""/healthz (liveness and database reachability) and /metrics (Prometheus) on the bot's web server."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.outbox.notifier import OutboxNotifier
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.core import Core
from bot.views.message import OutMessage
from bot.web.server import build_web_app
from storage.db import Database
from tests.support.harness import make_user
from tests.support.webhook import webhook_bot
from tests.support.workers import eventually, free_port


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}{path}") as r:
            return r.status, r.headers.get("Content-Type", ""), await r.text()


def sample(metrics_text: str, name: str) -> float:
    """The value of one sample line (`name` includes its labels), 0 if absent."""
    for line in metrics_text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_healthz_reports_the_database_and_the_leader(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg) as bot:
        status, ctype, body = await get(bot.web_port, "/healthz")
        assert status == 200 and ctype.startswith("application/json")
        import json

        data = json.loads(body)
        assert data["database"] is True and data["status"] == "alive" and data["leader"] is True
        assert data["mode"] == "webhook" and data["updates_in_flight"] == 0


async def test_healthz_says_alive_without_the_database_and_readyz_says_not_ready(cfg):
    dead = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    core = Core(db=dead, notifier=OutboxNotifier(SystemClock()), clock=SystemClock(), cfg=cfg)
    async with TestClient(TestServer(build_web_app(core, None))) as client:
        r = await client.get("/healthz")  # liveness: restarting the process would not bring the database back
        assert r.status == 200
        data = await r.json()
        assert data == {**data, "database": False, "status": "alive"}
        assert (await client.get("/readyz")).status == 503
        metrics_text = await (await client.get("/metrics")).text()
        assert sample(metrics_text, "redvest_database_up") == 0.0
    await dead.dispose()


async def test_metrics_count_updates_by_kind_latency_sends_and_outbox_depth(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg) as bot:
        _, ctype, before = await get(bot.web_port, "/metrics")
        assert ctype.startswith("text/plain")
        alice = await make_user(sandbox, 7101, "Alice", "en")
        await alice.send("/start")
        await alice.reply()
        await alice.press("menu:help")
        await alice.reply()
        # a notification through the outbox
        async with db.session() as s:
            await bot.core.notifier.send(s, "health-test:1", OutMessage(chat_id=7101, text="hello"))
        await alice.reply("hello")

        def grew(name: str, by: float = 1):
            return lambda text: sample(text, name) >= sample(before, name) + by

        sent, answered = (
            grew('redvest_outbox_sends_total{kind="health-test",result="sent"}'),
            grew('redvest_webhook_requests_total{status="200"}', 2),
        )
        after = await eventually(
            lambda: _metrics(bot.web_port),
            lambda t: sent(t) and answered(t),
            5,
            "the send and the webhook answers counted",
        )
        assert (
            sample(after, 'redvest_updates_total{kind="message"}')
            >= sample(before, 'redvest_updates_total{kind="message"}') + 1
        )
        assert (
            sample(after, 'redvest_updates_total{kind="callback_query"}')
            >= sample(before, 'redvest_updates_total{kind="callback_query"}') + 1
        )
        assert sample(after, "redvest_handler_seconds_count") >= sample(before, "redvest_handler_seconds_count") + 2
        assert sample(after, "redvest_leader") == 1.0
        for name in (
            "redvest_outbox_depth",
            "redvest_outbox_429_total",
            "redvest_errors_total",
            "redvest_database_unavailable_total",
            "redvest_updates_retried_total",
        ):
            assert f"\n{name} " in after or after.startswith(f"{name} "), name
        await eventually(
            lambda: _metrics(bot.web_port), lambda t: sample(t, "redvest_outbox_depth") == 0.0, 5, "the outbox empty"
        )


async def test_outbox_depth_shows_what_waits(db, cfg):
    core = Core(db=db, notifier=OutboxNotifier(SystemClock()), clock=SystemClock(), cfg=cfg)
    async with db.session() as s:
        for i in range(3):
            await core.notifier.send(s, f"depth:{i}", OutMessage(chat_id=1, text="x"))
    async with TestClient(TestServer(build_web_app(core, None))) as client:
        text = await (await client.get("/metrics")).text()
    assert sample(text, "redvest_outbox_depth") == 3.0


async def _metrics(port: int) -> str:
    return (await get(port, "/metrics"))[2]
