"""Every update, handled exactly once and in order per chat, whether it came by webhook or polling.

`UpdateGate.submit(update)` is the one way in:
1. per chat (and user) one update at a time, in arrival order (ChatOrderedProcessor);
2. take the update id in the database (storage.inbox): a re-delivery of a handled update is a
   `duplicate`, one another process is handling right now is `busy`;
3. load the chat's conversation state and drafts from the database (another process may have moved
   them on; in the same transaction as 2), end the conversations a command leaves or that were idle
   too long (bot/gate/expiry.py), run the handlers;
4. write state and drafts back and mark the update done, in one transaction. If the database was
   unreachable on the way, the update is given back and the outcome is `retry`: the webhook
   answers 503 (Telegram re-sends), polling does not confirm it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from telegram import Update

from bot import logcontext, metrics
from bot.gate.coalesce import Coalescer
from bot.gate.conversations import App, ConversationStates, ConvKey, conversation_handlers, conversation_key
from bot.gate.dbfaults import Attempt, attempt_var, is_db_unavailable
from bot.gate.expiry import Ended, Expiry, command_of, ending
from bot.gate.ordering import ChatOrderedProcessor
from bot.persistence import DbPersistence, Kept
from storage import inbox
from storage.db import Database
from storage.models._base import utcnow

log = logging.getLogger(__name__)
GIVE_UP_AFTER = 5  # failed tries of one update while the database answers pings: a bug, not an outage


class Outcome(StrEnum):
    done = "done"
    duplicate = "duplicate"
    busy = "busy"  # another process holds it: ask for a re-delivery later
    retry = "retry"  # the database was unreachable: nothing was kept, ask for a re-delivery


def update_kind(update: Update) -> str:
    for kind in (
        "message",
        "callback_query",
        "edited_message",
        "my_chat_member",
        "chat_member",
        "inline_query",
        "channel_post",
        "chat_join_request",
    ):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


class Stored(StrEnum):
    done = "done"  # state written and the update marked done
    unmarked = "unmarked"  # the write failed but the update had no state of its own: handled
    retry = "retry"  # the write failed with the update's own state in it: handle it again


@dataclass(frozen=True)
class _Intake:
    uid: int
    reclaim: bool
    keys: dict[str, ConvKey]
    user_id: int | None


@dataclass(frozen=True)
class _Taken:
    claim: inbox.Claim
    states: dict[tuple[str, tuple[Any, ...]], Kept]
    drafts: dict[Any, Any] | None


@dataclass(frozen=True)
class _Finish:
    uid: int
    user_id: int | None
    keys: dict[str, ConvKey]


@dataclass
class UpdateGate:
    app: App
    db: Database
    lease: timedelta = timedelta(seconds=60)
    expiry: Expiry = field(default_factory=Expiry)  # when conversations end by themselves
    _failures: dict[int, int] = field(default_factory=dict)
    _stranded: set[int] = field(default_factory=set)  # taken here, could not be given back

    @property
    def processor(self) -> ChatOrderedProcessor:
        found = self.app.update_processor
        assert isinstance(found, ChatOrderedProcessor), "bot.app builds the application with per-person order"
        return found

    async def submit(self, update: Update, blocked_keys: set[Any] | None = None) -> Outcome:
        """Handle one update (waits for earlier updates of the same chat). `blocked_keys`: chats
        whose earlier update in this batch must be retried, so later ones wait too (order)."""
        box: list[Outcome] = []
        await self.processor.in_turn(update, self._run(update, box, blocked_keys))
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

    def __post_init__(self) -> None:
        # group commit: one transaction takes a round of updates, one stores and confirms a round
        self._intake: Coalescer[_Intake, _Taken] = Coalescer(self._take_round, "redvest-gate-intake")
        self._finisher: Coalescer[_Finish, Stored] = Coalescer(self._store_round, "redvest-gate-store")
        self._states = ConversationStates(self.app)

    @property
    def _persistence(self) -> DbPersistence | None:
        return self.app.persistence if isinstance(self.app.persistence, DbPersistence) else None

    async def _handle(self, update: Update) -> Outcome:
        uid = update.update_id
        logcontext.UPDATE_ID.set(uid)  # every line logged while handling it names it (its own task's context)
        persistence = self._persistence
        keys = self._states.keys(update) if persistence is not None else {}
        user_id = update.effective_user.id if update.effective_user is not None else None
        try:  # with the round: take the update, read the conversation states and the drafts
            taken = await self._intake.submit(_Intake(uid, uid in self._stranded, keys, user_id))
            self._stranded.discard(uid)
        except Exception as e:
            if not is_db_unavailable(e):
                raise
            metrics.DB_UNAVAILABLE.inc()
            return Outcome.retry
        if taken.claim is not inbox.Claim.taken:
            metrics.UPDATES_SKIPPED.labels(taken.claim.value).inc()
            return Outcome.duplicate if taken.claim is inbox.Claim.done else Outcome.busy
        attempt = Attempt()
        token = attempt_var.set(attempt)
        started = time.monotonic()
        finished = False
        try:
            if persistence is None:
                await self.app.process_update(update)
                await self.app.update_persistence()
            else:
                ended = self._end_conversations(persistence, update, keys, taken.states)
                with persistence.prefetched(user_id, taken.drafts), ending(ended):
                    await self.app.process_update(update)
                if not attempt.db_down:  # state and drafts durable in the transaction that confirms
                    stored = await self._finisher.submit(_Finish(uid, user_id, keys))
                    finished = stored is Stored.done
                    attempt.db_down = stored is Stored.retry
        finally:
            attempt_var.reset(token)
        if attempt.db_down and await self._worth_retrying(uid):
            try:
                async with self.db.session() as s:
                    await inbox.give_back(s, uid)
            except Exception:  # still away: we take it again ourselves (or the lease ends)
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
            except Exception as e:  # handled; a re-delivery would wait for the lease
                log.warning("update %s handled but not marked done (%s)", uid, type(e).__name__)
        return Outcome.done

    def _end_conversations(
        self,
        persistence: DbPersistence,
        update: Update,
        keys: dict[str, ConvKey],
        stored: dict[tuple[str, tuple[Any, ...]], Kept],
    ) -> list[Ended]:
        """Put the conversations that go on into PTB (their activity noted); end the others."""
        live, gone, ended = self.expiry.split(stored, command_of(update, self.app.bot.username), persistence.now())
        for name, key in gone:
            persistence.end(name, key)
        for name, key in live:
            persistence.touch(name, key)
        self._states.apply(keys, live)
        return ended

    async def _take_round(self, items: list[_Intake]) -> list[_Taken]:
        """One transaction for the round: take the updates, read their states and drafts."""
        persistence = self._persistence
        async with self.db.session() as s:
            unique = list(dict.fromkeys(i.uid for i in items))
            claims = await inbox.take_many(s, unique, utcnow(), self.lease, reclaim={i.uid for i in items if i.reclaim})
            seen: set[int] = set()
            firsts = []
            for i in items:  # the same update twice in one round (a re-delivery): the second waits
                firsts.append(i.uid not in seen)
                seen.add(i.uid)
            wanted = [
                (i.keys, i.user_id)
                for i, first in zip(items, firsts, strict=True)
                if first and claims[i.uid] is inbox.Claim.taken
            ]
            loaded = iter(
                await persistence.load_many(s, wanted)
                if persistence is not None and wanted
                else [({}, None)] * len(wanted)
            )
        out: list[_Taken] = []
        for i, first in zip(items, firsts, strict=True):
            claim = claims[i.uid] if first else inbox.Claim.busy
            states, drafts = next(loaded) if claim is inbox.Claim.taken else ({}, None)
            out.append(_Taken(claim, states, drafts))
        return out

    async def _store_round(self, items: list[_Finish]) -> list[Stored]:
        """Write what PTB changed (these updates' and any still pending) and mark the updates done,
        in one transaction. Rounds run one at a time: when one returns, every earlier write has
        committed, so no update is confirmed while a write holding its state is still in flight."""
        persistence = self._persistence
        assert persistence is not None
        with persistence.collecting():
            await self.app.update_persistence()
        users, convs = persistence.take_pending()
        touches = persistence.take_touches()  # lost if the write fails: the next update touches again
        try:
            async with self.db.session() as s:
                await persistence.write(s, users, convs, touches)
                await inbox.finish_many(s, [i.uid for i in items], utcnow())
        except Exception as e:
            owners = {i.user_id for i in items}
            own = [{json.dumps(list(k)) for k in i.keys.values()} for i in items]
            everyone = set().union(*own)
            # the round's own states go with their retries; others' stay for the next write
            persistence.put_back(
                {u: b for u, b in users.items() if u not in owners},
                {k: v for k, v in convs.items() if k[1] not in everyone},
            )
            if not is_db_unavailable(e):
                raise
            out = []
            for i, mine in zip(items, own, strict=True):
                changed = i.user_id in users or any(k[1] in mine for k in convs)
                # nothing of its own to keep: handled, only the done mark is missing
                out.append(Stored.retry if changed else Stored.unmarked)
                if changed:
                    log.warning("update %s: storing its state failed (%s); it will be retried", i.uid, type(e).__name__)
                    metrics.DB_UNAVAILABLE.inc()
            return out
        persistence.stored(users)
        return [Stored.done] * len(items)

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


__all__ = [
    "ChatOrderedProcessor",
    "Outcome",
    "Stored",
    "UpdateGate",
    "conversation_handlers",
    "conversation_key",
    "update_kind",
]
