"""Engine and sessions: SQLite (WAL, busy timeout) or PostgreSQL, chosen by URL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from . import models  # noqa: F401  (registers the tables)
from .sqlite_inline import inline_creator, sqlite_path

BUSY_TIMEOUT_MS = 15_000
NO_BEGIN = "redvest_no_begin"  # an execution option: SQLite's reading() sends no BEGIN (nor COMMIT)
_holding: ContextVar[object | None] = ContextVar("redvest_db_write_lock", default=None)


class Database:
    """One engine and its session factory. `session()` for reads and ordinary writes,
    `write()` for read-then-write transactions that must not interleave on SQLite."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["async_creator"] = inline_creator(url, BUSY_TIMEOUT_MS / 1000)
            _ensure_parent_dir(url)
        else:
            # as many connections as before (pool_size + as many overflow), all kept open: overflow
            # connections were closed on return and opened again under load (a new backend, and
            # every prepared statement again, each time)
            # no pre-ping: it was a round trip on every checkout (3% of the bot's time under load); a
            # connection that died is invalidated with the pool when a statement fails on it, and
            # the update gate retries that update (bot.gate.dbfaults)
            kwargs.update(pool_size=2 * pool_size, max_overflow=0)
            # the bot runs short transactions: a misestimated LIKE on the outbox's card refs (thousands
            # of rows guessed for a handful) made PostgreSQL start parallel workers (+5 ms) or JIT-compile
            # (+10 ms) on every accept; the weekly digests lose 0.3 s of 1 s without parallel workers
            kwargs["connect_args"] = {"server_settings": {"jit": "off", "max_parallel_workers_per_gather": "0"}}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_on_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_on_begin)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")  # see reading()
        # SQLite's reading(): no BEGIN IMMEDIATE (see _sqlite_on_begin). Not isolation_level="AUTOCOMMIT":
        # SQLAlchemy's reset of that on the connection's return gives pysqlite back its own transaction
        # handling, which _sqlite_on_connect turns off (a COMMIT with no transaction is not sent by it)
        self._no_begin = self.engine.execution_options(**{NO_BEGIN: True})
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits on success and rolls back on error."""
        if self.is_sqlite:
            async with self._in_turn():
                async with self.sessions() as s:
                    async with s.begin():
                        yield s
            return
        async with self.sessions() as s:
            async with s.begin():
                yield s

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session for a step that shows what is stored (registering or refreshing the person who
        asks is its only write). It runs without BEGIN and COMMIT around it, each statement committing
        by itself: on PostgreSQL two of a light command's four round trips, and about a third of its
        database CPU. On SQLite it still waits its turn behind this process's transactions (so its
        statements see none of them half-way, and its one write never meets this process's writer
        in SQLite's busy handler); only its BEGIN IMMEDIATE and COMMIT are left out."""
        if self.is_sqlite:
            async with self._in_turn():
                async with self.sessions(bind=self._no_begin) as s:
                    yield s
                    await s.commit()  # flushes the person's refreshed name or language, if any
            return
        async with self.sessions(bind=self._autocommit) as s:
            yield s
            await s.commit()  # flushes the person's refreshed name or language, if any

    @asynccontextmanager
    async def _in_turn(self) -> AsyncIterator[None]:
        """SQLite: this process's transactions one at a time (a nested one is already in turn)."""
        if _holding.get() is self:
            yield
            return
        # SQLite has one writer and every transaction begins IMMEDIATE: queue this process's
        # transactions here, in order, instead of in SQLite's busy handler (which sleeps and
        # polls, and made concurrent updates ~30x slower). Other processes still meet the busy
        # timeout. A transaction that waits longer than that goes ahead and meets SQLite's own.
        lock = self._write_lock()
        try:  # (not wait_for: on Python 3.11 a cancel racing the acquire can leave the lock held)
            async with asyncio.timeout(BUSY_TIMEOUT_MS / 1000):
                await lock.acquire()
            held = True
        except TimeoutError:
            held = False
        token = _holding.set(self)
        try:
            yield
        finally:
            _holding.reset(token)
            if held:
                lock.release()

    def _write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure means "not reachable"
            return False


def _ensure_parent_dir(url: str) -> None:
    path = sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling would defeat BEGIN IMMEDIATE; we issue BEGIN ourselves
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # Every transaction takes the write lock up front: read-then-write transactions
    # (claims, ledger appends) then never fail half-way with "database is locked".
    if conn.get_execution_options().get(NO_BEGIN):
        return  # reading(): each statement its own transaction
    conn.exec_driver_sql("BEGIN IMMEDIATE")
