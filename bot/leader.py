"""Exactly one process runs the scheduler and drains the outbox: the leader.

PostgreSQL: each worker tries `pg_try_advisory_lock` on a connection of its own (not from the pool)
every `workers.leader_retry_seconds`. The holder keeps the lock as long as that connection lives
and checks it on the same beat; if the check fails it steps down at once. When the leader dies its
connection closes, PostgreSQL frees the lock, and the next worker to try takes over: within about
`leader_retry_seconds` after a crash (a host that vanishes without closing its sockets is noticed by
TCP keepalives set on the lock connection, about three beats later).

SQLite: one process uses the file; it leads from the start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import make_url

from bot import metrics

log = logging.getLogger(__name__)
LOCK_KEY = 0x72656476  # "redv"
Duty = Callable[[], Awaitable[None]]


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Leadership:
    def __init__(self, db_url: str, *, retry_seconds: float, on_elected: Duty, on_deposed: Duty) -> None:
        self.url = db_url
        self.retry = retry_seconds
        self.on_elected, self.on_deposed = on_elected, on_deposed
        self.is_leader = False
        self.uses_lock = db_url.startswith("postgresql")
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if not self.uses_lock:
            await self._elected()
            return
        await self.attempt()  # the first worker up leads at once
        self._task = asyncio.create_task(self._beat(), name="redvest-leader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.is_leader:
            await self._deposed()
        await self._close()

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.retry)
            await self.attempt()

    async def attempt(self) -> None:
        """One beat: connect if needed; try to take the lock, or check we still hold it."""
        try:
            if self.is_leader:
                # the lock lives and dies with this very connection: never reconnect while leading
                if self._conn is None or self._conn.is_closed():
                    raise ConnectionError("the lock connection is gone")
                await self._conn.fetchval("SELECT 1", timeout=self.retry)
                return
            if self._conn is None or self._conn.is_closed():
                self._conn = await self._connect()
            if await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY, timeout=self.retry):
                await self._elected()
        except asyncio.CancelledError:
            raise
        except Exception as e:  # any failure: we cannot be sure we hold the lock
            log.warning(
                "leader lock connection failed (%s)%s", type(e).__name__, "; stepping down" if self.is_leader else ""
            )
            if self.is_leader:  # stop the duties first: another worker may be taking over
                await self._deposed()
            await self._close()

    async def _connect(self) -> Any:
        import asyncpg

        beat = str(max(1, int(self.retry)))
        return await asyncpg.connect(
            asyncpg_dsn(self.url),
            timeout=max(1.0, self.retry),
            server_settings={
                "application_name": f"redvest-leader {socket.gethostname()}:{os.getpid()}"[:63],
                "tcp_keepalives_idle": beat,
                "tcp_keepalives_interval": beat,
                "tcp_keepalives_count": "3",
            },
        )

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), timeout=2)
            except Exception:
                conn.terminate()

    async def _elected(self) -> None:
        self.is_leader = True
        metrics.LEADER.set(1)
        log.info("this process (pid %s) is now the scheduler leader", os.getpid())
        try:
            await self.on_elected()
        except Exception:
            log.exception("starting the leader's duties failed")

    async def _deposed(self) -> None:
        self.is_leader = False
        metrics.LEADER.set(0)
        log.info("this process (pid %s) is no longer the scheduler leader", os.getpid())
        try:
            await self.on_deposed()
        except Exception:
            log.exception("stopping the leader's duties failed")
