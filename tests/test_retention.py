"""Data retention: personal details of long-closed requests are erased, the figures stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.jobs import retention as retention_job
from bot.scheduler import run_due
from bot.services.people.retention import run_retention
from bot.views.message import OutMessage
from storage import outbox
from storage.models import Assignment, AuditEntry, HelpRequest, OutboxMessage, Rating

from .support import factories as f

NOW = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)


async def _request(db, grid_id, status, closed_days_ago, *, done=False) -> int:
    closed = NOW - timedelta(days=closed_days_ago)
    async with db.session() as s:
        r = HelpRequest(
            grid_id=grid_id,
            category="repairs",
            summary="修水管，电话 13800000000",
            when_kind="today",
            address="幸福里 3 栋 401",
            phone="13800000000",
            status=status,
            created_at=closed - timedelta(days=2),
            first_accepted_at=closed - timedelta(days=1),
            closed_at=None if done else closed,
            done_at=closed if done else None,
            close_reason="住户说 3 栋 401 没人",
        )
        s.add(r)
        await s.flush()
        s.add(Rating(request_id=r.id, outcome="done", stars=5, comment="王师傅 13900000000 很好", created_at=closed))
        s.add(Assignment(request_id=r.id, volunteer_id=1, status="done", hours=2.0, note="地址 3 栋 401"))
        return r.id


async def test_requests_closed_longer_than_the_retention_period_lose_their_personal_details(core, clock, db):
    clock.set(NOW)
    com = await f.community(db)
    g = await f.grid(db, com.id)
    await f.person(db, 4242, "志愿者")
    old = await _request(db, g.id, "completed", 181, done=True)
    old_cancelled = await _request(db, g.id, "cancelled", 200)
    recent = await _request(db, g.id, "completed", 30, done=True)
    still_open = await _request(db, g.id, "open", 400)
    result = await run_retention(core)
    assert result.requests_erased == 2
    async with db.session() as s:
        reqs = {r.id: r for r in (await s.execute(select(HelpRequest))).scalars()}
        ratings = {r.request_id: r for r in (await s.execute(select(Rating))).scalars()}
        assignments = {a.request_id: a for a in (await s.execute(select(Assignment))).scalars()}
        audit = list((await s.execute(select(AuditEntry))).scalars())
    for rid in (old, old_cancelled):
        r = reqs[rid]
        assert (r.address, r.phone, r.summary, r.close_reason) == (None, None, "", None) and r.erased_at is not None
        assert ratings[rid].comment is None and ratings[rid].stars == 5  # the figure stays
        assert assignments[rid].note is None and assignments[rid].hours == 2.0
        assert r.category == "repairs" and r.status in ("completed", "cancelled")
    for rid in (recent, still_open):
        assert reqs[rid].address == "幸福里 3 栋 401" and reqs[rid].erased_at is None
        assert ratings[rid].comment
    assert [(a.action, "13800000000" in a.detail, "401" in a.detail) for a in audit] == [
        ("retention.erase", False, False)
    ]
    assert (await run_retention(core)).requests_erased == 0  # nothing left to erase


async def test_old_outbox_texts_are_forgotten_but_their_keys_still_block_a_resend(core, clock, db):
    clock.set(NOW - timedelta(days=20))
    async with db.session() as s:
        await core.notifier.send(s, "visit-list:9:2026-W44", OutMessage(chat_id=1, text="幸福里 3 栋 401"))
    async with db.session() as s:
        [row] = (await s.execute(select(OutboxMessage))).scalars()
        await outbox.mark_sent(s, [(row.id, 5)], clock.now())
    clock.set(NOW)
    result = await run_retention(core)
    assert result.payloads_forgotten == 1
    async with db.session() as s:
        [row] = (await s.execute(select(OutboxMessage))).scalars()
        assert row.payload == "{}" and row.status == "sent"
        assert await core.notifier.send(s, "visit-list:9:2026-W44", OutMessage(chat_id=1, text="again")) is False


async def test_retention_runs_once_a_day_from_the_scheduler(core, clock, db, cfg):
    clock.set(datetime(2026, 11, 19, 18, 59, tzinfo=UTC))  # 02:59 in Shanghai
    assert [d.period for d in await run_due(core, jobs=[retention_job.JOB])] == ["2026-11-19"]
    clock.set(datetime(2026, 11, 19, 19, 0, tzinfo=UTC))  # 03:00: today's run
    assert [d.period for d in await run_due(core, jobs=[retention_job.JOB])] == ["2026-11-20"]
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    assert await run_due(core, jobs=[retention_job.JOB]) == []


async def test_a_delivered_notification_loses_its_text_after_a_day_not_two_weeks(core, clock, db):
    from bot.services.people import forget_sent_texts

    assert core.cfg.outbox.forget_sent_after_hours == 24
    clock.set(NOW - timedelta(hours=30))
    async with db.session() as s:  # a task's details: an address and a phone, for the volunteer only
        for key in ("task-details:1:7", "task-details:2:7"):
            await core.notifier.send(s, key, OutMessage(chat_id=7, text="幸福里 3 栋 401 · 13800000000"))
    async with db.session() as s:
        first, second = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        await outbox.mark_sent(s, [(first.id, 5)], NOW - timedelta(hours=25))
        await outbox.mark_sent(s, [(second.id, 6)], NOW - timedelta(hours=23))
    clock.set(NOW)
    assert await forget_sent_texts(core) == 1
    async with db.session() as s:
        first, second = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
    assert first.payload == "{}" and "401" in second.payload  # delivered 23 hours ago: kept a little longer
    core.cfg.outbox.forget_sent_after_hours = 12
    assert await forget_sent_texts(core) == 1
