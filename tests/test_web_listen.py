"""Where the bot's web server listens: the webhook off the dashboard's port, /metrics on an address
of its own or behind a token, so a reverse proxy in front of the dashboard publishes neither."""

from __future__ import annotations

import aiohttp

from tests.support.webhook import SECRET, start_update, started_user, webhook_bot
from tests.support.workers import free_port


async def status(url: str, method: str = "GET", **kwargs) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.request(method, url, **kwargs) as r:
            return r.status


async def test_the_webhook_is_not_on_the_dashboards_port(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        await started_user(sandbox, 7301)
        path = bot.core.cfg.bot.webhook.path
        assert bot.web_port != bot.hook_port
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        on_dashboard = f"http://127.0.0.1:{bot.web_port}{path}"
        assert await status(on_dashboard, "POST", json=start_update(900, 7301), headers=headers) == 404
        status_hook, _ = await bot.post(start_update(901, 7301))
        assert status_hook == 200
        assert await status(f"http://127.0.0.1:{bot.web_port}/dashboard/") == 401  # the dashboard is there
        assert await status(f"http://127.0.0.1:{bot.hook_port}/dashboard/") == 404  # and only there
        assert await status(f"http://127.0.0.1:{bot.hook_port}/healthz") == 200  # for the balancer


async def test_the_webhook_shares_the_port_when_configured_so(sandbox, db, cfg):
    port = free_port()
    cfg.bot.webhook.port = port

    async with webhook_bot(sandbox, db, cfg, set_webhook=False, web_port=port) as bot:
        await started_user(sandbox, 7302)
        assert bot.web_port == bot.hook_port == port
        status_hook, _ = await bot.post(start_update(902, 7302))
        assert status_hook == 200


async def test_metrics_on_an_address_of_their_own(sandbox, db, cfg):
    cfg.web.metrics_listen, cfg.web.metrics_port = "127.0.0.1", free_port()
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        assert await status(f"http://127.0.0.1:{bot.web_port}/metrics") == 404
        assert await status(f"http://127.0.0.1:{cfg.web.metrics_port}/metrics") == 200
        assert await status(f"http://127.0.0.1:{cfg.web.metrics_port}/readyz") == 200
        assert await status(f"http://127.0.0.1:{cfg.web.metrics_port}/dashboard/") == 404


async def test_metrics_behind_a_token(sandbox, db, cfg):
    from pydantic import SecretStr

    cfg.web.metrics_token = SecretStr("scrape-me")
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        url = f"http://127.0.0.1:{bot.web_port}/metrics"
        assert await status(url) == 401
        assert await status(url, headers={"Authorization": "Bearer wrong"}) == 401
        assert await status(url, headers={"Authorization": "Bearer scrape-me"}) == 200
        assert await status(f"http://127.0.0.1:{bot.web_port}/healthz") == 200  # health needs no token
