"""aiosqlite connections that run SQLite's calls on the event loop's own thread.

aiosqlite hands every call (cursor, execute, fetch, commit) to its worker thread and back through
the event loop: two thread switches and a wait in the loop's ready queue per call. Our SQLite
transactions queue on one lock per process (storage.db), so that wait was paid while the lock was
held, by every transaction behind it; under load most of a transaction's time was spent there.
SQLite itself answers our statements in microseconds (WAL, synchronous=NORMAL: a commit does not
fsync), so they run inline.

`BEGIN IMMEDIATE` (or a write outside a transaction, see `_may_wait`) is the one call that may
wait for another process's writer (the busy timeout), and that wait must not stop the loop: it is
tried inline without waiting, and only if another process holds the write lock does it go to the
worker thread to wait there. While anything is on the worker thread (that wait, connecting,
closing), every call of the connection queues behind it there: Python's sqlite3 connection must never be used by two threads at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from queue import SimpleQueue
from typing import Any, cast

import aiosqlite
from aiosqlite.core import _connection_worker_thread  # private: an ImportError here if aiosqlite drops it

_Call = tuple["asyncio.Future[Any] | None", Callable[[], Any]]


class _TrackedQueue(SimpleQueue[_Call]):
    """aiosqlite's queue to its worker thread, counting the calls not finished there yet."""

    def __init__(self) -> None:
        self.pending = 0
        self._lock = threading.Lock()

    def put_nowait(self, item: _Call) -> None:
        future, fn = item
        with self._lock:
            self.pending += 1

        def run() -> Any:
            try:
                return fn()
            finally:
                with self._lock:
                    self.pending -= 1

        super().put_nowait((future, run))

    def put(self, item: _Call, block: bool = True, timeout: float | None = None) -> None:
        self.put_nowait(item)  # unbounded: never blocks


# aiosqlite's private attributes this module replaces or reads; checked on every new connection so
# that a release that renames them fails the first connection (and every test), not silently later
_PRIVATE = ("_tx", "_thread", "_running", "_connection", "_execute")


class InlineConnection(aiosqlite.Connection):
    busy_timeout_ms = 15_000

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        missing = [name for name in _PRIVATE if not hasattr(self, name)]
        if missing or not isinstance(self._thread, threading.Thread) or self._thread.is_alive():
            raise RuntimeError(
                f"aiosqlite's internals changed ({', '.join(missing) or '_thread'}): "
                "storage.sqlite_inline needs updating"
            )
        self._tracked = _TrackedQueue()
        self._tx = self._tracked
        self._thread = threading.Thread(target=_connection_worker_thread, args=(self._tx,))

    async def _on_worker(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """aiosqlite's own way: the call goes to the worker thread (its `_execute` is not annotated)."""
        queue_it = cast(Callable[..., Awaitable[Any]], super()._execute)
        return await queue_it(fn, *args, **kwargs)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if self._tracked.pending:  # something runs on the worker thread: queue behind it
            return await self._on_worker(fn, *args, **kwargs)
        if args and isinstance(args[0], str) and _may_wait(args[0], self._connection):
            conn = self._connection
            conn.execute("PRAGMA busy_timeout=0")
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
            finally:
                conn.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
            return await self._on_worker(fn, *args, **kwargs)  # another process writes: wait there
        return fn(*args, **kwargs)


def _may_wait(sql: str, conn: sqlite3.Connection) -> bool:
    """BEGIN, or a write outside a transaction (storage.db's reading(): the person's registration),
    which takes the write lock by itself: both may wait for another process's writer."""
    head = sql.lstrip()[:6].upper()
    return head[:5] == "BEGIN" or (not conn.in_transaction and head not in ("SELECT", "PRAGMA"))


def sqlite_path(url: str) -> str:
    """The file of a sqlite+aiosqlite:/// URL (query options are not used by us)."""
    return url.split(":///", 1)[-1].split("?", 1)[0] or ":memory:"


def inline_creator(url: str, timeout: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine."""
    path = sqlite_path(url)

    async def connect() -> InlineConnection:
        # made on the worker thread, used from the loop's thread as well, never at the same time
        conn = InlineConnection(lambda: sqlite3.connect(path, timeout=timeout, check_same_thread=False), 64)
        conn.busy_timeout_ms = int(timeout * 1000)
        await conn
        return conn

    return connect
