"""PTB persistence in our database: conversation states and per-user drafts survive restarts.

Only conversations and user_data are kept (JSON); bot_data and chat_data are not used.
The database is the truth: bot.updates.UpdateGate reloads a chat's conversation states and the
user's drafts before each update and writes them back after it, so several processes (webhook
workers) can take turns on one conversation, and a crash loses at most the update in flight.
Drafts must be JSON values (dict keys become strings).
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict

from storage.db import Database
from storage.models import ConversationState, UserData
from storage.models._base import utcnow
from storage.upsert import insert_ignore


class DbPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database, update_interval: float = 1.0) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False), update_interval=update_interval)
        self.db = db
        self._stored: dict[int, str] = {}  # user -> drafts as last read or written (skip unchanged writes)

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        async with self.db.session() as s:
            rows = (await s.exec(select(UserData))).scalars().all()  # type: ignore[call-overload]
        self._stored.update({r.tg_user_id: r.data for r in rows})
        return {r.tg_user_id: json.loads(r.data) for r in rows}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False, default=str)
        if self._stored.get(user_id, "{}") == body:
            return  # the update did not touch the drafts (most updates): no write
        async with self.db.session() as s:
            row = await s.get(UserData, user_id)
            if row is None:
                await insert_ignore(s, UserData, dict(tg_user_id=user_id, data=body, updated_at=utcnow()), ["tg_user_id"])
            else:
                row.data, row.updated_at = body, utcnow()
                s.add(row)
        self._stored[user_id] = body

    async def drop_user_data(self, user_id: int) -> None:
        async with self.db.session() as s:
            await s.exec(delete(UserData).where(UserData.tg_user_id == user_id))  # type: ignore[call-overload]
        self._stored.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Called by PTB before handlers run: the drafts as another process may have left them."""
        async with self.db.session() as s:
            row = await s.get(UserData, user_id)
        body = row.data if row is not None else "{}"
        self._stored[user_id] = body
        user_data.clear()
        user_data.update(json.loads(body))

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.db.session() as s:
            rows = (await s.exec(select(ConversationState).where(ConversationState.name == name))).scalars().all()  # type: ignore[call-overload]
        return {tuple(json.loads(r.key)): json.loads(r.state) for r in rows if r.state is not None}

    async def conversation_states(self, keys: set[tuple[int | str, ...]]) -> dict[tuple[str, tuple[Any, ...]], object]:
        """Stored states of these conversation keys, by (conversation name, key)."""
        wanted = [json.dumps(list(k)) for k in keys]
        async with self.db.session() as s:
            rows = (await s.exec(select(ConversationState).where(  # type: ignore[call-overload]
                ConversationState.key.in_(wanted)))).scalars().all()  # type: ignore[attr-defined]
        return {(r.name, tuple(json.loads(r.key))): json.loads(r.state) for r in rows if r.state is not None}

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        k = json.dumps(list(key))
        async with self.db.session() as s:
            if new_state is None:
                await s.exec(delete(ConversationState).where(  # type: ignore[call-overload]
                    ConversationState.name == name, ConversationState.key == k))
                return
            row = (await s.exec(select(ConversationState).where(  # type: ignore[call-overload]
                ConversationState.name == name, ConversationState.key == k))).scalars().first()
            if row is None:
                row = ConversationState(name=name, key=k)
            row.state, row.updated_at = json.dumps(new_state), utcnow()
            s.add(row)

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
