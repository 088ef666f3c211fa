"""The sandbox's messages, updates and events, in time order (mixin of SandboxState)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .errors import Json
from .htmlparse import entities_to_html
from .world import World


class Timeline(World):
    """Mixed into SandboxState: its messages per chat, the bot's update queue, the browser's events."""

    # ---------------------------------------------------------------- messages
    def new_message(
        self,
        chat_id: int,
        sender: Json,
        fields: Json,
        *,
        source_html: str | None = None,
        event: str = "message_sent",
        from_bot: bool = True,
        **extra: Any,
    ) -> Json:
        chat = self.msgs.setdefault(chat_id, {})
        mid = max(chat, default=0) + 1
        msg = {"message_id": mid, "from": sender, "chat": self.chat_obj(chat_id), "date": int(time.time()), **fields}
        if chat_id > 0:
            self.private_used.add(chat_id)
        rec = {
            "message": msg,
            "html": "",
            "deleted": False,
            "from_bot": from_bot,
            "seq": 0,
            "source_html": source_html,
            **extra,
        }
        chat[mid] = rec
        self.touch(rec, event)
        return rec

    def get_message(self, chat_id: int, message_id: int) -> Json | None:
        rec = self.msgs.get(chat_id, {}).get(int(message_id))
        return None if rec is None or rec["deleted"] else rec

    def touch(self, rec: Json, event: str, **extra: Any) -> Json:
        m = rec["message"]
        text = m.get("text", m.get("caption", ""))
        rec["html"] = entities_to_html(text, m.get("entities", m.get("caption_entities")))
        ev = self.add_event(event, m["chat"]["id"], message=None, **extra)
        rec["seq"] = ev["seq"]
        ev["message"] = self.view(rec)
        return ev

    def view(self, rec: Json) -> Json:
        v = dict(rec["message"])
        v.update(html=rec["html"], deleted=rec["deleted"], from_bot=rec["from_bot"], seq=rec["seq"])
        if rec.get("source_html") is not None:
            v["source_html"] = rec["source_html"]
        if rec.get("keyboard_markup"):
            v["keyboard_markup"] = rec["keyboard_markup"]
        fid = rec.get("file_id")
        if fid:
            v["file_url"] = f"/sandbox/api/files/{fid}"
            v["file_name"] = self.files.get(fid, {}).get("name")
        if rec.get("external_url"):
            v["file_url"] = rec["external_url"]
        return v

    def messages(self, chat_id: int, since_seq: int = 0) -> list[Json]:
        recs = self.msgs.get(int(chat_id), {}).values()
        return [self.view(r) for r in sorted(recs, key=lambda r: r["message"]["message_id"]) if r["seq"] > since_seq]

    # ---------------------------------------------------------------- updates & events
    def add_update(self, kind: str, payload: Json) -> Json:
        upd = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(upd)
        self.notifier.notify()
        return upd

    def add_event(self, type: str, chat_id: int | None, **data: Any) -> Json:
        self.seq += 1
        ev = {"seq": self.seq, "type": type, "chat_id": chat_id, "ts": time.time(), **data}
        self.events.append(ev)
        if len(self.events) > 50000:
            del self.events[:10000]
        self.notifier.notify()
        return ev

    def events_since(self, since: int, chat_id: int | None = None) -> list[Json]:
        lo = 0
        if self.events and self.events[0]["seq"] <= since:
            lo = min(len(self.events), since - self.events[0]["seq"] + 1)
        return [e for e in self.events[lo:] if chat_id is None or e["chat_id"] == chat_id]

    async def wait_events(self, since: int, timeout: float = 0.0, chat_id: int | None = None) -> list[Json]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            evs = self.events_since(since, chat_id)
            left = deadline - asyncio.get_running_loop().time()
            if evs or left <= 0:
                return evs
            await self.notifier.wait(left)
