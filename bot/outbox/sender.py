"""Drains the outbox into the Bot API under Telegram's limits.

One global pace (about 30 messages a second) and a per-group window (20 a minute). A 429 pauses
everything for its retry_after and the row goes back unsent; a recipient who blocked the bot is
marked and everything queued for them skipped; other failures are retried with back-off until
outbox.max_attempts. Rows for one chat go out in queue order (a digest's chart before its text).

Run one sender per bot token: the pace is per process (several processes would each send 29/s).

Paid broadcasts (outbox.paid_broadcast, off by default; each message over Telegram's free 30 a second
costs the bot 0.1 Star, docs/runbook.md): every send carries allow_paid_broadcast and the pace is
outbox.paid_per_second (at most 1,000); a card's edits and menus cannot carry it and keep the free pace.
The per-group minute and one call at a time per chat hold either way.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot import metrics
from bot.gate.coalesce import Coalescer
from bot.outbox import messages
from bot.outbox.pace import Pace, Ticket
from bot.services.kernel.clock import Clock
from bot.transport import raw_api
from bot.transport.limits import outbox_sends
from storage import outbox
from storage.db import Database
from storage.enums import OutboxKind
from storage.models import OutboxMessage, Person
from storage.rows import key_of

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
DEPTH_EVERY = 15.0  # seconds between outbox-depth gauge updates while idle


def kind_of(row: OutboxMessage) -> str:
    """What a row is, for the metrics: its key's first part (`taken:42:7` → taken). Keys are built
    by the code from constants and ids, so the label's values stay few."""
    return row.key.split(":", 1)[0][:32] or "other"


def retry_seconds(e: RetryAfter) -> float:
    return raw_api.retry_after_seconds(e)  # int or timedelta, without PTB 22's deprecation warning


class OutboxSender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        *,
        per_second: float = 29.0,
        per_group_per_minute: int = 19,
        max_attempts: int = 8,
        poll_seconds: float = 1.0,
        max_in_flight: int = 64,
        paid_broadcast: bool = False,
        paid_per_second: float = 950.0,
    ) -> None:
        self.db, self.bot, self.clock = db, bot, clock
        self.paid = paid_broadcast
        if paid_broadcast:
            self.pace = Pace(paid_per_second, per_group_per_minute, free_per_second=per_second)
        else:
            self.pace = Pace(per_second, per_group_per_minute)
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.batch = max(1, int(paid_per_second if paid_broadcast else per_second))
        self.wakeup = asyncio.Event()
        self.in_flight = asyncio.Semaphore(max_in_flight)
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._by_chat: dict[int, asyncio.Task[None]] = {}
        self._depth_at = 0.0
        # sends finish a few at a time: their "sent" marks share a transaction (bot/gate/coalesce.py)
        self._marks: Coalescer[tuple[int, str | None, int, int | None], None] = Coalescer(
            self._mark_round, "outbox-sent-marks", linger=0.02 if paid_broadcast else 0.0
        )

    def wake(self) -> None:
        self.wakeup.set()

    def start(self) -> None:
        with outbox_sends():  # its calls are paced and retried here, not by the rate limiter (the task keeps this)
            self._task = asyncio.create_task(self.run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._sends:
            await asyncio.gather(*self._sends, return_exceptions=True)

    async def run(self) -> None:
        while True:
            try:
                claimed = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be away for a while; keep trying
                log.exception("outbox drain failed")
                claimed = 0
            if not claimed:
                await self._idle()

    async def _idle(self) -> None:
        if time.monotonic() - self._depth_at > DEPTH_EVERY:
            self._depth_at = time.monotonic()
            async with self.db.session() as s:
                metrics.OUTBOX_DEPTH.set(await outbox.depth(s))
        self.wakeup.clear()
        try:
            await asyncio.wait_for(self.wakeup.wait(), self.poll_seconds)
        except TimeoutError:
            pass

    async def drain_once(self) -> int:
        """Claim one batch and send it at the allowed pace; returns rows claimed."""
        async with self.db.session() as s:
            rows = await outbox.claim_due(s, self.clock.now(), self.batch, LEASE)
        pending = list(rows)
        try:
            while pending:
                row = pending[0]
                wait = self.pace.group_wait(row.chat_id)
                if wait > 0 or self.pace.delay() > LEASE.total_seconds() / 2:
                    # a full group, or a long 429 pause: give the row back rather than hold its lease
                    wait = max(wait, self.pace.delay())
                    async with self.db.session() as s:
                        await outbox.release(s, key_of(row), self.clock.now() + timedelta(seconds=wait))
                    pending.pop(0)
                    continue
                await self._dispatch(row)
                pending.pop(0)
        except asyncio.CancelledError:
            await asyncio.shield(self._give_back([key_of(r) for r in pending]))
            raise
        return len(rows)

    async def _give_back(self, row_ids: list[int]) -> None:
        if row_ids:
            async with self.db.session() as s:
                await outbox.release_many(s, row_ids, self.clock.now())

    async def _dispatch(self, row: OutboxMessage) -> None:
        earlier = self._by_chat.get(row.chat_id)
        if earlier is not None and not earlier.done():  # keep one chat's messages in order
            await asyncio.wait([earlier])
        unpaid = row.kind in (OutboxKind.edit.value, OutboxKind.menu.value)  # no allow_paid_broadcast on these
        await self.in_flight.acquire()
        try:
            await self.pace.acquire(row.chat_id, unpaid)
        except BaseException:
            self.in_flight.release()
            raise
        ticket = Ticket(self.pace, row.chat_id, unpaid, release=self.in_flight.release)
        task = asyncio.create_task(self._send_row(row, ticket))
        self._sends.add(task)
        self._by_chat[row.chat_id] = task
        task.add_done_callback(functools.partial(self._done, row.chat_id))

    def _done(self, chat_id: int, task: asyncio.Task[None]) -> None:
        self._sends.discard(task)
        if self._by_chat.get(chat_id) is task:
            del self._by_chat[chat_id]

    async def _send_row(self, row: OutboxMessage, ticket: Ticket) -> None:
        try:
            await self._deliver(row, ticket)
        except Exception as e:  # a bug or a lost database must not strand the row in "sending"
            log.exception("outbox row %s: unexpected failure", row.id)
            try:
                async with self.db.session() as s:
                    await outbox.mark_retry(
                        s,
                        key_of(row),
                        self.clock.now() + outbox.backoff(row.attempts + 1),
                        f"{type(e).__name__}",
                        max_attempts=self.max_attempts,
                    )
            except Exception:  # the lease brings it back
                log.exception("outbox row %s: could not record the failure", row.id)
        finally:
            ticket.done()

    async def _deliver(self, row: OutboxMessage, ticket: Ticket) -> None:
        now = self.clock.now()
        try:
            payload = json.loads(row.payload)
            if row.kind == OutboxKind.edit.value:
                await self._edit(row, payload, ticket)
                return
            try:
                if row.kind == OutboxKind.menu.value:
                    await messages.set_menus(self.bot, row, payload)
                    message_id: int | None = None
                else:
                    message_id = await messages.send(self.bot, row, payload, paid=self.paid)
            finally:
                ticket.done()
        except RetryAfter as e:
            await self._rate_limited(row, retry_seconds(e))
            return
        except ChatMigrated as e:  # the group became a supergroup: follow it
            async with self.db.session() as s:
                await outbox.move_chat(s, row.chat_id, e.new_chat_id)
                await outbox.release(s, key_of(row), self.clock.now())
            log.info("outbox: chat %s moved to %s", row.chat_id, e.new_chat_id)
            return
        except Forbidden as e:
            metrics.OUTBOX_SENT.labels("skipped", kind_of(row)).inc()
            async with self.db.session() as s:
                await outbox.skip_chat(s, row.chat_id, str(e))
                if row.chat_id > 0:
                    await s.execute(
                        update(Person).where(col(Person.tg_user_id) == row.chat_id).values(blocked_bot=True)
                    )
            log.info("outbox: chat %s is not reachable (%s); skipped", row.chat_id, e.message)
            return
        except BadRequest as e:
            metrics.OUTBOX_SENT.labels("failed", kind_of(row)).inc()
            async with self.db.session() as s:
                await outbox.mark_skipped(s, key_of(row), f"bad request: {e.message}")
            log.warning("outbox row %s refused: %s", row.id, e.message)
            return
        except TelegramError as e:  # timeouts, network trouble, server errors: try again later
            metrics.OUTBOX_RETRIED.labels(kind_of(row)).inc()
            async with self.db.session() as s:
                await outbox.mark_retry(
                    s, key_of(row), now + outbox.backoff(row.attempts + 1), str(e), max_attempts=self.max_attempts
                )
            return
        metrics.OUTBOX_SENT.labels("sent", kind_of(row)).inc()
        await self._marks.submit((key_of(row), row.card_ref, row.chat_id, message_id))

    async def _mark_round(self, sent: list[tuple[int, str | None, int, int | None]]) -> list[None]:
        """Mark a round of delivered rows sent (and remember where cards were posted), together."""
        now = self.clock.now()
        async with self.db.session() as s:
            await outbox.mark_sent(s, [(row_id, message_id) for row_id, _, _, message_id in sent], now)
            for _, card_ref, chat_id, message_id in sent:
                if card_ref and message_id is not None:
                    await outbox.remember_card(s, card_ref, chat_id, message_id)
        return [None] * len(sent)

    async def _rate_limited(self, row: OutboxMessage, seconds: float) -> None:
        metrics.OUTBOX_429.inc()
        metrics.TELEGRAM_429.labels("outbox").inc()
        metrics.OUTBOX_RETRIED.labels(kind_of(row)).inc()
        self.pace.pause(seconds + 0.1)
        async with self.db.session() as s:
            await outbox.release(s, key_of(row), self.clock.now() + timedelta(seconds=seconds + 0.1))
        log.warning("outbox: 429 from Telegram, pausing %.1f s", seconds)

    async def _edit(self, row: OutboxMessage, p: dict[str, Any], ticket: Ticket) -> None:
        """Edit every posted copy of the card; copies in chats we lost are left alone."""
        assert row.card_ref
        async with self.db.session() as s:
            if await outbox.card_pending(s, row.card_ref):  # the card itself is not out yet
                await outbox.release(s, key_of(row), self.clock.now() + timedelta(seconds=1))
                return
            posted = await outbox.cards(s, row.card_ref)
        for n, (card, language) in enumerate(posted):
            if n:  # every copy's edit counts against the global rate (and the free one: edits are never paid)
                await self.in_flight.acquire()
                try:
                    await self.pace.acquire(0, unpaid=True)
                except BaseException:
                    self.in_flight.release()
                    raise
                ticket = Ticket(self.pace, 0, unpaid=True, release=self.in_flight.release)
            try:
                await messages.edit_copy(self.bot, card, messages.in_language(p, language))
            except RetryAfter:
                raise  # the whole edit is retried later ("not modified" copies are harmless)
            except (BadRequest, Forbidden) as e:
                if "not modified" not in e.message:
                    log.warning("editing card %s in %s failed: %s", row.card_ref, card.chat_id, e.message)
            finally:
                ticket.done()
        await self._marks.submit((key_of(row), None, row.chat_id, None))
