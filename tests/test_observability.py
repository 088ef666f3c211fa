"""What an operator watches: /readyz (the database answers, the outbox is not stuck), the outbox's
and the jobs' metrics, and JSON log lines that name the update and the job but never a person."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import logcontext
from bot.outbox.notifier import OutboxNotifier
from bot.scheduler import run_due
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.core import Core
from bot.views.message import OutMessage
from bot.web.server import build_web_app
from storage import outbox
from storage.db import Database
from storage.rows import key_of
from tests.support.harness import text_of
from tests.support.town import at, seed_town
from tests.support.workers import free_port

from .test_health import sample

PHONE = "13912348765"
ADDRESS = "幸福里 9 栋 1 单元 1203"


async def queue(core: Core, n: int) -> None:
    async with core.db.session() as s:
        for i in range(n):
            await core.notifier.send(s, f"ready-test:{i}", OutMessage(chat_id=1, text="x"))


async def ready(core: Core) -> tuple[int, dict]:
    async with TestClient(TestServer(build_web_app(core, None))) as client:
        r = await client.get("/readyz")
        return r.status, await r.json()


async def test_readyz_is_ok_with_an_empty_or_a_moving_outbox(core, clock):
    status, data = await ready(core)
    assert status == 200 and data["status"] == "ok" and data["outbox_depth"] == 0
    await queue(core, 3)
    clock.advance(minutes=20)  # a long Friday fan-out: rows wait, but one was just sent
    async with core.db.session() as s:  # the sender claims a row, then marks it sent, as it does
        first = (await outbox.claim_due(s, clock.now(), 1, timedelta(minutes=1)))[0]
    async with core.db.session() as s:
        await outbox.mark_sent(s, [(key_of(first), 1)], clock.now())
    status, data = await ready(core)
    assert status == 200 and data["outbox_depth"] == 2 and data["outbox_oldest_pending_seconds"] >= 1200


async def test_readyz_is_503_when_messages_wait_and_nothing_is_sent(core, clock):
    await queue(core, 2)
    clock.advance(seconds=core.cfg.web.outbox_stuck_seconds - 10)
    assert (await ready(core))[0] == 200  # not yet: young enough
    clock.advance(seconds=20)
    status, data = await ready(core)
    assert status == 503 and data["status"] == "outbox stuck" and data["seconds_since_last_send"] is None


async def test_readyz_is_503_when_the_database_cannot_be_reached(cfg):
    dead = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    core = Core(db=dead, notifier=OutboxNotifier(SystemClock()), clock=SystemClock(), cfg=cfg)
    try:
        status, data = await ready(core)
        assert status == 503 and data == {"status": "database unreachable", "database": False}
    finally:
        await dead.dispose()


async def test_metrics_show_the_oldest_waiting_message_and_each_jobs_last_success(core, clock, db):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 8, 0))  # Friday morning: the visit lists go out
    assert "visit-list" in {d.job for d in await run_due(core)}
    clock.advance(minutes=5)
    async with TestClient(TestServer(build_web_app(core, None))) as client:
        text = await (await client.get("/metrics")).text()
    assert sample(text, "redvest_outbox_oldest_pending_seconds") == pytest.approx(300, abs=1)
    assert sample(text, "redvest_outbox_depth") >= 1
    last = sample(text, 'redvest_job_last_success_timestamp_seconds{job="visit-list"}')
    assert last == at(2026, 11, 20, 8, 0).timestamp()


class JsonLines(logging.Handler):
    """The JSON log format, as `log.format = "json"` writes it, captured line by line."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(logcontext.ContextFilter())
        self.setFormatter(logcontext.formatter("json"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("sandbox"):  # the sandbox plays Telegram; it is not the bot
            self.lines.append(self.format(record))

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def json_logs() -> Iterator[JsonLines]:
    capture, root = JsonLines(), logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(level)


async def test_json_log_lines_name_the_update_but_never_what_the_resident_typed(world, json_logs):
    resident = world.resident
    await resident.send("/start")
    await resident.reply()
    await resident.send("/request")
    await resident.reply()
    await resident.press("req:cat:repairs")
    await resident.reply()
    await resident.send(f"门锁坏了，我住 {ADDRESS}，电话 {PHONE}")
    assert PHONE not in text_of(await resident.reply())  # the next step: the summary is not echoed
    records = json_logs.records()
    assert records and all({"time", "level", "logger", "message", "update_id", "job"} <= set(r) for r in records)
    assert len({r["update_id"] for r in records if r["update_id"] is not None}) >= 4  # one per update handled
    assert not any(PHONE in line or "1 单元 1203" in line for line in json_logs.lines)


async def test_json_log_lines_name_the_job_that_runs(core, clock, db, json_logs):
    await seed_town(db, volunteers=1)
    clock.set(at(2026, 11, 20, 8, 0))
    await run_due(core)
    done = [r for r in json_logs.records() if "done" in r["message"] and r["logger"] == "bot.scheduler"]
    assert done and all(r["job"] in r["message"] for r in done)
    assert {r["job"] for r in done} >= {"visit-list"}
