"""Drains the outbox into the Bot API under Telegram's limits.

One global pace (about 30 messages a second) and a per-group window (20 a minute).
A 429 pauses everything for retry_after; a blocked recipient is marked and skipped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from base64 import b64decode
from collections import defaultdict, deque
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import metrics
from bot.services.clock import Clock
from storage import outbox
from storage.db import Database
from storage.enums import OutboxKind
from storage.models import OutboxMessage, Person

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)


def keyboard(buttons: list[list[dict[str, Any]]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["label"], callback_data=b.get("data"), url=b.get("url"))
                                  for b in row] for row in buttons])


class Pace:
    """Global spacing between sends plus a sliding 60-second window per group chat."""

    def __init__(self, per_second: float, per_group_per_minute: int) -> None:
        self.interval = 1.0 / per_second
        self.per_group = per_group_per_minute
        self.next_slot = 0.0
        self.paused_until = 0.0
        self.groups: dict[int, deque[float]] = defaultdict(deque)

    def group_wait(self, chat_id: int) -> float:
        """Seconds until this group may get another message (0 if now)."""
        if chat_id >= 0:
            return 0.0
        q, now = self.groups[chat_id], time.monotonic()
        while q and q[0] <= now - 60:
            q.popleft()
        return 0.0 if len(q) < self.per_group else q[0] + 60 - now + 0.05

    async def slot(self, chat_id: int) -> None:
        now = time.monotonic()
        start = max(now, self.next_slot, self.paused_until)
        self.next_slot = start + self.interval
        if chat_id < 0:
            self.groups[chat_id].append(start)
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)


class OutboxSender:
    def __init__(self, db: Database, bot: Bot, clock: Clock, *, per_second: float = 29.0,
                 per_group_per_minute: int = 19, max_attempts: int = 8, poll_seconds: float = 1.0,
                 max_in_flight: int = 64) -> None:
        self.db, self.bot, self.clock = db, bot, clock
        self.pace = Pace(per_second, per_group_per_minute)
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.batch = max(1, int(per_second))
        self.wakeup = asyncio.Event()
        self.in_flight = asyncio.Semaphore(max_in_flight)
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self.wakeup.set()

    def start(self) -> None:
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
                sent = await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be away for a while; keep trying
                log.exception("outbox drain failed")
                sent = 0
            if not sent:
                self.wakeup.clear()
                try:
                    await asyncio.wait_for(self.wakeup.wait(), self.poll_seconds)
                except asyncio.TimeoutError:
                    pass

    async def drain_once(self) -> int:
        """Claim one batch and send it at the allowed pace; returns rows claimed."""
        async with self.db.session() as s:
            rows = await outbox.claim_due(s, self.clock.now(), self.batch, LEASE)
        for row in rows:
            wait = self.pace.group_wait(row.chat_id)
            if wait > 0:
                async with self.db.session() as s:
                    await outbox.release(s, row.id, self.clock.now() + timedelta(seconds=wait))
                continue
            await self.in_flight.acquire()
            await self.pace.slot(row.chat_id)
            task = asyncio.create_task(self._send_row(row))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return len(rows)

    async def _send_row(self, row: OutboxMessage) -> None:
        try:
            await self._deliver(row)
        finally:
            self.in_flight.release()

    async def _deliver(self, row: OutboxMessage) -> None:
        payload = json.loads(row.payload)
        now = self.clock.now()
        try:
            if row.kind == OutboxKind.edit.value:
                await self._edit(row, payload)
                return
            message = await self._send(row, payload)
        except RetryAfter as e:
            seconds = e.retry_after.total_seconds() if isinstance(e.retry_after, timedelta) else float(e.retry_after)
            metrics.OUTBOX_429.inc()
            self.pace.pause(seconds + 0.1)
            async with self.db.session() as s:
                await outbox.release(s, row.id, now + timedelta(seconds=seconds + 0.1))
            return
        except Forbidden as e:
            metrics.OUTBOX_SENT.labels("skipped").inc()
            async with self.db.session() as s:
                await outbox.skip_chat(s, row.chat_id, str(e))
                if row.chat_id > 0:
                    await s.exec(update(Person).where(Person.tg_user_id == row.chat_id)  # type: ignore[call-overload]
                                 .values(blocked_bot=True))
            log.info("outbox: chat %s is not reachable (%s); skipped", row.chat_id, e.message)
            return
        except BadRequest as e:
            metrics.OUTBOX_SENT.labels("failed").inc()
            async with self.db.session() as s:
                await outbox.mark_skipped(s, row.id, f"bad request: {e.message}")
            log.warning("outbox row %s refused: %s", row.id, e.message)
            return
        except (TimedOut, NetworkError) as e:
            async with self.db.session() as s:
                await outbox.mark_retry(s, row.id, now + outbox.backoff(row.attempts + 1), str(e),
                                        max_attempts=self.max_attempts)
            return
        metrics.OUTBOX_SENT.labels("sent").inc()
        async with self.db.session() as s:
            await outbox.mark_sent(s, row.id, self.clock.now(), message.message_id)
            if row.card_ref:
                await outbox.remember_card(s, row.card_ref, row.chat_id, message.message_id)

    async def _send(self, row: OutboxMessage, p: dict[str, Any]):  # type: ignore[no-untyped-def]
        common = dict(chat_id=row.chat_id, reply_markup=keyboard(p.get("buttons") or []),
                      disable_notification=bool(p.get("silent", True)) and not row.urgent,
                      parse_mode=ParseMode.HTML)
        if row.kind == OutboxKind.photo.value:
            return await self.bot.send_photo(photo=b64decode(p["binary_b64"]), caption=p["text"][:1024], **common)
        if row.kind == OutboxKind.document.value:
            return await self.bot.send_document(document=b64decode(p["binary_b64"]), filename=p.get("filename"),
                                                caption=p["text"][:1024], **common)
        return await self.bot.send_message(text=p["text"], **common)

    async def _edit(self, row: OutboxMessage, p: dict[str, Any]) -> None:
        assert row.card_ref
        async with self.db.session() as s:
            if await outbox.card_pending(s, row.card_ref):  # the card itself is not out yet
                await outbox.release(s, row.id, self.clock.now() + timedelta(seconds=1))
                return
            posted = await outbox.cards(s, row.card_ref)
        for card in posted:
            try:
                await self.bot.edit_message_text(chat_id=card.chat_id, message_id=card.message_id, text=p["text"],
                                                 parse_mode=ParseMode.HTML, reply_markup=keyboard(p.get("buttons") or []))
            except BadRequest as e:
                if "not modified" not in e.message:
                    log.warning("editing card %s in %s failed: %s", row.card_ref, card.chat_id, e.message)
        async with self.db.session() as s:
            await outbox.mark_sent(s, row.id, self.clock.now(), None)
