"""`redvest sandbox`: a local Telegram look-alike in the browser, with the bot and a demo community.

Everything is served on one port: the chat (/), the Bot API (/bot<token>/), and the bot's web
server (the dashboard, /healthz, /metrics), so `--port` moves it all and two sandboxes on two
ports never meet."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from aiohttp import web
from pydantic import SecretStr
from sqlalchemy import delete

from bot.app import build_application, start_running, stop_running
from bot.demo import PEOPLE, sandbox_groups, seed_demo
from bot.services.kernel.config import Config
from bot.web.server import build_web_app
from sandbox import SandboxState, bind, start_server
from storage import migrate
from storage.db import Database
from storage.models import PostedCard, ProcessedUpdate

from .errors import CliError

SANDBOX_DB = "sqlite+aiosqlite:///redvest-sandbox.db"
log = logging.getLogger(__name__)


def add_parser(subs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subs.add_parser("sandbox", help="try the bot with no token and no internet, in a browser")
    p.add_argument(
        "--port",
        type=int,
        help="the one port of the chat, the dashboard, /healthz and /metrics (default: sandbox.port; 0 = any free port)",
    )
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
    host = cfg.sandbox.listen
    try:
        sock = bind(host, port)
    except OSError as e:
        raise CliError(f"cannot listen on {host}:{port} ({e.strerror}); pick another port with --port") from None
    port = sock.getsockname()[1]
    url = f"http://{host}:{port}"
    state = SandboxState()
    demo = cfg.sandbox.demo and not args.no_demo
    if demo:
        for d in PEOPLE:
            state.add_user(d.tg_user_id, d.name, language_code=d.language, started=True)
        for chat_id, title, members in sandbox_groups():
            state.add_group(chat_id, title, members)
    app = None
    mount = None
    if not args.no_bot:
        # the sandbox's bot keeps its own database unless one is named explicitly
        db_url = args.database or (os.environ.get("REDVEST_DATABASE_URL") or SANDBOX_DB)
        await migrate.upgrade_async(db_url)
        db = Database(db_url)
        if demo:
            try:
                if await seed_demo(db, cfg):
                    log.info("seeded the demo community 滨江社区 and its last weeks")
            except Exception:  # the sandbox still runs; the demo's story is told on a fresh database only
                log.exception("the demo community's history could not be written; delete %s to try again", db_url)
        await forget_last_telegram(db)
        cfg.telegram.token = SecretStr(cfg.sandbox.token)
        cfg.telegram.base_url = f"{url}/bot"
        cfg.telegram.base_file_url = f"{url}/file/bot"  # the proof photos the dashboard shows
        cfg.database.url = db_url
        cfg.web.public_url = url  # login links point at this server, whatever a config file says
        app = build_application(cfg, db, run_web=False)
        ptb = app

        def mount(web_app: web.Application) -> None:
            build_web_app(ptb.bot_data["core"], ptb, into=web_app)

    runner, port = await start_server(host, port, state=state, sock=sock, mount=mount)
    if app is not None:
        await start_running(app)
    print(urls(url, cfg.sandbox.token, with_bot=app is not None), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        if app is not None:
            await stop_running(app)
            await app.bot_data["core"].db.dispose()  # its connections' threads would keep the process alive
        await runner.cleanup()


async def forget_last_telegram(db: Database) -> None:
    """Each start is a new Telegram whose update and message ids begin again at 1: the database
    forgets the ones the last run used (handled update ids, where cards were posted), or the new
    run's updates would be taken for repeats and its messages for the old cards."""
    async with db.session() as s:
        await s.execute(delete(ProcessedUpdate))
        await s.execute(delete(PostedCard))


def urls(url: str, token: str, *, with_bot: bool) -> str:
    lines = ["", "redvest sandbox is running (Ctrl+C stops it):", f"  chat       {url}/   (pick who you are)"]
    if with_bot:
        lines += [
            f"  dashboard  {url}/dashboard   (send /dashboard to the bot as a leader or admin for a login link)",
            f"  health     {url}/healthz",
            f"  metrics    {url}/metrics",
        ]
    lines += [f"  Bot API    {url}/bot{token}/   (base_url for other bots: {url}/bot)", ""]
    return "\n".join(lines)
