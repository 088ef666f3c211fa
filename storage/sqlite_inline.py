"""aiosqlite connections that run SQLite's calls on the event loop's own thread.

aiosqlite hands every call (cursor, execute, fetch, commit) to its worker thread and back through
the event loop: two thread switches and a wait in the loop's ready queue per call. Our SQLite
transactions queue on one lock per process (storage.db), so that wait was paid while the lock was
held, by every transaction behind it; under load most of a transaction's time was spent there.
SQLite itself answers our statements in microseconds (WAL, synchronous=NORMAL: a commit does not
fsync), so they run inline. Only `BEGIN IMMEDIATE` still goes to the worker thread: it is the one
call that may wait for another process's writer (the busy timeout), and that wait must not stop
the loop.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if args and isinstance(args[0], str) and args[0].lstrip()[:5].upper() == "BEGIN":
            return await super()._execute(fn, *args, **kwargs)
        return fn(*args, **kwargs)


def sqlite_path(url: str) -> str:
    """The file of a sqlite+aiosqlite:/// URL (query options are not used by us)."""
    return url.split(":///", 1)[-1].split("?", 1)[0] or ":memory:"


def inline_creator(url: str, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine."""
    path = sqlite_path(url)

    async def connect() -> InlineConnection:
        # made on the worker thread, used from the loop's thread as well: calls never overlap
        conn = InlineConnection(lambda: sqlite3.connect(path, timeout=timeout, check_same_thread=False), 64)
        return await conn
    return connect
