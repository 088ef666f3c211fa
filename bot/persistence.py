"""PTB persistence in our database: conversation states and per-user drafts survive restarts.

Only conversations and user_data are kept (JSON); bot_data and chat_data are not used.
The database is the truth: bot.gate.updates.UpdateGate reloads a chat's conversation states and the
user's drafts before each update and writes them back after it, so several processes (webhook
workers) can take turns on one conversation, and a crash loses at most the update in flight.
Drafts must be JSON values (dict keys become strings).

Round trips: the gate loads states and drafts in the transaction that takes the updates (`load_many`),
and PTB's writes after an update are collected (`collecting()`) and stored by the gate in the
transaction that marks the update done (`take_pending` / `write`). Drafts that did not change are
not written again.

A conversation's `updated_at` is the person's last activity in it (`touch`: every update in a live
conversation, on the core's clock), so an idle one can end (bot/gate/expiry.py). A row whose state
is NULL is a conversation that ended while the person was away: they are told on their next update.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database
from storage.models import ConversationState, UserData, table_of
from storage.models._base import utcnow
from storage.upsert import per_dialect

# PTB's ConversationDict, spelt here: PTB defines it in a private module (telegram.ext._utils.types)
ConversationDict = MutableMapping[tuple[int | str, ...], object]
_collect: ContextVar[bool] = ContextVar("redvest_persistence_collect", default=False)
# (tg user id, drafts) loaded by the gate for the update being handled
_prefetched: ContextVar[tuple[int, dict[Any, Any]] | None] = ContextVar("redvest_prefetched_user_data", default=None)
DROP = None  # pending value: delete the row
_USERS, _CONVS = table_of(UserData), table_of(ConversationState)
# the gate's statements for a whole round of updates, built once (building costs more than running)
_LOAD_STATES = select(_CONVS.c.name, _CONVS.c.key, _CONVS.c.state, _CONVS.c.updated_at).where(
    _CONVS.c.name.in_(bindparam("names", expanding=True)), _CONVS.c.key.in_(bindparam("keys", expanding=True))
)
_LOAD_DRAFTS = select(_USERS.c.tg_user_id, _USERS.c.data).where(
    _USERS.c.tg_user_id.in_(bindparam("ids", expanding=True))
)
_DROP_USER = delete(_USERS).where(_USERS.c.tg_user_id == bindparam("uid"))
_DROP_CONV = delete(_CONVS).where(_CONVS.c.name == bindparam("cname"), _CONVS.c.key == bindparam("ckey"))
_TOUCH_CONV = (
    update(_CONVS)
    .where(_CONVS.c.name == bindparam("cname"), _CONVS.c.key == bindparam("ckey"))
    .values(updated_at=bindparam("at"))
)


class Kept(NamedTuple):
    """A stored conversation state (None: it ended while the person was away) and its last activity."""

    state: object | None
    at: datetime


def _upserts(insert: Any) -> tuple[Any, Any]:
    users = insert(_USERS)
    users = users.on_conflict_do_update(
        index_elements=["tg_user_id"], set_=dict(data=users.excluded.data, updated_at=users.excluded.updated_at)
    )
    convs = insert(_CONVS)
    convs = convs.on_conflict_do_update(
        index_elements=["name", "key"], set_=dict(state=convs.excluded.state, updated_at=convs.excluded.updated_at)
    )
    return users, convs


_UPSERTS = per_dialect(_upserts)


class DbPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database, update_interval: float = 1.0, now: Callable[[], datetime] = utcnow) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.db = db
        self.now = now  # the core's clock: a conversation's last activity is read against it
        self._stored: dict[int, int] = {}  # hash of each user's drafts as last read or written
        self.pending_users: dict[int, str | None] = {}
        self.pending_convs: dict[tuple[str, str], str | None] = {}
        self.pending_touches: set[tuple[str, str]] = set()

    # ---------------------------------------------------------------- the gate's round trips
    async def load_many(
        self, s: AsyncSession, wanted: list[tuple[dict[str, tuple[int | str, ...]], int | None]]
    ) -> list[tuple[dict[tuple[str, tuple[Any, ...]], Kept], dict[Any, Any] | None]]:
        """In the gate's transaction, for a round of updates (each of a different person): the
        stored conversation states of each update's (name, key) pairs and its user's drafts (for
        PTB's refresh_user_data; see `prefetched`). Two statements for the whole round."""
        conn = await s.connection()
        names = {n for keys, _ in wanted for n in keys}
        # every conversation of an update mostly has the same key (chat, user): encode each once
        jkeys = [json.dumps(list(k)) for k in {k for keys, _ in wanted for k in keys.values()}]
        found: dict[tuple[str, tuple[Any, ...]], Kept] = {}
        if names:
            rows = await conn.execute(_LOAD_STATES, {"names": list(names), "keys": jkeys})
            found = {(n, tuple(json.loads(k))): Kept(None if v is None else json.loads(v), at) for n, k, v, at in rows}
        ids = [u for _, u in wanted if u is not None]
        bodies: dict[int, str] = {}
        if ids:
            bodies = {u: d for u, d in await conn.execute(_LOAD_DRAFTS, {"ids": ids})}
        out = []
        for keys, user_id in wanted:
            states = {(n, k): found[(n, k)] for n, k in keys.items() if (n, k) in found}
            drafts = None
            if user_id is not None:
                body = bodies.get(user_id)
                self._stored[user_id] = hash(body if body is not None else "{}")
                drafts = json.loads(body) if body is not None else {}
            out.append((states, drafts))
        return out

    @contextmanager
    def prefetched(self, user_id: int | None, drafts: dict[Any, Any] | None) -> Iterator[None]:
        """While handling the update: PTB's refresh of the user's drafts uses what `load_many` read."""
        token = _prefetched.set((user_id, drafts) if user_id is not None and drafts is not None else None)
        try:
            yield
        finally:
            _prefetched.reset(token)

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """PTB's writes inside this block are kept in `pending_*` for the gate to store."""
        token = _collect.set(True)
        try:
            yield
        finally:
            _collect.reset(token)

    def take_pending(self) -> tuple[dict[int, str | None], dict[tuple[str, str], str | None]]:
        users, convs = self.pending_users, self.pending_convs
        self.pending_users, self.pending_convs = {}, {}
        return users, convs

    def touch(self, name: str, key: tuple[Any, ...]) -> None:
        """The person was active in this conversation (written with the next round)."""
        self.pending_touches.add((name, json.dumps(list(key))))

    def end(self, name: str, key: tuple[Any, ...]) -> None:
        """The gate ended this conversation before PTB saw the update: delete its row."""
        self.pending_convs[(name, json.dumps(list(key)))] = DROP

    def take_touches(self) -> set[tuple[str, str]]:
        touches, self.pending_touches = self.pending_touches, set()
        return touches

    def put_back(self, users: dict[int, str | None], convs: dict[tuple[str, str], str | None]) -> None:
        """A write failed: keep what was not superseded meanwhile for the next one."""
        self.pending_users = {**users, **self.pending_users}
        self.pending_convs = {**convs, **self.pending_convs}

    async def write(
        self,
        s: AsyncSession,
        users: dict[int, str | None],
        convs: dict[tuple[str, str], str | None],
        touches: set[tuple[str, str]] | None = None,
    ) -> None:
        """Everything pending, at most five statements (upserts, deletes, touches, many rows each)."""
        conn = await s.connection()
        up_users, up_convs = _UPSERTS[conn.dialect.name]
        now = self.now()
        if rows := [dict(cname=n, ckey=k, at=now) for n, k in touches or () if (n, k) not in convs]:
            await conn.execute(_TOUCH_CONV, rows)
        if rows := [dict(tg_user_id=u, data=b, updated_at=now) for u, b in users.items() if b is not None]:
            await conn.execute(up_users, rows)
        if rows := [{"uid": u} for u, b in users.items() if b is None]:
            await conn.execute(_DROP_USER, rows)
        if rows := [dict(name=n, key=k, state=v, updated_at=now) for (n, k), v in convs.items() if v is not None]:
            await conn.execute(up_convs, rows)
        if rows := [{"cname": n, "ckey": k} for (n, k), v in convs.items() if v is None]:
            await conn.execute(_DROP_CONV, rows)

    def stored(self, users: dict[int, str | None]) -> None:
        """The transaction with these drafts committed."""
        for user_id, body in users.items():
            if body is None:
                self._stored.pop(user_id, None)
            else:
                self._stored[user_id] = hash(body)

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self.db.session() as s:
            rows = (await s.execute(select(UserData))).scalars().all()
        self._stored.update({r.tg_user_id: hash(r.data) for r in rows})
        return {r.tg_user_id: json.loads(r.data) for r in rows}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False, default=str)
        if _collect.get():
            if self._stored.get(user_id) != hash(body) or user_id in self.pending_users:
                self.pending_users[user_id] = body
            return
        if self._stored.get(user_id) == hash(body):
            return  # unchanged since we read or wrote it
        async with self.db.session() as s:
            await self.write(s, {user_id: body}, {})
        self._stored[user_id] = hash(body)

    async def drop_user_data(self, user_id: int) -> None:
        if _collect.get():
            self.pending_users[user_id] = DROP
            return
        async with self.db.session() as s:
            await self.write(s, {user_id: DROP}, {})
        self._stored.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Called by PTB before handlers run: the drafts as another process may have left them."""
        pre = _prefetched.get()
        if pre is not None and pre[0] == user_id:
            fresh = pre[1]
        else:
            async with self.db.session() as s:
                row = await s.get(UserData, user_id)
            fresh = json.loads(row.data) if row is not None else {}
            self._stored[user_id] = hash(row.data if row is not None else "{}")
        user_data.clear()
        user_data.update(fresh)

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.db.session() as s:
            rows = (
                (await s.execute(select(ConversationState).where(col(ConversationState.name) == name))).scalars().all()
            )
        return {tuple(json.loads(r.key)): json.loads(r.state) for r in rows if r.state is not None}

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        k = json.dumps(list(key))
        state = None if new_state is None else json.dumps(new_state)
        if _collect.get():
            self.pending_convs[(name, k)] = state
            return
        async with self.db.session() as s:
            await self.write(s, {}, {(name, k): state})

    # unused stores
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    async def flush(self) -> None:
        pass
