"""Conversations end: a command typed inside one leaves it, and one left idle too long ends.

The gate decides before PTB sees the update (`Expiry.split`): the conversations it ends are not put
into PTB's states (so the update is handled as if there were none: the command runs, the message
is taken as any other) and their rows are deleted with the update's writes. What it ended is told
to the handlers through `ended_now()` (handlers/leaving.py drops their drafts and says so, in the
reader's language). A person who never comes back: `sweep` ends their idle conversations and
deletes the drafts (address, phone...) from the database, leaving a row with no state so that they
are still told on their next update; those rows go after `TOLD_FOR`.

Drafts are per person, conversations per (chat, person): every conversation is keyed
[chat id, user id] (tests/test_conversation_leaving.py checks it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from telegram import MessageEntity, Update

from bot.persistence import Kept
from bot.services.kernel.periods import aware
from storage.db import Database
from storage.models import ConversationState, UserData, table_of

TOLD_FOR = timedelta(days=7)  # how long after it ended unseen a conversation is still told about
LEAVES_NOTHING = frozenset({"cancel"})  # /cancel is the conversation's own way out: it handles it
_USERS, _CONVS = table_of(UserData), table_of(ConversationState)


class Why(StrEnum):
    command = "command"  # the person typed a command inside it
    idle = "idle"  # no answer for the configured time


@dataclass(frozen=True)
class Ended:
    name: str  # the ConversationHandler's name
    why: Why


_ended: ContextVar[tuple[Ended, ...]] = ContextVar("redvest_ended_conversations", default=())


def ended_now() -> tuple[Ended, ...]:
    """The conversations the gate ended for the update being handled (none: empty)."""
    return _ended.get()


@contextmanager
def ending(ended: Sequence[Ended]) -> Iterator[None]:
    token = _ended.set(tuple(ended))
    try:
        yield
    finally:
        _ended.reset(token)


def command_of(update: Update, bot_username: str | None) -> str | None:
    """The command a message starts with ("start" for "/start req"), if it is addressed to us."""
    msg = update.message
    if msg is None or not msg.text or not msg.entities:
        return None
    first = msg.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    command, _, to = msg.text[1 : first.length].partition("@")
    if to and bot_username and to.lower() != bot_username.lower():
        return None  # another bot's command in a group
    return command.lower()


@dataclass(frozen=True)
class Expiry:
    idle: timedelta | None = None  # None: a conversation never ends for being idle

    def split(
        self, stored: Mapping[tuple[str, tuple[Any, ...]], Kept], command: str | None, now: datetime
    ) -> tuple[dict[tuple[str, tuple[Any, ...]], object], list[tuple[str, tuple[Any, ...]]], list[Ended]]:
        """(the states that go on, the rows to delete, what ended and why) for one update."""
        live: dict[tuple[str, tuple[Any, ...]], object] = {}
        gone: list[tuple[str, tuple[Any, ...]]] = []
        ended: list[Ended] = []
        for (name, key), kept in stored.items():
            if kept.state is None or (self.idle is not None and aware(kept.at) < now - self.idle):
                why: Why | None = Why.idle
            elif command is not None and command not in LEAVES_NOTHING:
                why = Why.command
            else:
                why = None
            if why is None:
                live[(name, key)] = kept.state
                continue
            gone.append((name, key))
            if name not in {e.name for e in ended}:
                ended.append(Ended(name, why))
        return live, gone, ended


async def sweep(db: Database, now: datetime, idle: timedelta, drafts: Mapping[str, Sequence[str]]) -> int:
    """End every conversation idle past `idle` and delete the drafts of conversations no longer
    going on (person by person); forget ended rows older than TOLD_FOR. Returns how many ended."""
    cutoff = now - idle
    async with db.session() as s:
        conn = await s.connection()
        stale = _CONVS.c.state.is_not(None) & (_CONVS.c.updated_at < cutoff)
        rows = (await conn.execute(select(_CONVS.c.key).where(stale))).all()
        await conn.execute(update(_CONVS).where(stale).values(state=None))
        await conn.execute(delete(_CONVS).where(_CONVS.c.state.is_(None), _CONVS.c.updated_at < cutoff - TOLD_FOR))
        people = {json.loads(k)[-1] for (k,) in rows}
        # drafts left behind by conversations that ended otherwise (JSON as bot/persistence writes it)
        holds_a_draft = or_(
            *(_USERS.c.data.contains(f'"{k}":', autoescape=True) for keys in drafts.values() for k in keys)
        )
        idle_drafts = await conn.execute(select(_USERS.c.tg_user_id).where(_USERS.c.updated_at < cutoff, holds_a_draft))
        people |= {u for (u,) in idle_drafts}
        if people:
            await _drop_drafts(conn, people, drafts)
    return len(rows)


async def _drop_drafts(conn: Any, people: set[int], drafts: Mapping[str, Sequence[str]]) -> None:
    """Each person's drafts of the conversations they are no longer in (any chat)."""
    going_on: dict[int, set[str]] = {}
    for name, key in await conn.execute(select(_CONVS.c.name, _CONVS.c.key).where(_CONVS.c.state.is_not(None))):
        user = json.loads(key)[-1]
        if user in people:
            going_on.setdefault(user, set()).add(name)
    bodies = await conn.execute(
        select(_USERS.c.tg_user_id, _USERS.c.data).where(_USERS.c.tg_user_id.in_(bindparam("ids", expanding=True))),
        {"ids": list(people)},
    )
    for user, body in bodies.all():
        data = json.loads(body)
        keep = going_on.get(user, set())
        gone = [k for name, keys in drafts.items() if name not in keep for k in keys if k in data]
        if not gone:
            continue
        for k in gone:
            data.pop(k)
        where = _USERS.c.tg_user_id == user
        if data:
            await conn.execute(update(_USERS).where(where).values(data=json.dumps(data, ensure_ascii=False)))
        else:
            await conn.execute(delete(_USERS).where(where))
