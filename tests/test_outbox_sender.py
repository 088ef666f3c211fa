"""The outbox sender against the sandbox (which answers 429 past Telegram's limits): every row
once, in order per chat, 429 obeyed, blocked users marked and skipped, failures retried."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.error import NetworkError

from bot.outbox.notifier import OutboxNotifier
from bot.outbox.sender import OutboxSender, Pace
from bot.services.kernel.clock import FakeClock, SystemClock
from bot.views.message import Button, OutMessage
from storage import outbox
from storage.db import Database
from storage.enums import OutboxKind
from storage.models import OutboxMessage, Person

from .conftest import TOKEN
from .support import factories as f

GROUP = -100500


async def queue(db: Database, clock, items: list[tuple[str, OutMessage]]) -> None:
    notifier = OutboxNotifier(clock)
    async with db.session() as s:
        for key, msg in items:
            await notifier.send(s, key, msg)


async def all_rows(db: Database) -> list[OutboxMessage]:
    async with db.session() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def drain(sender: OutboxSender, db: Database, timeout: float = 20) -> None:
    """Run the sender until nothing is pending or in flight; fail the test if that takes over `timeout` s."""
    deadline = time.monotonic() + timeout
    left: list[OutboxMessage] = []
    while time.monotonic() < deadline:
        claimed = await sender.drain_once()
        if sender._sends:
            await asyncio.gather(*list(sender._sends), return_exceptions=True)
        if not claimed:
            left = [r for r in await all_rows(db) if r.status in ("pending", "sending")]
            if not left:
                return
            await asyncio.sleep(0.1)
    raise AssertionError(f"the outbox was not drained within {timeout:g}s: {[(r.key, r.status) for r in left]}")


@pytest.fixture
async def tg(sandbox):
    """A plain Bot (no PTB rate limiter) on the sandbox, and three users who started it."""
    for uid in (501, 502, 503):
        await sandbox.add_user(uid, f"u{uid}", started=True)
    await sandbox.add_group(GROUP, "志愿者群", [501, 502])
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{sandbox.port}/bot")
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def texts_in(sandbox, chat: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in await sandbox.bot_messages(chat)]


async def test_every_row_is_delivered_once_in_order_per_chat(db, sandbox, tg):
    clock = SystemClock()
    items = [
        (f"k:{uid}:{n}", OutMessage(chat_id=uid, text=f"{uid}-{n}", buttons=[[Button("ok", data=f"x:{n}")]]))
        for n in range(4)
        for uid in (501, 502, 503)
    ]
    items.insert(1, ("k:chart", OutMessage(chat_id=501, text="chart", photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64)))
    await queue(db, clock, items)
    await queue(db, clock, items[:3])  # queued again: the keys are taken, nothing is added
    sender = OutboxSender(db, tg, clock)
    await drain(sender, db)
    assert await texts_in(sandbox, 501) == ["501-0", "chart", "501-1", "501-2", "501-3"]
    assert await texts_in(sandbox, 503) == [f"503-{n}" for n in range(4)]
    rows = await all_rows(db)
    assert len(rows) == 13 and all(r.status == "sent" and r.message_id for r in rows)
    silent = (await sandbox.bot_messages(502))[0]
    assert silent.get("disable_notification", True)


async def test_a_429_pauses_and_the_row_is_sent_later_exactly_once(db, sandbox, tg):
    await sandbox.set_limits(per_second=4)
    clock = SystemClock()
    await queue(db, clock, [(f"burst:{n}", OutMessage(chat_id=501 + n % 3, text=f"burst {n}")) for n in range(12)])
    sender = OutboxSender(db, tg, clock, per_second=50)  # deliberately faster than the "server" allows
    await drain(sender, db, timeout=30)
    assert (await sandbox.stats())["rate_limited_429"] > 0
    sent = [t for uid in (501, 502, 503) for t in await texts_in(sandbox, uid)]
    assert sorted(sent) == sorted(f"burst {n}" for n in range(12))
    assert all(r.status == "sent" for r in await all_rows(db))


async def test_a_full_group_waits_for_its_minute_without_a_429(db, sandbox, tg):
    await sandbox.set_limits(per_group_per_minute=3)
    clock = SystemClock()
    await queue(
        db,
        clock,
        [(f"g:{n}", OutMessage(chat_id=GROUP, text=f"card {n}")) for n in range(5)]
        + [("private", OutMessage(chat_id=501, text="private"))],
    )
    sender = OutboxSender(db, tg, clock, per_group_per_minute=3)
    for _ in range(3):
        await sender.drain_once()
        await asyncio.gather(*list(sender._sends))
    assert await texts_in(sandbox, GROUP) == ["card 0", "card 1", "card 2"]
    assert await texts_in(sandbox, 501) == ["private"]  # not held up behind the group
    waiting = [r for r in await all_rows(db) if r.status == "pending"]
    assert [r.key for r in waiting] == ["g:3", "g:4"]
    assert all(r.next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(seconds=50) for r in waiting)
    assert (await sandbox.stats())["rate_limited_429"] == 0


async def test_a_user_who_blocked_the_bot_is_marked_and_skipped(db, sandbox, tg):
    await f.person(db, 502, "blocker")
    await sandbox.block(502)
    clock = SystemClock()
    await queue(
        db,
        clock,
        [
            ("b:1", OutMessage(chat_id=502, text="one")),
            ("b:2", OutMessage(chat_id=502, text="two")),
            ("ok", OutMessage(chat_id=501, text="fine")),
        ],
    )
    await drain(OutboxSender(db, tg, clock), db)
    by_key = {r.key: r for r in await all_rows(db)}
    assert by_key["b:1"].status == "skipped" and by_key["b:2"].status == "skipped"
    assert by_key["ok"].status == "sent"
    async with db.session() as s:
        assert (await s.execute(select(Person.blocked_bot).where(Person.tg_user_id == 502))).scalar_one() is True
    assert await texts_in(sandbox, 502) == []


async def test_two_senders_on_one_database_never_send_a_row_twice(db, sandbox, tg):
    await sandbox.set_limits(enabled=False)
    clock = SystemClock()
    await queue(db, clock, [(f"two:{n}", OutMessage(chat_id=501 + n % 3, text=f"m{n}")) for n in range(60)])
    other = Database(db.url)
    try:
        a, b = OutboxSender(db, tg, clock, per_second=200), OutboxSender(other, tg, clock, per_second=200)
        await asyncio.gather(drain(a, db), drain(b, other))
    finally:
        await other.dispose()
    sent = [t for uid in (501, 502, 503) for t in await texts_in(sandbox, uid)]
    assert sorted(sent) == sorted(f"m{n}" for n in range(60))


class FlakyBot:
    """Fails `failures` times with a network error, then works."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    async def do_api_request(self, endpoint: str, api_kwargs: dict) -> dict:
        assert endpoint == "sendMessage"
        self.calls += 1
        if self.calls <= self.failures:
            raise NetworkError("connection reset")
        return {"message_id": 77}  # the raw answer: the sender reads only the id


async def test_failures_are_retried_with_back_off_then_given_up(db):
    clock = FakeClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    await queue(db, clock, [("flaky", OutMessage(chat_id=501, text="hi"))])
    sender = OutboxSender(db, FlakyBot(failures=2), clock, max_attempts=5)
    await drain_once(sender)
    [row] = await all_rows(db)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "connection reset")
    assert row.next_attempt_at.replace(tzinfo=UTC) == clock.now() + outbox.backoff(1)
    assert await sender.drain_once() == 0  # not before its time
    clock.advance(seconds=2)
    await drain_once(sender)
    clock.advance(seconds=4)
    await drain_once(sender)
    [row] = await all_rows(db)
    assert (row.status, row.message_id, row.attempts) == ("sent", 77, 3)

    await queue(db, clock, [("doomed", OutMessage(chat_id=501, text="never"))])
    hopeless = OutboxSender(db, FlakyBot(failures=99), clock, max_attempts=3)
    for _ in range(5):
        await drain_once(hopeless)
        clock.advance(seconds=600)
    doomed = [r for r in await all_rows(db) if r.key == "doomed"][0]
    assert (doomed.status, doomed.attempts) == ("failed", 3)


async def drain_once(sender: OutboxSender) -> None:
    await sender.drain_once()
    await asyncio.gather(*list(sender._sends))


async def test_a_broken_row_is_not_stranded_in_sending(db):
    clock = FakeClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    async with db.session() as s:
        s.add(
            OutboxMessage(
                key="broken",
                chat_id=501,
                kind=OutboxKind.send.value,
                payload="{not json",
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )
    await drain_once(OutboxSender(db, FlakyBot(0), clock))
    [row] = await all_rows(db)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "JSONDecodeError")


async def test_rows_of_a_sender_that_died_come_back_after_the_lease(db):
    clock = FakeClock(datetime(2026, 11, 20, 8, 0, tzinfo=UTC))
    await queue(db, clock, [("orphan", OutMessage(chat_id=501, text="hi"))])
    async with db.session() as s:
        assert len(await outbox.claim_due(s, clock.now(), 10, timedelta(seconds=60))) == 1  # then it "dies"
    bot = FlakyBot(0)
    sender = OutboxSender(db, bot, clock)
    await drain_once(sender)
    assert bot.calls == 0
    clock.advance(seconds=61)
    await drain_once(sender)
    await drain_once(sender)
    assert bot.calls == 1 and (await all_rows(db))[0].status == "sent"


async def test_an_edit_of_a_card_in_a_chat_we_left_is_finished_not_retried(db, sandbox, tg):
    clock = SystemClock()
    notifier = OutboxNotifier(clock)
    async with db.session() as s:
        await notifier.send(s, "card", OutMessage(chat_id=GROUP, text="A-0001 open"), card_ref="request:1")
    sender = OutboxSender(db, tg, clock)
    await drain(sender, db)
    await sandbox.add_group(-100600, "已退出的群", [501], bot_member=False)
    async with db.session() as s:
        await outbox.remember_card(s, "request:1", -100600, 1)  # a copy in a group the bot has left
        await outbox.remember_card(s, "request:1", 503, 999)  # and one whose message is gone
        await notifier.edit_card(s, "request:1", "A-0001 taken", [])
    await drain(sender, db)
    edits = [r for r in await all_rows(db) if r.kind == "edit"]
    assert [r.status for r in edits] == ["sent"]
    assert await texts_in(sandbox, GROUP) == ["A-0001 taken"]  # edited in place
    assert [r.status for r in await all_rows(db) if r.kind != "edit"] == ["sent"]  # nothing skipped


async def test_pace_counts_in_flight_requests_so_bunching_on_the_way_cannot_break_the_limit():
    now = [100.0]
    pace = Pace(per_second=4, per_group_per_minute=2, monotonic=lambda: now[0])
    for _ in range(4):  # four requests out, no answer yet (a stalled server)
        assert pace.wait(1) <= pace.interval
        now[0] += pace.interval
        await pace.acquire(1)
    now[0] += 10
    assert pace.wait(1) == 0.005  # the fifth waits for answers, however long the stall
    for _ in range(4):
        pace.end(1)
    assert pace.wait(1) == pytest.approx(1.001)  # the answers still count for a second
    now[0] += 0.5
    assert pace.wait(1) == pytest.approx(0.501)
    now[0] += 0.51
    assert pace.wait(1) == 0


async def test_pace_keeps_each_group_under_its_minute():
    now = [100.0]
    pace = Pace(per_second=1000, per_group_per_minute=2, monotonic=lambda: now[0])
    for _ in range(2):
        assert pace.group_wait(-7) == 0
        await pace.acquire(-7)
        pace.end(-7)
        now[0] += 1
    assert 58 < pace.group_wait(-7) <= 58.01  # the first answer leaves the minute at 160
    assert pace.group_wait(-8) == 0 and pace.group_wait(42) == 0
    now[0] += 58.01
    assert pace.group_wait(-7) == 0
    pace.pause(5)
    assert pace.delay() == pytest.approx(5) and pace.wait(1) == pytest.approx(5)
