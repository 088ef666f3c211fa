"""Webhook mode: the bot's aiohttp server takes Telegram's POSTs — secret checked, size limited,
bad bodies refused, each update handled once (remembered in the database, across processes)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sandbox import SandboxClient
from storage.db import Database
from storage.models import ProcessedUpdate
from tests.support.harness import make_user, text_of
from tests.support.webhook import SECRET, start_update, started_user, webhook_bot
from tests.support.workers import eventually


async def processed(db: Database) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0)


async def bot_texts(sb: SandboxClient, chat_id: int) -> list[str]:
    return [text_of(m) for m in await sb.bot_messages(chat_id)]


async def test_updates_arrive_through_the_webhook_and_get_answers(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg) as bot:
        alice = await make_user(sandbox, 7001, "Alice", "en")
        await alice.send("/start")
        assert "red vest" in text_of(await alice.reply())
        await alice.send("/help")
        assert "/request" in text_of(await alice.reply())
        info = await eventually(sandbox.webhook, lambda i: i["delivered"] >= 2, 5, "both updates delivered")
        assert info["url"] == bot.url and info["pending_update_count"] == 0
        assert await processed(db) == 2


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_handled(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        await started_user(sandbox, 7002)
        status, _ = await bot.post(start_update(500, 7002), secret=None)
        assert status == 401
        status, _ = await bot.post(start_update(501, 7002), secret="not-the-secret")
        assert status == 403
        status, _ = await bot.post(start_update(502, 7002), secret=SECRET + "x")
        assert status == 403
        assert await processed(db) == 0
        assert await bot_texts(sandbox, 7002) == []
        # the same update with the right secret is handled
        status, _ = await bot.post(start_update(502, 7002))
        assert status == 200
        assert any("red vest" in t for t in await bot_texts(sandbox, 7002))


async def test_oversized_and_malformed_bodies_are_refused(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        limit = bot.core.cfg.bot.webhook.max_body_bytes
        big = start_update(600, 7003, text="x" * (limit + 10))
        status, _ = await bot.post(big)
        assert status == 413
        for body in (
            b"",
            b"{",
            b"not json",
            b"\xff\xfe\x00",
            b"[]",
            b"null",
            b"42",
            b'"text"',
            b'{"message": {}}',
            b'{"update_id": "7"}',
            b'{"update_id": -1}',
            b'{"update_id": true}',
            b'{"update_id": 7, "message": "hello"}',
            b'{"update_id": 8, "message": {"text": 1}}',
        ):
            status, answer = await bot.post(body)
            assert status == 400, (body, status, answer)
        assert await processed(db) == 0


async def test_absurd_bodies_within_the_size_limit_get_a_400_and_a_log_line(sandbox, db, cfg, caplog):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        await started_user(sandbox, 7004)
        deep = b'{"update_id": 9, "message": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
        assert len(deep) < bot.core.cfg.bot.webhook.max_body_bytes
        huge_id = start_update(2**63, 7004)
        huge_user = start_update(610, 2**64)
        for body in (deep, huge_id, huge_user, b"[" * 50_000):
            status, answer = await bot.post(body)
            assert status == 400, (str(body)[:60], status, answer)
        assert sum("webhook: 400" in r.getMessage() for r in caplog.records) == 4
        assert await processed(db) == 0
        status, _ = await bot.post(start_update(2**63 - 1, 7004))  # the largest id Telegram could send
        assert status == 200


async def test_a_redelivered_update_is_handled_once(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        await started_user(sandbox, 7004)
        update = start_update(700, 7004)
        answers = [await bot.post(update) for _ in range(3)]
        assert [a[0] for a in answers] == [200, 200, 200]
        assert [a[1]["description"] for a in answers] == ["handled", "already handled", "already handled"]
        texts = await bot_texts(sandbox, 7004)
        assert len([t for t in texts if "red vest" in t]) == 1


@pytest.mark.postgres
async def test_a_redelivery_to_another_worker_is_recognised_through_the_database(sandbox, pg_url, cfg):
    """Two workers (each its own Application, engine and web server) on one PostgreSQL: Telegram
    re-sending an update to the second worker does not handle it twice."""
    db1, db2 = Database(pg_url), Database(pg_url)
    from tests.conftest import _pg_db

    await (await _pg_db(pg_url)).dispose()  # a clean database
    cfg2 = cfg.model_copy(deep=True)
    cfg.workers.leader_retry_seconds = cfg2.workers.leader_retry_seconds = 0.5
    try:
        async with (
            webhook_bot(sandbox, db1, cfg, set_webhook=False) as w1,
            webhook_bot(sandbox, db2, cfg2, set_webhook=False) as w2,
        ):
            await started_user(sandbox, 7005)
            update = start_update(800, 7005)
            assert (await w1.post(update))[1]["description"] == "handled"
            assert (await w2.post(update))[1]["description"] == "already handled"
            assert len([t for t in await bot_texts(sandbox, 7005) if "red vest" in t]) == 1
            # exactly one of the two leads (drains the outbox)
            leaders = [w.app.bot_data["leadership"].is_leader for w in (w1, w2)]
            assert sorted(leaders) == [False, True]
    finally:
        await db1.dispose()
        await db2.dispose()


async def test_updates_are_not_taken_while_stopping(sandbox, db, cfg):
    async with webhook_bot(sandbox, db, cfg, set_webhook=False) as bot:
        await started_user(sandbox, 7006)
        bot.app.bot_data["stopping"] = True
        status, answer = await bot.post(start_update(900, 7006))
        assert status == 503
        bot.app.bot_data["stopping"] = False
        assert await processed(db) == 0
