"""Faults: a crash in the middle of a conversation, SIGTERM with updates in flight, and the
database going away for 30 seconds — nothing is lost, nothing is done twice, the bot recovers."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from storage.db import Database
from storage.enums import ChatKind
from storage.migrate import head_revision
from storage.models import ConversationState, HelpRequest, OutboxMessage
from tests.support import factories as f
from tests.support.harness import TgUser, make_user, text_of
from tests.support.proxies import BotApiProxy
from tests.support.waiting import wait_for
from tests.support.workers import eventually, free_port, kill_all, spawn_worker, wait_exit, wait_healthy, write_config

pytestmark = pytest.mark.timeout(120)


async def sqlite_file_db(path: Path) -> tuple[str, Database]:
    """A SQLite file with the schema, stamped at the migration head (so `redvest run` takes it)."""
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    async with db.engine.begin() as c:
        await c.run_sync(SQLModel.metadata.create_all)
        await c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        await c.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head_revision()})
    return url, db


async def seed_resident(db: Database, sb) -> TgUser:
    com = await f.community(db)
    grid = await f.grid(db, com.id)
    await f.person(db, 3002, "Alice", grid_id=grid.id, language="en")
    await sb.add_group(-1001, "volunteers", [])
    await f.bind(db, -1001, grid.id, ChatKind.volunteers)
    return await make_user(sb, 3002, "Alice", "en")


async def test_a_resident_half_way_through_a_request_continues_after_the_bot_is_killed(sandbox, tmp_path):
    url, db = await sqlite_file_db(tmp_path / "redvest.db")
    config = write_config(
        tmp_path / "bot.toml", sandbox_url=f"http://127.0.0.1:{sandbox.port}/bot", db_url=url, mode="polling"
    )
    workers = [spawn_worker("first", config, tmp_path)]
    try:
        alice = await seed_resident(db, sandbox)
        await wait_healthy(workers[0])
        await alice.send("/request")
        await alice.reply("Step 1", timeout=10)
        await alice.press("req:cat:repairs")
        await alice.reply("Step 2")
        await alice.send("The kitchen tap drips")
        await alice.reply("Step 3")
        await alice.press("req:when:today")
        await alice.reply("Step 4")
        # the step is written to the database as part of handling the update (not at shutdown)
        await eventually(lambda: _states(db), lambda st: st == ["address"], 5, "step saved")

        workers[0].proc.send_signal(signal.SIGKILL)  # no goodbye, no final flush
        await wait_exit(workers[0])
        workers.append(spawn_worker("second", config, tmp_path))
        await wait_healthy(workers[1])

        await alice.send("Building 3, Room 401")
        await alice.reply("Step 5", timeout=10)
        await alice.share_contact("+8613800001111")
        confirm = await alice.reply("Please check your request")
        assert "The kitchen tap drips" in text_of(confirm) and "Building 3, Room 401" in text_of(confirm)
        await alice.press("req:send")
        await alice.reply("A-")
        async with db.session() as s:
            req = (await s.execute(select(HelpRequest))).scalars().one()
        assert (req.summary, req.address, req.category) == ("The kitchen tap drips", "Building 3, Room 401", "repairs")
    finally:
        kill_all(workers)
        await db.dispose()


async def test_sigterm_finishes_the_updates_in_flight_and_loses_none(sandbox, tmp_path):
    """Every answer is slowed down by the Bot API proxy, so updates are mid-handling when SIGTERM
    arrives: they are finished and answered, the process exits 0, and a restart neither loses
    nor repeats any of them."""
    url, db = await sqlite_file_db(tmp_path / "redvest.db")
    proxy = BotApiProxy(f"http://127.0.0.1:{sandbox.port}")
    await proxy.start()
    config = write_config(tmp_path / "bot.toml", sandbox_url=proxy.base_url(0), db_url=url, mode="polling")
    workers = [spawn_worker("first", config, tmp_path)]
    try:
        users = [await make_user(sandbox, 4000 + i, f"User{i}", "en") for i in range(8)]
        await wait_healthy(workers[0])
        proxy.delay["sendMessage"] = 1.5
        for u in users:
            await sandbox.send(u.id, "/start")
        await eventually(
            lambda: _value(proxy.in_flight_by_method[(0, "sendMessage")]), lambda n: n > 0, 10, "answers in flight"
        )
        workers[0].proc.send_signal(signal.SIGTERM)
        assert await wait_exit(workers[0]) == 0, workers[0].log_tail()
        assert "stopped" in workers[0].log_tail()
        answered_before = {u.id for u in users if await sandbox.bot_messages(u.id)}
        assert answered_before, "the updates in flight were finished before exiting"

        proxy.delay.clear()
        workers.append(spawn_worker("second", config, tmp_path))
        await wait_healthy(workers[1])
        for u in users:
            await eventually(lambda u=u: sandbox.bot_messages(u.id), lambda ms: len(ms) >= 1, 10, f"answer to {u.id}")
        # every update confirmed and the outbox empty: nothing is left that could answer again
        await wait_for(lambda: nothing_left(sandbox, db), 10, "every update confirmed and nothing left to send")
        for u in users:
            texts = [text_of(m) for m in await sandbox.bot_messages(u.id)]
            assert len(texts) == 1 and "red vest" in texts[0], (u.id, texts)  # one welcome each, none twice
    finally:
        kill_all(workers)
        await proxy.stop()
        await db.dispose()


async def _states(db: Database) -> list:
    async with db.session() as s:
        rows = (await s.execute(select(ConversationState).where(ConversationState.name == "request"))).scalars().all()
    return [json.loads(r.state) for r in rows]


async def _value(v):
    return v


async def nothing_left(sandbox, db: Database) -> bool:
    """Telegram (the sandbox) holds no update the bot has not confirmed, and the outbox has nothing
    to send: no answer can still come, so the answers counted now are all there will be."""
    if (await sandbox.stats())["pending_updates"]:
        return False
    async with db.session() as s:
        unsent = await s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(("pending", "sending")))
        )
    return not unsent


async def test_sigterm_in_webhook_mode_answers_the_update_in_flight_and_telegram_keeps_the_rest(sandbox, tmp_path):
    url, db = await sqlite_file_db(tmp_path / "redvest.db")
    proxy = BotApiProxy(f"http://127.0.0.1:{sandbox.port}")
    await proxy.start()
    workers = []
    try:
        alice = await make_user(sandbox, 4101, "Alice", "en")
        ports = (free_port(), free_port())  # the same ports for the restarted process
        config = write_config(
            tmp_path / "bot.toml",
            sandbox_url=proxy.base_url(0),
            db_url=url,
            webhook_url=f"http://127.0.0.1:{ports[1]}/telegram/webhook",
        )
        for name in ("first", "second"):
            worker = spawn_worker(name, config, tmp_path, ports=ports)
            workers.append(worker)
            await wait_healthy(worker)
            if name == "first":
                proxy.delay["sendMessage"] = 1.5
                await alice.send("/start")
                await eventually(
                    lambda: _value(proxy.in_flight_by_method[(0, "sendMessage")]),
                    lambda n: n > 0,
                    10,
                    "the answer in flight",
                )
                worker.proc.send_signal(signal.SIGTERM)
                assert await wait_exit(worker) == 0, worker.log_tail()
                assert len(await sandbox.bot_messages(alice.id)) == 1  # answered before it stopped
                assert (await sandbox.webhook())["pending_update_count"] == 0  # and Telegram got its 200
                proxy.delay.clear()
                await alice.send("/help")  # nobody listens now: Telegram keeps it and retries
                await eventually(sandbox.webhook, lambda i: i.get("failures", 0) > 0, 10, "a failed delivery")
        await eventually(
            lambda: sandbox.bot_messages(alice.id), lambda ms: len(ms) == 2, 15, "the kept update answered"
        )
        await wait_for(lambda: nothing_left(sandbox, db), 10, "every update delivered and nothing left to send")
        texts = [text_of(m) for m in await sandbox.bot_messages(alice.id)]
        assert len(texts) == 2 and "red vest" in texts[0] and "/request" in texts[1], texts  # /start, then /help
    finally:
        kill_all(workers)
        await proxy.stop()
        await db.dispose()


async def test_an_update_whose_handling_was_killed_is_handled_again_after_a_restart(sandbox, tmp_path):
    """SIGKILL while the answer to an update is on its way (held, never delivered): the update was
    not confirmed to Telegram, so the restarted bot fetches it again and handles it at once — it
    does not wait for the update's lease (120 s here), since only one process polls."""
    url, db = await sqlite_file_db(tmp_path / "redvest.db")
    proxy = BotApiProxy(f"http://127.0.0.1:{sandbox.port}")
    await proxy.start()
    config = write_config(tmp_path / "bot.toml", sandbox_url=proxy.base_url(0), db_url=url, mode="polling", lease=120)
    workers = [spawn_worker("first", config, tmp_path)]
    try:
        alice = await make_user(sandbox, 4201, "Alice", "en")
        await wait_healthy(workers[0])
        proxy.held_methods.add("sendMessage")
        await alice.send("/help")
        await eventually(lambda: _value(proxy.held_count), lambda n: n > 0, 10, "the answer held")
        workers[0].proc.send_signal(signal.SIGKILL)
        await wait_exit(workers[0])
        assert await sandbox.bot_messages(alice.id) == []
        proxy.held_methods.clear()
        workers.append(spawn_worker("second", config, tmp_path))
        await wait_healthy(workers[1])
        await eventually(
            lambda: sandbox.bot_messages(alice.id), lambda ms: len(ms) == 1, 20, "the update handled again"
        )
        await wait_for(lambda: nothing_left(sandbox, db), 10, "every update confirmed and nothing left to send")
        texts = [text_of(m) for m in await sandbox.bot_messages(alice.id)]
        assert len(texts) == 1 and "/request" in texts[0], texts  # the help, once
    finally:
        kill_all(workers)
        await proxy.stop()
        await db.dispose()
