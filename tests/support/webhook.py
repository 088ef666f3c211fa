"""A bot in webhook mode for the tests: its config, the running bot on the sandbox, and Telegram's
POSTs made by hand (the secret header, a /start update, a user who has opened the chat)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from bot.app import build_application, start_running, stop_running
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from sandbox import SandboxClient
from storage.db import Database

SECRET = "webhook-secret_42"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookBot:
    def __init__(self, app, sb: SandboxClient) -> None:
        self.app, self.sb = app, sb
        self.core = app.bot_data["core"]
        server = app.bot_data["web"]
        self.web_port, self.hook_port = server.ports[0], server.ports[-1]
        self.url = f"http://127.0.0.1:{self.hook_port}{self.core.cfg.bot.webhook.path}"

    async def post(
        self, body: bytes | str | dict, secret: str | None = SECRET, headers: dict | None = None
    ) -> tuple[int, dict | str]:
        hdrs = dict(headers or {})
        if secret is not None:
            hdrs[HEADER] = secret
        kwargs = {"json": body} if isinstance(body, dict) else {"data": body}
        async with aiohttp.ClientSession() as http:
            async with http.post(self.url, headers=hdrs, **kwargs) as r:
                try:
                    return r.status, await r.json()
                except aiohttp.ContentTypeError:
                    return r.status, await r.text()


def webhook_cfg(cfg: Config, sandbox_port: int, web_port: int = 0) -> Config:
    """Webhook mode on free ports: the webhook and the dashboard apart, unless `web_port` is given
    and equals the webhook's."""
    cfg.telegram.base_url = f"http://127.0.0.1:{sandbox_port}/bot"
    cfg.bot.mode = "webhook"
    cfg.bot.webhook.secret_token = SECRET
    cfg.bot.webhook.url = "http://127.0.0.1/unused"
    if not web_port:
        cfg.bot.webhook.port = 0
    cfg.web.port = web_port
    return cfg


@asynccontextmanager
async def webhook_bot(
    sb: SandboxClient,
    db: Database,
    cfg: Config,
    *,
    set_webhook: bool = True,
    run_sender: bool = True,
    web_port: int = 0,
) -> AsyncIterator[WebhookBot]:
    app = build_application(
        webhook_cfg(cfg, sb.port, web_port), db, SystemClock(), run_scheduler=False, run_sender=run_sender, run_web=True
    )
    await start_running(app, polling=False)
    try:
        bot = WebhookBot(app, sb)
        if set_webhook:
            await app.bot.set_webhook(bot.url, secret_token=SECRET)
        yield bot
    finally:
        await stop_running(app)


def start_update(update_id: int, user_id: int, text: str = "/start", first_name: str = "Alice") -> dict:
    msg = {
        "message_id": update_id % 100000 + 1,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": first_name},
        "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"},
        "text": text,
    }
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": msg}


async def started_user(sb: SandboxClient, user_id: int) -> None:
    """A user who has opened the bot's chat (so the bot may write to them) without going through
    the sandbox's own update delivery: the tests post updates themselves."""
    await sb.add_user(user_id, "Alice", language_code="en", started=True)
