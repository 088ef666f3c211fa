"""Paid broadcasts (outbox.paid_broadcast, off by default): the outbox's sends carry
allow_paid_broadcast and the pace rises to outbox.paid_per_second; the sandbox counts such sends
against 1,000 a second instead of 30. Each second of the sandbox here is a frozen clock, so "in one
second" means it, however slow the machine."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram.error import RetryAfter

from bot.outbox.pace import Pace
from bot.outbox.sender import OutboxSender
from bot.services.kernel.clock import SystemClock
from bot.services.kernel.config import Config
from bot.views.message import OutMessage
from sandbox import SandboxClient, SandboxState, start_server
from sandbox.limits import RateLimiter

from .conftest import TOKEN
from .test_outbox_sender import GROUP, all_rows, drain, queue

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*timedelta")

USERS = list(range(9001, 9061))  # 60 people: twice the free limit


@pytest.fixture
async def frozen():
    """A sandbox whose clock stands still (every send falls in one second), 60 users and a group."""
    state = SandboxState(limiter=RateLimiter(clock=lambda: 1000.0))
    runner, port = await start_server("127.0.0.1", 0, state=state)
    base = f"http://127.0.0.1:{port}"
    bot = telegram.Bot(TOKEN, base_url=f"{base}/bot")
    async with SandboxClient(base) as sb, bot:
        for uid in USERS:
            await sb.add_user(uid, f"志愿者{uid}", started=True)
        await sb.add_group(GROUP, "志愿者群", USERS[:2])
        yield bot, sb
    await runner.cleanup()


async def test_the_option_is_off_by_default():
    assert Config().outbox.paid_broadcast is False
    assert 0 < Config().outbox.paid_per_second <= 1000


async def test_the_sandbox_takes_more_than_30_paid_sends_in_a_second_and_refuses_a_31st_free_one(frozen):
    bot, sb = frozen
    paid = await asyncio.gather(
        *(bot.send_message(uid, "paid", allow_paid_broadcast=True) for uid in USERS), return_exceptions=True
    )
    assert not [r for r in paid if isinstance(r, Exception)]
    free = await asyncio.gather(*(bot.send_message(uid, "free") for uid in USERS[:31]), return_exceptions=True)
    refused = [r for r in free if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], RetryAfter)
    st = await sb.stats()
    assert st["sent"] == 90 and st["paid_sent"] == 60 and st["rate_limited_429"] == 1


async def test_a_paid_send_still_keeps_the_groups_minute(frozen):
    bot, sb = frozen
    await sb.set_limits(per_group_per_minute=3)
    for n in range(3):
        await bot.send_message(GROUP, f"g{n}", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "one too many", allow_paid_broadcast=True)


async def test_with_the_option_on_every_outbox_send_carries_the_flag_and_none_is_refused(db, frozen):
    bot, sb = frozen
    clock = SystemClock()
    items = [(f"fan:{uid}", OutMessage(chat_id=uid, text=f"名单 {uid}")) for uid in USERS]
    items.append(("fan:chart", OutMessage(chat_id=USERS[0], text="chart", photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64)))
    items.append(("fan:card", OutMessage(chat_id=GROUP, text="A-0001")))
    await queue(db, clock, items)
    await drain(OutboxSender(db, bot, clock, paid_broadcast=True, paid_per_second=1000), db)
    st = await sb.stats()
    assert st["sent"] == 62 and st["paid_sent"] == 62 and st["rate_limited_429"] == 0
    assert all(r.status == "sent" for r in await all_rows(db))


async def test_with_the_option_off_no_send_carries_it(db, sandbox):
    bot = telegram.Bot(TOKEN, base_url=f"http://127.0.0.1:{sandbox.port}/bot")
    for uid in USERS[:3]:
        await sandbox.add_user(uid, f"u{uid}", started=True)
    clock = SystemClock()
    items = [(f"fan:{uid}", OutMessage(chat_id=uid, text=f"名单 {uid}")) for uid in USERS[:3]]
    items.append(("fan:chart", OutMessage(chat_id=USERS[0], text="chart", photo=b"\x89PNG\r\n\x1a\n" + b"0" * 64)))
    async with bot:
        await queue(db, clock, items)
        cfg = Config().outbox  # the defaults, as bot/app.py passes them
        sender = OutboxSender(db, bot, clock, paid_broadcast=cfg.paid_broadcast, paid_per_second=cfg.paid_per_second)
        await drain(sender, db)
    st = await sandbox.stats()
    assert st["sent"] == 4 and st["paid_sent"] == 0


async def test_with_paid_broadcasts_an_edit_keeps_the_free_pace_while_sends_go_on():
    now = [100.0]
    pace = Pace(1000, 19, monotonic=lambda: now[0], free_per_second=2)
    for _ in range(2):
        await pace.acquire(1, unpaid=True)  # two edits out: the free second is full
        now[0] += 0.01
    assert pace.wait(1, unpaid=True) > 0  # a third edit waits for an answer
    assert pace.wait(2) == 0  # a paid send does not
    for _ in range(40):  # and 40 of them go out in well under a second
        await pace.acquire(2)
        pace.end(2)
        now[0] += 0.001
    pace.end(1, unpaid=True)
    pace.end(1, unpaid=True)
    assert 0.9 < pace.wait(1, unpaid=True) <= 1.001  # the edits' answers count for a second
    now[0] += 1.01
    assert pace.wait(1, unpaid=True) == 0


async def test_a_fast_paid_pace_makes_up_a_late_wake_up_with_at_most_20_ms_of_missed_slots_at_once():
    """At 1,000/s a slot is 1 ms, no longer than the event loop's shortest sleep: a pace that could
    only make up one missed slot would lose most of them."""
    now = [100.0]
    pace = Pace(1000, 19, monotonic=lambda: now[0], free_per_second=29)
    at_once = 0
    while pace.wait(at_once) == 0 and at_once < 100:
        await pace.acquire(at_once)
        at_once += 1
    assert 15 <= at_once <= 21
    free, at_once = Pace(29, 19, monotonic=lambda: now[0]), 0  # the free pace: one slot made up, as before
    while free.wait(at_once) == 0 and at_once < 100:
        await free.acquire(at_once)
        at_once += 1
    assert at_once <= 2
