"""Every update, handled exactly once and in order per chat, whether it came by webhook or polling.

`UpdateGate.submit(update)` is the one way in:
1. per chat (and user) one update at a time, in arrival order (ChatOrderedProcessor);
2. take the update id in the database (storage.inbox): a re-delivery of a handled update is a
   `duplicate`, one another process is handling right now is `busy`;
3. load the chat's conversation state and drafts from the database (another process may have moved
   them on; in the same transaction as 2), run the handlers;
4. write state and drafts back and mark the update done, in one transaction. If the database was
   unreachable on the way, the update is given back and the outcome is `retry`: the webhook
   answers 503 (Telegram re-sends), polling does not confirm it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor, ConversationHandler

from bot import metrics
from bot.dbfaults import Attempt, attempt_var, is_db_unavailable
from bot.persistence import DbPersistence
from storage import inbox
from storage.db import Database
from storage.models._base import utcnow

log = logging.getLogger(__name__)
GIVE_UP_AFTER = 5  # failed tries of one update while the database answers pings: a bug, not an outage


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different people run in parallel; the updates of one person run one at a time, in order,
    whichever chat they come from (their drafts are per person: a group update of theirs must not
    interleave with their private conversation). Updates without a person are ordered per chat."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[Any, asyncio.Lock] = {}
        self._waiting: dict[Any, int] = {}

    @staticmethod
    def _key(update: object) -> Any:
        if isinstance(update, Update):
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
            if update.effective_chat is not None:
                return ("chat", update.effective_chat.id)
        return None

    @property
    def in_flight(self) -> int:
        return sum(self._waiting.values())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


class Outcome(StrEnum):
    done = "done"
    duplicate = "duplicate"
    busy = "busy"     # another process holds it: ask for a re-delivery later
    retry = "retry"   # the database was unreachable: nothing was kept, ask for a re-delivery


def update_kind(update: Update) -> str:
    for kind in ("message", "callback_query", "edited_message", "my_chat_member", "chat_member",
                 "inline_query", "channel_post", "chat_join_request"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def conversation_key(handler: ConversationHandler, update: Update) -> tuple[int | str, ...] | None:
    """The key PTB's ConversationHandler uses for this update (None if it has none)."""
    chat, user, key = update.effective_chat, update.effective_user, []
    if handler.per_chat:
        if chat is None:
            return None
        key.append(chat.id)
    if handler.per_user:
        if user is None:
            return None
        key.append(user.id)
    if handler.per_message:
        q = update.callback_query
        if q is None or (q.inline_message_id is None and q.message is None):
            return None
        key.append(q.inline_message_id or q.message.message_id)  # type: ignore[union-attr]
    return tuple(key)


@dataclass
class UpdateGate:
    app: Application
    db: Database
    lease: timedelta = timedelta(seconds=60)
    _failures: dict[int, int] = field(default_factory=dict)
    _stranded: set[int] = field(default_factory=set)  # taken here, could not be given back
    _store_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _handlers: list[ConversationHandler] | None = None

    @property
    def processor(self) -> ChatOrderedProcessor:
        return self.app.update_processor  # type: ignore[return-value]

    async def submit(self, update: Update, blocked_keys: set[Any] | None = None) -> Outcome:
        """Handle one update (waits for earlier updates of the same chat). `blocked_keys`: chats
        whose earlier update in this batch must be retried, so later ones wait too (order)."""
        box: list[Outcome] = []
        await self.processor.process_update(update, self._run(update, box, blocked_keys))
        return box[0] if box else Outcome.retry

    async def _run(self, update: Update, box: list[Outcome], blocked_keys: set[Any] | None) -> None:
        key = ChatOrderedProcessor._key(update)
        if blocked_keys is not None and key in blocked_keys:
            box.append(Outcome.retry)
            return
        outcome = await self._handle(update)
        if outcome is Outcome.retry and blocked_keys is not None and key is not None:
            blocked_keys.add(key)
        box.append(outcome)

    async def _handle(self, update: Update) -> Outcome:
        uid = update.update_id
        persistence = self.app.persistence if isinstance(self.app.persistence, DbPersistence) else None
        keys = self._conversation_keys(update) if persistence is not None else {}
        user_id = update.effective_user.id if update.effective_user is not None else None
        states: dict[tuple[str, tuple[Any, ...]], object] = {}
        drafts: dict[Any, Any] | None = None
        try:  # one transaction: take the update, read the conversation states and the drafts
            async with self.db.session() as s:
                claim = await inbox.take(s, uid, utcnow(), self.lease, reclaim=uid in self._stranded)
                if claim is inbox.Claim.taken and persistence is not None:
                    states, drafts = await persistence.load(s, keys.items(), user_id)
            self._stranded.discard(uid)
        except Exception as e:  # noqa: BLE001
            if not is_db_unavailable(e):
                raise
            metrics.DB_UNAVAILABLE.inc()
            return Outcome.retry
        if claim is not inbox.Claim.taken:
            metrics.UPDATES_SKIPPED.labels(claim.value).inc()
            return Outcome.duplicate if claim is inbox.Claim.done else Outcome.busy
        attempt = Attempt()
        token = attempt_var.set(attempt)
        started = time.monotonic()
        finished = False
        try:
            if persistence is None:
                await self.app.process_update(update)
                await self.app.update_persistence()
            else:
                self._apply_states(keys, states)
                with persistence.prefetched(user_id, drafts):
                    await self.app.process_update(update)
                if not attempt.db_down:  # state and drafts durable in the transaction that confirms
                    finished = await self._store_and_finish(persistence, uid, user_id, keys, attempt)
        finally:
            attempt_var.reset(token)
        if attempt.db_down and await self._worth_retrying(uid):
            try:
                async with self.db.session() as s:
                    await inbox.give_back(s, uid)
            except Exception:  # noqa: BLE001 - still away: we take it again ourselves (or the lease ends)
                self._stranded.add(uid)
            metrics.UPDATES_RETRIED.inc()
            return Outcome.retry
        self._failures.pop(uid, None)
        metrics.HANDLER_SECONDS.observe(time.monotonic() - started)
        metrics.UPDATES.labels(update_kind(update)).inc()
        if not finished:
            try:
                async with self.db.session() as s:
                    await inbox.finish(s, uid, utcnow())
            except Exception as e:  # noqa: BLE001 - handled; a re-delivery would wait for the lease
                log.warning("update %s handled but not marked done (%s)", uid, type(e).__name__)
        return Outcome.done

    async def _store_and_finish(self, persistence: DbPersistence, uid: int, user_id: int | None,
                                keys: dict[str, tuple[int | str, ...]], attempt: Attempt) -> bool:
        """Write what PTB changed (this update's and any still pending) and mark the update done,
        in one transaction. One at a time: when it returns, every earlier write has committed, so
        no update is confirmed while a write holding its state is still in flight."""
        async with self._store_lock:
            with persistence.collecting():
                await self.app.update_persistence()
            users, convs = persistence.take_pending()
            try:
                async with self.db.session() as s:
                    await persistence.write(s, users, convs)
                    await inbox.finish(s, uid, utcnow())
            except Exception as e:  # noqa: BLE001
                own = {json.dumps(list(k)) for k in keys.values()}
                changed = user_id in users or any(k[1] in own for k in convs)
                # this update's own state goes with its retry; others' stays for the next write
                persistence.put_back({u: b for u, b in users.items() if u != user_id},
                                     {k: v for k, v in convs.items() if k[1] not in own})
                if not is_db_unavailable(e):
                    raise
                if not changed:  # nothing of its own to keep: handled, only the done mark is missing
                    return False
                log.warning("update %s: storing its state failed (%s); it will be retried",
                            uid, type(e).__name__)
                metrics.DB_UNAVAILABLE.inc()
                attempt.db_down = True
                return False
            persistence.stored(users)
            return True

    async def _worth_retrying(self, uid: int) -> bool:
        """Retry while the database is away; an update that keeps failing with the database
        reachable is given up after a few tries, so it cannot block the chat for ever."""
        if not await self.db.ping():
            return True
        self._failures[uid] = self._failures.get(uid, 0) + 1
        if self._failures[uid] < GIVE_UP_AFTER:
            return True
        self._failures.pop(uid, None)
        log.error("update %s failed %s times with the database reachable; given up", uid, GIVE_UP_AFTER)
        metrics.ERRORS.inc()
        return False

    def _conversation_keys(self, update: Update) -> dict[str, tuple[int | str, ...]]:
        convs = getattr(self.app, "_conversation_handler_conversations", {})
        if not convs:
            return {}
        keys: dict[str, tuple[int | str, ...]] = {}
        for handler in self._conversations():
            key = conversation_key(handler, update)
            if key is not None and handler.name in convs:
                keys[handler.name] = key  # type: ignore[index]
        return keys

    def _conversations(self) -> list[ConversationHandler]:
        if self._handlers is None:
            self._handlers = conversation_handlers(self.app)
        return self._handlers

    def _apply_states(self, keys: dict[str, tuple[int | str, ...]],
                      stored: dict[tuple[str, tuple[Any, ...]], object]) -> None:
        """Put this update's stored conversation states into PTB's in-memory dicts."""
        convs = getattr(self.app, "_conversation_handler_conversations", {})
        for name, key in keys.items():
            states = convs[name]
            state = stored.get((name, key))
            current = states.get(key)
            if current is not None and not isinstance(current, (int, str)):
                continue  # a non-blocking step still running here: leave it
            if state is None:
                states.data.pop(key, None)
            else:
                states.update_no_track({key: state})


def conversation_handlers(app: Application) -> list[ConversationHandler]:
    """Every persistent ConversationHandler of the app, nested ones included."""
    out: list[ConversationHandler] = []

    def walk(handlers: Any) -> None:
        for h in handlers:
            if isinstance(h, ConversationHandler):
                if h.persistent and h.name:
                    out.append(h)
                for state_handlers in h.states.values():
                    walk(state_handlers)
    for group in app.handlers.values():
        walk(group)
    return out
