"""End-to-end helpers: act as Telegram users through the sandbox, read what the bot answered."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import aiohttp

from sandbox.client import SandboxClient


def buttons_of(message: dict) -> list[dict]:
    """Flat list of the inline buttons on a bot message: {text, callback_data?, url?}."""
    kb = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b for row in kb for b in row]


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


@dataclass
class TgUser:
    """One person in the sandbox. Private chat id == user id."""

    sb: SandboxClient
    id: int
    name: str
    lang: str = "zh-CN"
    since: int = 0
    _seen: set[tuple[int, int, int]] = field(default_factory=set)

    @property
    def private(self) -> int:
        return self.id

    async def _mark(self) -> None:
        self.since = await self.sb.last_seq()

    async def send(self, text: str, chat: int | None = None) -> dict:
        await self._mark()
        return await self.sb.send(self.id, text, chat_id=chat)

    async def send_photo(self, data: bytes, chat: int | None = None) -> dict:
        """Send a photo (the bytes of a PNG or JPEG) to the bot, as a phone does."""
        await self._mark()
        body = {"user_id": self.id, "chat_id": chat, "data": base64.b64encode(data).decode()}
        async with aiohttp.ClientSession() as http, http.post(f"{self.sb.base}/photo", json=body) as r:
            assert r.status == 200, await r.text()
            return await r.json()

    async def share_contact(self, phone: str, chat: int | None = None) -> dict:
        await self._mark()
        return await self.sb.contact(self.id, phone, chat_id=chat, first_name=self.name)

    async def reply(
        self, contains: str | None = None, chat: int | None = None, timeout: float = 5, edited: bool = False
    ) -> dict:
        """The next bot message in `chat` (default: private) since this user's last action."""
        chat = self.private if chat is None else chat
        types = {"message_sent", "photo_sent", "document_sent"} | ({"message_edited"} if edited else set())

        def pred(ev: dict) -> bool:
            m = ev.get("message") or {}
            if ev["type"] not in types or ev.get("chat_id") != chat:
                return False
            return contains is None or contains in text_of(m)

        ev = await self.sb.wait_for(pred, timeout=timeout, since=self.since, chat_id=chat)
        self.since = ev["seq"]
        return ev["message"]

    async def last(self, chat: int | None = None, with_button: str | None = None) -> dict:
        """The newest bot message in the chat (optionally: that has a button containing the label)."""
        chat = self.private if chat is None else chat
        for m in reversed(await self.sb.bot_messages(chat)):
            if with_button is None or any(
                with_button in b.get("text", "") or with_button == b.get("callback_data") for b in buttons_of(m)
            ):
                return m
        raise AssertionError(
            f"no bot message in chat {chat}" + (f" with button {with_button!r}" if with_button else "")
        )

    async def press(
        self,
        label: str,
        chat: int | None = None,
        message: dict | None = None,
        data: str | None = None,
        force: bool = False,
    ) -> dict:
        """Press the button whose text contains `label` (or whose data is `label`) on the newest
        bot message that has it; returns the callback answer {text, show_alert}."""
        chat = self.private if chat is None else chat
        message = message or await self.last(chat, with_button=None if data else label)
        if data is None:
            matches = [b for b in buttons_of(message) if label in b.get("text", "") or label == b.get("callback_data")]
            assert matches, f"no button {label!r} on message {text_of(message)[:80]!r}: {buttons_of(message)}"
            data = matches[0]["callback_data"]
        await self._mark()
        qid = await self.sb.press(self.id, chat, message["message_id"], data, force=force)
        return await self.sb.callback_answer(qid)

    async def texts(self, chat: int | None = None) -> list[str]:
        return [text_of(m) for m in await self.sb.bot_messages(self.private if chat is None else chat)]


async def make_user(sb: SandboxClient, id: int, name: str, lang: str = "zh-CN") -> TgUser:
    code = "zh-hans" if lang == "zh-CN" else lang
    await sb.add_user(id, name, language_code=code)
    return TgUser(sb, id, name, lang)


async def start_emergency(
    admin: TgUser, scope: str = "网格：第一网格", reason: str = "台风“海葵”登陆", target: str = "2"
) -> dict:
    """A community admin (in Chinese) starts an emergency call-up through /emergency; its status card."""
    await admin.send("/emergency")
    menu = await admin.reply(contains="应急状态")
    while not any(scope in b["text"] for b in buttons_of(menu)):
        menu = await admin.reply(contains="应急状态")  # a card of an earlier emergency came first
    await admin.press(scope, message=menu)
    await admin.reply(edited=True, contains="原因是什么")
    await admin.send(reason)
    await admin.reply(contains="需要多少人到岗")
    await admin.send(target)
    await admin.reply(contains="请确认")
    await admin.press("启动并集结突击队")
    return await admin.reply(edited=True, contains="应急状态")
