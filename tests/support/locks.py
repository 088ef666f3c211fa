"""Another process holding SQLite's write lock (e.g. `redvest import` writing while the bot runs)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage.db import Database
from storage.sqlite_inline import sqlite_path


@asynccontextmanager
async def another_process_writing(db: Database) -> AsyncIterator[list[int]]:
    """Another process (e.g. `redvest import`) holds SQLite's write lock for half a second; yields
    how many times the event loop ticked meanwhile (it must keep running: about 50 ticks)."""
    other = sqlite3.connect(sqlite_path(db.url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = [0]

    async def ticker() -> None:
        while True:
            await asyncio.sleep(0.01)
            ticks[0] += 1

    async def release() -> None:
        await asyncio.sleep(0.5)
        other.execute("COMMIT")

    tick, done = asyncio.create_task(ticker()), asyncio.create_task(release())
    try:
        yield ticks
    finally:
        tick.cancel()
        await done
        other.close()
