"""Async client for the sandbox's user API, used by tests and scripts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp

from .errors import Json


class SandboxError(Exception):
    def __init__(self, status: int, data: Any) -> None:
        super().__init__(f"{status}: {data}")
        self.status, self.data = status, data


class SandboxClient:
    """``async with SandboxClient("http://127.0.0.1:PORT") as sb: ...``"""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/") + "/sandbox/api"
        self._session: aiohttp.ClientSession | None = None
        self.mark: int | None = None  # seq just before this client's last send/contact/press

    async def __aenter__(self) -> SandboxClient:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _req(
        self, verb: str, path: str, json: Json | None = None, params: Json | None = None, timeout: float = 30
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        params = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self._session.request(
            verb, f"{self.base}/{path}", json=json, params=params, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as r:
            data = await r.json()
            if r.status >= 400:
                raise SandboxError(r.status, data)
            return data

    async def _obj(
        self, verb: str, path: str, json: Json | None = None, params: Json | None = None, timeout: float = 30
    ) -> Json:
        """A call whose answer is one JSON object."""
        data = await self._req(verb, path, json, params, timeout)
        if not isinstance(data, dict):
            raise SandboxError(200, data)
        return data

    async def _list(
        self, verb: str, path: str, json: Json | None = None, params: Json | None = None, timeout: float = 30
    ) -> list[Json]:
        """A call whose answer is a JSON array of objects."""
        data = await self._req(verb, path, json, params, timeout)
        if not isinstance(data, list):
            raise SandboxError(200, data)
        return data

    # ---------------------------------------------------------------- world
    async def add_user(
        self,
        id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
    ) -> Json:
        return await self._obj(
            "POST",
            "users",
            {
                "id": id,
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
                "started": started,
            },
        )

    async def users(self) -> list[Json]:
        return await self._list("GET", "users")

    async def add_group(
        self,
        id: int,
        title: str,
        members: Iterable[int] = (),
        *,
        type: str = "group",
        bot_member: bool = True,
        bot_admin: bool = False,
        admins: Iterable[int] = (),
    ) -> Json:
        return await self._obj(
            "POST",
            "chats",
            {
                "id": id,
                "title": title,
                "members": list(members),
                "type": type,
                "bot_member": bot_member,
                "bot_admin": bot_admin,
                "admins": list(admins),
            },
        )

    async def member(self, chat_id: int, user_id: int, action: str = "add") -> Json:
        return await self._obj("POST", f"chats/{chat_id}/members", {"user_id": user_id, "action": action})

    async def chats(self, user_id: int | None = None) -> list[Json]:
        return await self._list("GET", "chats", params={"user_id": user_id})

    async def block(self, user_id: int, blocked: bool = True) -> None:
        await self._req("POST", "block", {"user_id": user_id, "blocked": blocked})

    async def reset(self) -> None:
        await self._req("POST", "reset")

    async def stats(self) -> Json:
        return await self._obj("GET", "stats")

    async def set_limits(
        self,
        per_second: int | None = None,
        per_group_per_minute: int | None = None,
        enabled: bool | None = None,
        count_edits: bool | None = None,
        paid_per_second: int | None = None,
    ) -> Json:
        return await self._obj(
            "POST",
            "limits",
            {
                "per_second": per_second,
                "per_group_per_minute": per_group_per_minute,
                "enabled": enabled,
                "count_edits": count_edits,
                "paid_per_second": paid_per_second,
            },
        )

    async def webhook(self) -> Json:
        return await self._obj("GET", "webhook")

    async def bot(self) -> Json:
        return await self._obj("GET", "bot")

    async def menu(self, user_id: int, chat_id: int | None = None) -> Json:
        """What this person's client shows in the chat (their private one by default): commands, descriptions."""
        return await self._obj("GET", "menu", params={"user_id": user_id, "chat_id": chat_id or user_id})

    # ---------------------------------------------------------------- acting
    async def send(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to_message_id: int | None = None
    ) -> Json:
        return self._marked(
            await self._obj(
                "POST",
                "send",
                {"user_id": user_id, "chat_id": chat_id, "text": text, "reply_to_message_id": reply_to_message_id},
            )
        )

    def _marked(self, msg: Json) -> Json:
        self.mark = msg["seq"] - 1
        return msg

    async def contact(
        self, user_id: int, phone_number: str, chat_id: int | None = None, first_name: str | None = None
    ) -> Json:
        return self._marked(
            await self._obj(
                "POST",
                "contact",
                {"user_id": user_id, "chat_id": chat_id, "phone_number": phone_number, "first_name": first_name},
            )
        )

    async def press(self, user_id: int, chat_id: int, message_id: int, data: str, force: bool = False) -> str:
        r = await self._obj(
            "POST",
            "press",
            {"user_id": user_id, "chat_id": chat_id, "message_id": message_id, "callback_data": data, "force": force},
        )
        self.mark = r["seq"] - 1
        return str(r["callback_query_id"])

    async def callback_answer(self, id: str, timeout: float = 5) -> Json:
        """Wait until the bot answers the callback query; returns {text, show_alert, url}."""
        deadline = time.monotonic() + timeout
        while True:
            since = await self.last_seq()
            ans = await self._req("GET", f"callback_answers/{id}")
            if isinstance(ans, dict):
                return ans
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"callback query {id} not answered within {timeout}s")
            await self.events(since, timeout=min(left, 5))

    # ---------------------------------------------------------------- reading
    async def messages(self, chat_id: int, since_seq: int = 0) -> list[Json]:
        return await self._list("GET", "messages", params={"chat_id": chat_id, "since_seq": since_seq})

    async def bot_messages(self, chat_id: int) -> list[Json]:
        return [m for m in await self.messages(chat_id) if m["from_bot"] and not m["deleted"]]

    async def events(self, since: int = 0, timeout: float = 0, chat_id: int | None = None) -> list[Json]:
        return await self._list(
            "GET", "events", params={"since": since, "timeout": timeout, "chat_id": chat_id}, timeout=timeout + 30
        )

    async def last_seq(self) -> int:
        return int((await self._obj("GET", "last_seq"))["seq"])

    async def wait_for(
        self,
        predicate: Callable[[Json], bool],
        timeout: float = 5.0,
        since: int | None = None,
        chat_id: int | None = None,
    ) -> Json:
        """First event after ``since`` matching predicate, else AssertionError with the recent
        events. Default ``since``: just before this client's last send/contact/press (so a
        reply that came before you started waiting is still found), else now."""
        if since is None:
            since = self.mark if self.mark is not None else await self.last_seq()
        start = since
        deadline = time.monotonic() + timeout
        seen: list[Json] = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            evs = await self.events(since, timeout=min(left, 10), chat_id=chat_id)
            for ev in evs:
                seen.append(ev)
                since = max(since, ev["seq"])
                if predicate(ev):
                    return ev
        chats = {e.get("chat_id") for e in seen} if chat_id is None else {chat_id}
        recent = [e for e in await self.events(max(0, start - 20)) if e.get("chat_id") in chats]
        lines = "\n".join(_describe(e) for e in recent[-30:]) or "(no events)"
        raise AssertionError(f"no matching event within {timeout}s; recent events:\n{lines}")

    async def wait_bot_message(
        self,
        chat_id: int,
        contains: str | None = None,
        timeout: float = 5,
        since: int | None = None,
        edited: bool = False,
    ) -> Json:
        """Wait for the bot to send (or, with edited=True, also edit) a message in chat_id
        whose text/caption contains ``contains``; returns the message dict."""
        types = {"message_sent", "photo_sent", "document_sent"} | ({"message_edited"} if edited else set())

        def pred(ev: Json) -> bool:
            m = ev.get("message") or {}
            if ev["type"] not in types or ev["chat_id"] != chat_id:
                return False
            return contains is None or contains in (m.get("text") or m.get("caption") or "")

        message: Json = (await self.wait_for(pred, timeout, since, chat_id=chat_id))["message"]
        return message


def _describe(e: Json) -> str:
    m = e.get("message") or {}
    who = "bot" if m.get("from_bot") else (m.get("from") or {}).get("first_name", "")
    body = m.get("text") or m.get("caption") or e.get("answer") or e.get("data") or ""
    return f"#{e['seq']} {e['type']} chat={e.get('chat_id')} {who}: {str(body)[:120]!r}"


async def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
