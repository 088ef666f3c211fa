"""A notice survives a restart: what was queued and not yet sent goes out after the bot starts again,
each message once, and the sender's card reaches its final count. A fan-out cut short before every
message was queued is finished by the delivery watcher (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from bot.app import build_application, start_running, stop_running
from bot.services.kernel.roles import Actor
from bot.services.loudspeaker import refresh_deliveries, send_announcement
from storage import outbox
from storage.enums import OutboxStatus
from storage.models import Announcement, OutboxMessage
from tests.support import factories as f
from tests.support.harness import text_of
from tests.support.town import core_on
from tests.support.waiting import wait_for

NOTICE = "本周六上午 8 点到 12 点小区停水，请提前储水。"


@pytest.fixture
def cfg(cfg):
    cfg.outbox.per_second = 3  # slow enough to stop the bot half-way through the notice
    return cfg


async def _tally(db):
    async with db.session() as s:
        return await outbox.tally(s, "ann:1")


async def test_a_half_sent_notice_carries_on_after_a_restart(world):
    w, leader = world, world.leader
    people = []
    for i in range(10):
        u = await w.bot.user(3100 + i, f"居民{i}")
        await f.person(w.db, u.id, u.name, grid_id=w.grid_a.id)
        await w.sb.add_user(u.id, u.name, language_code="zh-hans", started=True)
        people.append(u)
    for u in (w.resident, w.resident_en):
        await u.send("/start")
        await u.reply()
    await leader.send(f"/notice {NOTICE}")
    await leader.press("居民", message=await leader.reply(contains="的哪些人"))
    await leader.press("📢 发送", message=await leader.reply(edited=True, contains="预览"))
    await wait_for(lambda: _half_way(w.db), timeout=15, what="some of the notice delivered, some not yet")
    await stop_running(w.bot.app)
    w.bot.core.cfg.outbox.per_second = 29
    app = build_application(w.bot.core.cfg, w.db, w.bot.core.clock, run_scheduler=False)
    await start_running(app, poll_timeout=1)
    try:
        card = await w.sb.wait_bot_message(
            leader.id, contains="发送完毕：已送达 13/16，失败 3", edited=True, since=0, timeout=15
        )
        assert "您的通知 · 第一网格" in text_of(card)
        for u in [*people, w.resident, w.resident_en]:
            assert sum(NOTICE in t for t in await u.texts()) == 1, u.name
        assert sum(NOTICE in t for t in await leader.texts(w.resident_group)) == 1
    finally:
        await stop_running(app)


async def _half_way(db) -> bool:
    t = await _tally(db)
    return t.delivered >= 2 and t.waiting >= 3


async def test_a_fan_out_cut_short_is_finished_by_the_watcher_and_counted(any_db, clock, cfg):
    core = core_on(any_db, clock, cfg)
    com = await f.community(any_db)
    grid = await f.grid(any_db, com.id)
    leader = await f.person(any_db, 1001, "李网格长", grid_id=grid.id)
    await f.leader(any_db, leader.id, grid.id)
    for i in range(20):
        await f.person(any_db, 3000 + i, f"居民{i}", grid_id=grid.id)
    sent = await send_announcement(
        core, Actor(1001, "李网格长"), kind="grid", place_id=grid.id, audience="residents", urgent=False, text=NOTICE
    )
    assert sent.recipients == 20
    # as if the bot had stopped after queueing half of them: the rest is missing, the notice not marked queued
    async with any_db.session() as s:
        keys = sorted((await s.execute(select(OutboxMessage.key).where(OutboxMessage.card_ref == "ann:1"))).scalars())
        await s.execute(delete(OutboxMessage).where(OutboxMessage.key.in_(keys[10:])))
        await s.execute(update(Announcement).values(queued_at=None))
    assert await refresh_deliveries(core) == 0  # the press may still be queueing: left alone for a minute
    assert (await _tally(any_db)).total == 10
    clock.advance(minutes=2)
    await refresh_deliveries(core)
    assert (await _tally(any_db)).total == 20 and (await _tally(any_db)).waiting == 20
    async with any_db.session() as s:
        assert (
            len(set((await s.execute(select(OutboxMessage.key).where(OutboxMessage.card_ref == "ann:1"))).scalars()))
            == 20
        )
        ann = (await s.execute(select(Announcement))).scalars().one()
    assert ann.queued_at is not None and ann.recipients == 20 and ann.finished_at is None
    # deliveries move the card once per round, and only when the figures moved
    async with any_db.session() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.card_ref == "ann:1"))).scalars().all()
        await outbox.mark_sent(s, [(r.id, 1) for r in rows[:15]], clock.now())
        await outbox.mark_skipped(s, rows[15].id, "bad request")
    assert await refresh_deliveries(core) == 1
    assert await refresh_deliveries(core) == 0
    async with any_db.session() as s:
        await outbox.mark_sent(s, [(r.id, 1) for r in rows[16:]], clock.now())
    assert await refresh_deliveries(core) == 1
    async with any_db.session() as s:
        ann = (await s.execute(select(Announcement))).scalars().one()
        edits = (
            (
                await s.execute(
                    select(OutboxMessage).where(OutboxMessage.card_ref == "ann-status:1", OutboxMessage.kind == "edit")
                )
            )
            .scalars()
            .all()
        )
    assert (ann.delivered, ann.failed, ann.recipients) == (19, 1, 20) and ann.finished_at is not None
    pending = [e for e in edits if e.status == OutboxStatus.pending.value]
    assert len(pending) == 1 and "已送达 19/20，失败 1" in pending[0].payload  # the older edit was superseded
    assert await refresh_deliveries(core) == 0  # finished: never looked at again
