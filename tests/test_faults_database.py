"""PostgreSQL unreachable for 30 seconds: no update is lost, none is answered twice, nobody is told
"something went wrong", and both a webhook bot and a polling bot recover by themselves.

The bots reach PostgreSQL through a TCP proxy that the test cuts (every connection dropped, new
ones refused) and restores. The webhook bot answers 503 meanwhile, so Telegram (the sandbox)
re-sends; the polling bot does not confirm what it could not handle, so it fetches it again.
"""

from __future__ import annotations

import time

import aiohttp
import pytest

from bot import metrics
from bot.app import build_application, start_running, stop_running
from bot.services.kernel.clock import SystemClock
from sandbox import SandboxClient, start_server
from storage.db import Database
from tests.support.harness import make_user, text_of
from tests.support.proxies import TcpProxy
from tests.support.waiting import holds, wait_for
from tests.support.webhook import SECRET, webhook_cfg
from tests.support.workers import PgDatabase, eventually

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]
OUTAGE_SECONDS = 30
WRITES_DURING_OUTAGE = 3


async def health_status(port: int) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/readyz", timeout=aiohttp.ClientTimeout(total=10)) as r:
            return r.status


async def test_thirty_seconds_without_the_database_lose_no_update(sandbox, cfg):
    pgdb = PgDatabase()
    await (await pgdb.create()).dispose()
    pgproxy = TcpProxy(5432)
    await pgproxy.start()
    runner2, port2 = await start_server("127.0.0.1", 0)
    runner2.app["state"].next_update_id = 10_000_000  # the two bots share one database: distinct update ids
    sandbox2 = SandboxClient(f"http://127.0.0.1:{port2}")
    apps = []
    try:
        # a webhook bot on the fixture's sandbox and a polling bot on a second one, one database
        cfg.workers.leader_retry_seconds = 1.0
        cfg_poll = cfg.model_copy(deep=True)
        hook_app = build_application(
            webhook_cfg(cfg, sandbox.port),
            Database(pgdb.url_via(pgproxy.port)),
            SystemClock(),
            run_scheduler=False,
            run_web=True,
        )
        await start_running(hook_app, polling=False)
        apps.append(hook_app)
        web = hook_app.bot_data["web"]
        await hook_app.bot.set_webhook(f"http://127.0.0.1:{web.ports[-1]}{cfg.bot.webhook.path}", secret_token=SECRET)
        cfg_poll.telegram.base_url = f"http://127.0.0.1:{port2}/bot"
        poll_app = build_application(cfg_poll, Database(pgdb.url_via(pgproxy.port)), SystemClock(), run_scheduler=False)
        await start_running(poll_app, poll_timeout=1)
        apps.append(poll_app)

        alice = await make_user(sandbox, 8001, "Alice", "en")
        bob = await make_user(sandbox2, 8002, "Bob", "en")
        for user in (alice, bob):
            await user.send("/start")
            assert "red vest" in text_of(await user.reply())
        errors_before = metrics.ERRORS._value.get()
        assert await _leaders(apps) == 1

        await pgproxy.cut()
        cut_at = time.monotonic()
        assert await health_status(web.ports[0]) == 503
        sent = ["/start"]
        for n in range(WRITES_DURING_OUTAGE):
            for user in (alice, bob):
                await user.sb.send(user.id, "/help" if n % 2 == 0 else "/start")
            sent.append("/help" if n % 2 == 0 else "/start")
            # nothing is answered while the database is away (looked at all along, not once at the end)
            await holds(
                lambda: only_the_first_answer(alice, bob),
                OUTAGE_SECONDS / WRITES_DURING_OUTAGE - 0.2,
                "no answer while the database is away",
            )
        # the leader stepped down: its lock went with the connection
        await wait_for(lambda: no_leader(apps), 10, "the leader to step down")
        await holds(
            lambda: only_the_first_answer(alice, bob),
            max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)),
            "no answer while the database is away",
        )
        await pgproxy.restore()

        for user in (alice, bob):
            await eventually(
                lambda u=user: u.sb.bot_messages(u.id),
                lambda ms: len(ms) >= 1 + WRITES_DURING_OUTAGE,
                20,
                f"{user.name} answered",
            )
        # Telegram holds nothing unconfirmed any more: no answer can still come (none twice)
        await wait_for(lambda: nothing_pending(sandbox, sandbox2), 10, "every update delivered and confirmed")
        for user in (alice, bob):
            texts = [text_of(m) for m in await user.sb.bot_messages(user.id)]
            assert [answer_to(t) for t in texts] == sent, texts  # each message answered once, in order
            assert not any("went wrong" in t for t in texts)
        assert (await sandbox.webhook())["failures"] > 0  # Telegram was asked to re-send
        assert metrics.ERRORS._value.get() == errors_before
        await eventually(lambda: health_status(web.ports[0]), lambda s: s == 200, 10, "ready again")
        await eventually(lambda: _leaders(apps), lambda n: n == 1, 10, "one leader again")
    finally:
        for app in apps:
            await stop_running(app)
            await app.bot_data["core"].db.dispose()
        await sandbox2.close()
        await runner2.cleanup()
        await pgproxy.stop()
        await pgdb.drop()


async def _leaders(apps) -> int:
    return sum(bool(app.bot_data["leadership"].is_leader) for app in apps)


async def no_leader(apps) -> bool:
    return await _leaders(apps) == 0


async def only_the_first_answer(*users) -> bool:
    """Each user still has only the answer to their first /start."""
    return all([len(await u.sb.bot_messages(u.id)) == 1 for u in users])


async def nothing_pending(*sandboxes: SandboxClient) -> bool:
    return all([(await sb.stats())["pending_updates"] == 0 for sb in sandboxes])


def answer_to(text: str) -> str:
    """Which command a bot message answers: the welcome (/start) or the help (/help)."""
    return "/help" if "/request" in text else "/start" if "red vest" in text else text
