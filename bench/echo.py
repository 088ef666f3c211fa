"""Baseline: a bare python-telegram-bot echo bot with default settings (httpx), over getUpdates.

    python bench/echo.py --updates 5000 --chats 1000
"""
from __future__ import annotations

import argparse
import asyncio
import time

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bench.common import gather_limited, sandbox_process, wait_stats

TOKEN = "123456:bench-echo-token"


async def _echo(update: Update, _context) -> None:  # type: ignore[no-untyped-def]
    await update.effective_message.reply_text(update.effective_message.text)  # type: ignore[union-attr]


async def run_echo(sb, updates: int, chats: int, concurrent: int | bool = False) -> float:  # type: ignore[no-untyped-def]
    """Preload `updates` text messages from `chats` users, then time the bare echo bot answering all."""
    await gather_limited([sb.add_user(700_000 + c, f"u{c}", started=True) for c in range(chats)])
    await gather_limited([sb.send(700_000 + i % chats, f"hello {i}") for i in range(updates)])
    before = (await sb.stats())["sent"]
    app = (Application.builder().token(TOKEN).base_url(f"http://127.0.0.1:{sb.port}/bot")
           .concurrent_updates(concurrent).build())
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    await app.initialize()
    await app.start()
    t0 = time.perf_counter()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)  # type: ignore[union-attr]
    t1 = await wait_stats(sb, "sent", before + updates)
    await app.updater.stop()  # type: ignore[union-attr]
    await app.stop()
    await app.shutdown()
    return updates / (t1 - t0)


async def main(updates: int, chats: int) -> None:
    async with sandbox_process() as sb:
        rate = await run_echo(sb, updates, chats)
    print(f"bare PTB echo bot (default httpx, sequential): {rate:,.0f} updates/s")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--updates", type=int, default=5000)
    ap.add_argument("--chats", type=int, default=1000)
    a = ap.parse_args()
    asyncio.run(main(a.updates, a.chats))
