"""Storage on both databases: sessions, SQLite pragmas, idempotent outbox and ledger, shared claiming."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.persistence import DbPersistence
from storage import audit, outbox, points
from storage.enums import OutboxKind, PointsReason
from storage.models import AuditEntry, Community, Grid, OutboxMessage, Person, PointsEntry

from .support.locks import another_process_writing

NOW = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


async def test_sqlite_uses_wal_and_a_busy_timeout(db):
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_writer_in_another_process_does_not_stop_the_bot_while_it_waits(db):
    """SQLite statements run on the event loop's thread; waiting for another process's write lock
    must not: the bot keeps answering meanwhile, and the write goes through once the lock is free."""
    async with another_process_writing(db) as ticks:
        async with db.session() as s:
            s.add(Community(name="等锁的社区"))
    assert ticks[0] >= 20  # the loop ran all along (about 50 ticks in the half second)
    async with db.session() as s:
        assert (await s.execute(select(Community.name))).scalars().all() == ["等锁的社区"]


async def test_a_reading_step_that_registers_waits_for_another_process_without_stopping_the_bot(db):
    """SQLite's reading() sends no BEGIN: registering the person who asks is a write of its own, and
    it too waits for another process's write lock off the event loop's thread."""
    async with another_process_writing(db) as ticks:
        async with db.reading() as s:
            assert (await s.execute(select(Person.id))).first() is None  # a read does not wait
            s.add(Person(tg_user_id=7003, name="等锁的人"))
    assert ticks[0] >= 20
    async with db.session() as s:
        assert (await s.execute(select(Person.name))).scalars().all() == ["等锁的人"]


async def test_rows_round_trip_with_aware_datetimes(any_db):
    async with any_db.session() as s:
        c = Community(name="幸福里", created_at=NOW)
        s.add(c)
        await s.flush()
        s.add(Grid(community_id=c.id, name="一网格"))
    async with any_db.session() as s:
        grid = (await s.execute(select(Grid))).scalars().one()
        com = await s.get(Community, grid.community_id)
        assert com.name == "幸福里" and com.created_at.astimezone(UTC) == NOW


async def test_a_failed_transaction_leaves_nothing(any_db):
    with pytest.raises(RuntimeError):
        async with any_db.session() as s:
            s.add(Community(name="half"))
            await s.flush()
            raise RuntimeError("boom")
    async with any_db.session() as s:
        assert (await s.scalar(select(func.count()).select_from(Community))) == 0


async def test_outbox_key_is_used_once(any_db):
    async with any_db.session() as s:
        assert await outbox.enqueue(
            s, key="visit-reminder:7:2026-W47", chat_id=7, kind=OutboxKind.send, payload={"text": "hi"}, now=NOW
        )
        assert not await outbox.enqueue(
            s, key="visit-reminder:7:2026-W47", chat_id=7, kind=OutboxKind.send, payload={"text": "again"}, now=NOW
        )
    async with any_db.session() as s:
        rows = (await s.execute(select(OutboxMessage))).scalars().all()
        assert [r.payload for r in rows] == ['{"text": "hi"}']


async def test_concurrent_senders_claim_disjoint_rows(any_db):
    async with any_db.session() as s:
        for i in range(40):
            await outbox.enqueue(s, key=f"k{i}", chat_id=i + 1, kind=OutboxKind.send, payload={"text": str(i)}, now=NOW)

    async def claim() -> list[int]:
        async with any_db.session() as s:
            return [r.id for r in await outbox.claim_due(s, NOW, 15, timedelta(seconds=60))]

    got = await asyncio.gather(*(claim() for _ in range(4)))
    flat = [i for ids in got for i in ids]
    assert len(flat) == len(set(flat)) == 40


async def test_a_dead_senders_lease_expires(any_db):
    async with any_db.session() as s:
        await outbox.enqueue(s, key="k", chat_id=1, kind=OutboxKind.send, payload={"text": "x"}, now=NOW)
    async with any_db.session() as s:
        assert len(await outbox.claim_due(s, NOW, 10, timedelta(seconds=60))) == 1
    async with any_db.session() as s:
        assert await outbox.claim_due(s, NOW + timedelta(seconds=30), 10, timedelta(seconds=60)) == []
        assert len(await outbox.claim_due(s, NOW + timedelta(seconds=61), 10, timedelta(seconds=60))) == 1


async def test_points_are_awarded_once_per_ref(any_db):
    async with any_db.session() as s:
        p = Person(tg_user_id=1, name="张")
        s.add(p)
        await s.flush()
        for _ in range(3):
            await points.award(
                s, ref="visit:1:1:2026-W47", person_id=p.id, reason=PointsReason.visit, points=3, now=NOW
            )
    async with any_db.session() as s:
        assert await s.scalar(select(func.sum(PointsEntry.points))) == 3


async def test_audit_entries_record_who_and_what(any_db):
    async with any_db.session() as s:
        await audit.record(s, None, "request.created", "request", 42, code="A-0042")
    async with any_db.session() as s:
        entry = (await s.execute(select(AuditEntry))).scalars().one()
        assert entry.action == "request.created" and entry.entity_id == 42 and "A-0042" in entry.detail


async def test_conversation_state_and_drafts_survive_a_new_persistence(any_db):
    first = DbPersistence(any_db)
    await first.update_conversation("request", (5, 5), 3)
    await first.update_user_data(5, {"draft": {"summary": "买药"}})
    second = DbPersistence(any_db)  # as after a restart
    assert await second.get_conversations("request") == {(5, 5): 3}
    assert (await second.get_user_data())[5] == {"draft": {"summary": "买药"}}
    await second.update_conversation("request", (5, 5), None)
    assert await DbPersistence(any_db).get_conversations("request") == {}


async def test_a_reading_step_registers_and_refreshes_the_person_who_asks(any_db, clock, cfg):
    """Database.reading(): no transaction around it on PostgreSQL, yet the person written on first
    contact and their new language and username are kept."""
    from bot.outbox.notifier import OutboxNotifier
    from bot.services.kernel.core import Core
    from bot.services.kernel.roles import Actor, role_summary

    core = Core(db=any_db, notifier=OutboxNotifier(clock), clock=clock, cfg=cfg)
    await role_summary(core, Actor(7001, "王奶奶", language="zh-hans"))
    await role_summary(core, Actor(7001, "王奶奶", username="wang", language="en"))
    async with any_db.session() as s:
        people = (await s.execute(select(Person).where(Person.tg_user_id == 7001))).scalars().all()
    assert [(p.name, p.language, p.username) for p in people] == [("王奶奶", "en", "wang")]


async def test_a_failing_reading_step_leaves_no_refresh_behind(any_db):
    async with any_db.session() as s:
        s.add(Person(tg_user_id=7002, name="李", language="zh-hans"))
    with pytest.raises(RuntimeError):
        async with any_db.reading() as s:
            p = (await s.execute(select(Person).where(Person.tg_user_id == 7002))).scalars().one()
            p.language = "en"
            s.add(p)
            raise RuntimeError
    async with any_db.session() as s:
        assert (await s.execute(select(Person.language).where(Person.tg_user_id == 7002))).scalar_one() == "zh-hans"
