"""Baseline: a bare python-telegram-bot echo bot with default settings (httpx), over getUpdates.

    .venv/bin/python bench/echo.py --updates 5000 --chats 1000
    .venv/bin/python bench/echo.py --aiohttp --concurrent 64    # the ceiling: PTB alone, on the bot's HTTP backend

The second form is not the baseline of issue 9; it shows how many updates/s python-telegram-bot
itself can take on this machine with the full bot's settings (bot/transport/http.py's aiohttp requests, 64
updates at once), i.e. what is left for the bot's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SandboxProcess, gather_limited, sandbox_process, wait_stats
from bot.transport.http import AiohttpRequest

TOKEN = "123456:bench-echo-token"


async def _echo(update: Update, _context: object) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:  # filters.TEXT: always
        await message.reply_text(message.text)


async def preload(sb: SandboxProcess, updates: int, chats: int) -> int:
    """`updates` text messages from `chats` users waiting in the sandbox (the same for every echo
    bot of a run); the sandbox's count of messages sent so far."""
    await gather_limited([sb.add_user(700_000 + c, f"u{c}", started=True) for c in range(chats)])
    await gather_limited([sb.send(700_000 + i % chats, f"hello {i}") for i in range(updates)])
    return int((await sb.stats())["sent"])


async def run_echo(
    sb: SandboxProcess, updates: int, chats: int, concurrent: int | bool = False, aiohttp: bool = False
) -> tuple[float, float]:
    """Preload `updates` text messages from `chats` users, then time the bare echo bot answering all:
    (updates/s, this process's CPU seconds per update meanwhile)."""
    before = await preload(sb, updates, chats)
    builder = (
        Application.builder().token(TOKEN).base_url(f"http://127.0.0.1:{sb.port}/bot").concurrent_updates(concurrent)
    )
    if aiohttp:
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connection_pool_size=2))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    await app.initialize()
    await app.start()
    t0, c0 = time.perf_counter(), time.process_time()
    assert app.updater is not None  # the builder makes one
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    t1 = await wait_stats(sb, "sent", before + updates)
    cpu = time.process_time() - c0
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return updates / (t1 - t0), cpu / updates


async def main(updates: int, chats: int, concurrent: int, aiohttp: bool) -> None:
    async with sandbox_process() as sb:
        rate, cpu = await run_echo(sb, updates, chats, concurrent or False, aiohttp)
    how = f"{'aiohttp' if aiohttp else 'default httpx'}, {f'{concurrent} at once' if concurrent else 'sequential'}"
    print(f"bare PTB echo bot ({how}): {rate:,.0f} updates/s, {cpu * 1000:.2f} ms of CPU per update")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--updates", type=int, default=5000)
    ap.add_argument("--chats", type=int, default=1000)
    ap.add_argument("--concurrent", type=int, default=0, help="concurrent_updates (default: sequential)")
    ap.add_argument("--aiohttp", action="store_true", help="the bot's aiohttp requests instead of httpx")
    a = ap.parse_args()
    asyncio.run(main(a.updates, a.chats, a.concurrent, a.aiohttp))
