"""Three `redvest run` webhook workers on one PostgreSQL, behind a round-robin load balancer.

Exactly one leads (runs the scheduler, drains the outbox). The visit day is configured to be today
(in a community time zone where it is about noon), so the leader's scheduler finds the Friday visit
lists due as it starts and fans them out. A stream of updates is spread over the workers while the
lists are being sent; the leader is killed with SIGKILL in the middle of it. Another worker takes over; every update is handled exactly once, every visit
list reaches its volunteer exactly once, nothing is lost.

About the kill: the load balancer first stops giving the doomed leader new updates and lets its
current one finish, and its last Bot API calls get their answers recorded, so the SIGKILL lands
between two sends, with more sends claimed and in flight (held by the proxy, never delivered).
What no system can make exactly-once is a crash in the instant after Telegram accepted a message
and before the database recorded it; that message would be sent again by the next leader
(docs/runbook.md, "What a crash can repeat").
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.services.kernel.config import DAY_NAMES
from storage.enums import OutboxStatus, VolunteerStatus
from storage.models import Community, Grid, Household, OutboxMessage, Pairing, Person, ProcessedUpdate, VolunteerProfile
from tests.support.harness import text_of
from tests.support.proxies import BotApiProxy, RoundRobinHook
from tests.support.workers import PgDatabase, eventually, kill_all, spawn_worker, wait_exit, wait_healthy, write_config

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(150)]

VOLUNTEERS = 150  # Friday visit lists to send (at 20 a second: several seconds of fan-out)
STREAM_USERS = 24  # residents writing while it happens
MESSAGES_EACH = 4
KILL_AFTER_SENT = 30  # visit lists the first leader delivers before it is killed


def friday_somewhere() -> tuple[str, str]:
    """A time zone where it is about noon now, and the name of that day there: configured as the
    visit day, the leader's scheduler finds the Friday visit lists due the moment it starts."""
    offset = 12 - datetime.now(UTC).hour  # UTC+offset is around noon; Etc/GMT signs are inverted
    zone = "Etc/GMT" + ("-" if offset > 0 else "+") + str(abs(offset)) if offset else "Etc/GMT"
    return zone, DAY_NAMES[datetime.now(ZoneInfo(zone)).weekday()]


async def seed(db, sandbox_state, tz: str) -> int:
    async with db.session() as s:
        com = Community(name="滨江社区", timezone=tz)
        s.add(com)
        await s.flush()
        grid = Grid(community_id=com.id, name="第一网格")
        s.add(grid)
        await s.flush()
        for i in range(VOLUNTEERS):
            tg = 50001 + i
            p = Person(tg_user_id=tg, name=f"志愿者{i}", grid_id=grid.id, language="zh-hans")
            h = Household(grid_id=grid.id, address=f"幸福里 {i} 号", members="王奶奶", care_flags="elderly_alone")
            s.add_all([p, h])
            await s.flush()
            s.add(VolunteerProfile(person_id=p.id, grid_id=grid.id, status=VolunteerStatus.approved.value))
            s.add(Pairing(volunteer_id=p.id, household_id=h.id))
            sandbox_state.add_user(tg, f"志愿者{i}", language_code="zh-hans", started=True)
        return com.id


async def leader_of(workers) -> list:
    out = []
    for w in workers:
        if w.alive():
            try:
                if (await w.health()).get("leader"):
                    out.append(w)
            except Exception:
                pass
    return out


async def test_three_workers_share_updates_and_survive_the_leader_being_killed(sandbox, tmp_path):
    pgdb = PgDatabase()
    db = await pgdb.create()
    await sandbox.set_limits(per_second=500)
    bot_api = BotApiProxy(f"http://127.0.0.1:{sandbox.port}")
    await bot_api.start()
    workers: list = []
    hook = None
    try:
        zone, visit_day = friday_somewhere()
        await seed(db, sandbox.state, zone)
        # the balancer needs the workers' ports, the workers need the balancer's URL: ports first
        configs = []
        for i in range(3):
            configs.append(tmp_path / f"w{i}.toml")
        hook = RoundRobinHook(targets=[])
        await hook.start()
        for i in range(3):
            write_config(
                configs[i],
                sandbox_url=bot_api.base_url(i),
                db_url=pgdb.url,
                webhook_url=hook.url,
                extra=f'[schedule]\nvisit_day = "{visit_day}"\n',
            )
        workers = [spawn_worker(f"w{i}", configs[i], tmp_path) for i in range(3)]
        hook.targets = [w.webhook_url for w in workers]
        hook.in_rotation = [True] * 3
        for w in workers:
            await wait_healthy(w)
        leaders = await eventually(lambda: leader_of(workers), lambda ls: len(ls) == 1, 15, "one leader")
        first = leaders[0]
        idx = workers.index(first)
        assert (await sandbox.webhook())["url"] == hook.url

        # residents write while the visit lists go out
        people = [await _user(sandbox, 60001 + i) for i in range(STREAM_USERS)]

        async def stream() -> None:
            for n in range(MESSAGES_EACH):
                for uid in people:
                    await sandbox.send(uid, "/start" if n % 2 == 0 else "/help")
                await asyncio.sleep(0.3)

        streaming = asyncio.create_task(stream())

        # the leader's scheduler has found the visit lists due and is sending them
        await eventually(lambda: _queued(db), lambda n: n == VOLUNTEERS, 20, "the Friday fan-out queued")
        vol_chats = set(range(50001, 50001 + VOLUNTEERS))
        await eventually(
            lambda: _async(len(set(bot_api.delivered[idx]) & vol_chats)),
            lambda n: n >= KILL_AFTER_SENT,
            30,
            "first visit lists sent by the leader",
        )
        # take the leader out of the balancer, let its current update finish, then hold its sends
        hook.in_rotation[idx] = False
        await eventually(lambda: _async(hook.in_flight[idx]), lambda n: n == 0, 10, "leader's webhook calls done")
        bot_api.held.add(idx)
        await eventually(lambda: _async(bot_api.in_flight[idx]), lambda n: n == 0, 10, "leader's sends answered")
        answered = set(bot_api.delivered[idx]) & vol_chats
        await eventually(lambda: _sent_chats(db), lambda sent: answered <= sent, 10, "answered sends recorded")
        assert await _count(db, OutboxStatus.pending) > 0, "the fan-out should still be under way"
        first.proc.send_signal(signal.SIGKILL)
        await wait_exit(first)

        # another worker takes over within a few beats of workers.leader_retry_seconds (1 s here)
        survivors = [w for w in workers if w is not first]
        new = await eventually(lambda: leader_of(survivors), lambda ls: len(ls) == 1, 15, "a new leader")
        assert new[0] is not first

        await asyncio.wait_for(streaming, 60)
        expected = STREAM_USERS * MESSAGES_EACH
        await eventually(sandbox.webhook, lambda i: i["pending_update_count"] == 0, 60, "every update delivered")
        await eventually(lambda: _done_updates(db), lambda n: n == expected, 30, "every update done")
        await eventually(lambda: _sent_chats(db), lambda sent: sent >= vol_chats, 60, "every visit list sent")

        # exactly once: one answer per message, one visit list per volunteer
        for uid in people:
            texts = [text_of(m) for m in await sandbox.bot_messages(uid)]
            assert len(texts) == MESSAGES_EACH, (uid, texts)
        for chat in vol_chats:
            lists = [m for m in await sandbox.bot_messages(chat)]
            assert len(lists) == 1, (chat, [text_of(m)[:40] for m in lists])
        assert await _count(db, OutboxStatus.failed) == 0
        # the updates really were spread over the workers
        served = {i for (i, status) in hook.served if status == 200}
        assert served == {0, 1, 2}
    finally:
        kill_all(workers)
        if hook is not None:
            await hook.stop()
        await bot_api.stop()
        await db.dispose()
        await pgdb.drop()


async def _user(sandbox, uid: int) -> int:
    await sandbox.add_user(uid, f"居民{uid}", language_code="zh-hans")
    return uid


async def _async(value):
    return value


async def _sent_chats(db) -> set[int]:
    async with db.session() as s:
        rows = await s.execute(
            select(OutboxMessage.chat_id).where(
                OutboxMessage.status == OutboxStatus.sent.value, OutboxMessage.key.like("visit-list:%")
            )
        )
        return {r[0] for r in rows.all()}


async def _queued(db) -> int:
    async with db.session() as s:
        return int(
            await s.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.key.like("visit-list:%"))
            )
            or 0
        )


async def _count(db, status: OutboxStatus) -> int:
    async with db.session() as s:
        return int(
            await s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == status.value))
            or 0
        )


async def _done_updates(db) -> int:
    async with db.session() as s:
        return int(
            await s.scalar(
                select(func.count()).select_from(ProcessedUpdate).where(ProcessedUpdate.done_at.is_not(None))
            )
            or 0
        )
