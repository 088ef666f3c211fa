"""Leader election on PostgreSQL: one leader at a time; when its lock connection dies (process
killed, connection cut by the server) it steps down and another takes over; on SQLite the only
process leads."""

from __future__ import annotations

import asyncpg
import pytest

from bot.leader import LOCK_KEY, Leadership, asyncpg_dsn
from tests.support.waiting import holds
from tests.support.workers import eventually

pytestmark = pytest.mark.postgres
THIS_DATABASE = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"  # never touch others


class Duties:
    def __init__(self) -> None:
        self.running = False
        self.log: list[str] = []

    async def start(self) -> None:
        self.running = True
        self.log.append("start")

    async def stop(self) -> None:
        self.running = False
        self.log.append("stop")


def candidate(url: str) -> tuple[Leadership, Duties]:
    d = Duties()
    return Leadership(url, retry_seconds=0.2, on_elected=d.start, on_deposed=d.stop), d


async def _value(v):
    return v


async def test_one_leader_and_a_takeover_when_it_goes(pg_url):
    (a, da), (b, db_) = candidate(pg_url), candidate(pg_url)
    try:
        await a.start()
        await b.start()
        assert (a.is_leader, b.is_leader) == (True, False) and da.running and not db_.running
        await holds(lambda: (a.is_leader, b.is_leader) == (True, False), 0.6, "one leader, a")  # several beats
        await a.stop()  # a graceful stop frees the lock
        assert da.log == ["start", "stop"]
        await eventually(lambda: _value(b.is_leader), bool, 5, "b takes over")
        assert db_.running
    finally:
        await a.stop()
        await b.stop()


async def test_a_leader_whose_connection_is_killed_steps_down_and_someone_takes_over(pg_url):
    (a, da), (b, db_) = candidate(pg_url), candidate(pg_url)
    admin = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        await a.start()
        await b.start()
        assert a.is_leader
        holders = await admin.fetch(
            "SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            f" WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted AND l.{THIS_DATABASE}",
            LOCK_KEY,
        )
        assert [h["pid"] for h in holders] == [a._conn.get_server_pid()], [dict(h) for h in holders]
        # the server ends the leader's session (as when its host dies and keepalives give up)
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", a._conn.get_server_pid())
        await eventually(lambda: _value(b.is_leader), bool, 5, "b takes over")
        await eventually(lambda: _value(not a.is_leader and not da.running), bool, 5, "a stepped down")
        assert da.log == ["start", "stop"] and db_.running
        holders = await admin.fetchval(
            f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND {THIS_DATABASE}",
            LOCK_KEY,
        )
        assert holders == 1
    finally:
        await admin.close()
        await a.stop()
        await b.stop()


async def test_on_sqlite_the_only_process_leads(tmp_path):
    lead, duties = candidate(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    await lead.start()
    assert lead.is_leader and duties.running
    await lead.stop()
    assert not lead.is_leader and duties.log == ["start", "stop"]
