"""`redvest sandbox`: a local Telegram look-alike in the browser, with the bot and a demo community."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from pydantic import SecretStr

from bot.app import build_application, start_running, stop_running
from bot.demo import PEOPLE, sandbox_groups, seed_demo
from bot.services.kernel.config import Config, WebConfig
from sandbox import SandboxState, start_server
from storage import migrate
from storage.db import Database

SANDBOX_DB = "sqlite+aiosqlite:///redvest-sandbox.db"
log = logging.getLogger(__name__)


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("sandbox", help="try the bot with no token and no internet, in a browser")
    p.add_argument("--port", type=int, help="port of the sandbox (default: sandbox.port)")
    p.add_argument("--no-bot", action="store_true", help="only the Bot API server, no bot")
    p.add_argument("--no-demo", action="store_true", help="do not seed the demo community")
    p.add_argument("--database", help=f"database URL for the sandbox's bot (default: {SANDBOX_DB})")
    p.set_defaults(func=run)


def run(cfg: Config, args: argparse.Namespace) -> int:
    try:
        asyncio.run(_run(cfg, args))
    except KeyboardInterrupt:
        pass
    return 0


async def _run(cfg: Config, args: argparse.Namespace) -> None:
    port = args.port if args.port is not None else cfg.sandbox.port
    state = SandboxState()
    demo = cfg.sandbox.demo and not args.no_demo
    if demo:
        for d in PEOPLE:
            state.add_user(d.tg_user_id, d.name, language_code=d.language, started=True)
        for chat_id, title, members in sandbox_groups():
            state.add_group(chat_id, title, members)
    runner, port = await start_server(cfg.sandbox.listen, port, state=state)
    url = f"http://{cfg.sandbox.listen}:{port}"
    app = None
    if not args.no_bot:
        # the sandbox's bot keeps its own database unless one is named explicitly
        db_url = args.database or (os.environ.get("REDVEST_DATABASE_URL") or SANDBOX_DB)
        await migrate.upgrade_async(db_url)
        db = Database(db_url)
        if demo and await seed_demo(db):
            log.info("seeded the demo community 滨江社区")
        cfg.telegram.token = SecretStr(cfg.sandbox.token)
        cfg.telegram.base_url = f"{url}/bot"
        cfg.database.url = db_url
        if cfg.web.public_url == WebConfig().public_url:  # dashboard links must point at this web server
            cfg.web.public_url = f"http://{cfg.web.listen}:{cfg.web.port}"
        app = build_application(cfg, db, run_web=True)
        await start_running(app)
    print(
        f"\nredvest sandbox is running: open {url}/ in a browser "
        f"(Bot API for other bots: base_url={url}/bot). Ctrl+C stops it.",
        flush=True,
    )
    if app is not None:
        print(
            f"The web dashboard (send /dashboard to the bot as a leader or admin) is served at "
            f"{cfg.web.public_url}/dashboard\n",
            flush=True,
        )
    try:
        await asyncio.Event().wait()
    finally:
        if app is not None:
            await stop_running(app)
        await runner.cleanup()
