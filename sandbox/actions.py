"""What people do in the sandbox: write, share a contact, press buttons (mixin of SandboxState)."""

from __future__ import annotations

import hashlib
import secrets
import time

from .errors import Json, bad
from .htmlparse import command_entities
from .media import media_fields, store_file
from .timeline import Timeline


def buttons_data(markup: Json | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard") or []
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


class UserActions(Timeline):
    """Part of SandboxState: what people do (its world: sandbox.world)."""

    def _sender_chat(self, user_id: int, chat_id: int | None) -> tuple[Json, int]:
        user = self.users.get(int(user_id))
        if user is None:
            raise bad("user not found")
        chat_id = int(user_id if chat_id is None else chat_id)
        if chat_id > 0:
            if chat_id != user["id"]:
                raise bad("a user can only write in their own private chat with the bot")
            self.started.add(chat_id)
            self.private_used.add(chat_id)
            if chat_id in self.blocked:  # Telegram makes you unblock before writing
                self.block(chat_id, False)
        else:
            g = self.group(chat_id)
            if user["id"] not in g["members"]:
                raise bad("user is not a member of the chat")
        return user, chat_id

    def _deliver_user_message(self, chat_id: int, rec: Json) -> Json:
        g = self.groups.get(chat_id)
        if g is not None and not g["bot_member"]:
            return rec
        if g is not None and not g["bot_admin"] and not self._group_visible(rec["message"]):
            return rec  # privacy mode: the bot only sees commands, replies to it, mentions
        self.add_update("message", rec["message"])
        return rec

    def _group_visible(self, msg: Json) -> bool:
        text = msg.get("text", "")
        if any(e["type"] == "bot_command" for e in msg.get("entities", [])):
            return True
        if f"@{self.bot_username}" in text:
            return True
        rt = msg.get("reply_to_message")
        return bool(rt and rt.get("from", {}).get("is_bot"))

    def user_send(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to_message_id: int | None = None
    ) -> Json:
        """A person writes ``text``; queues a ``message`` update. Returns the message view."""
        if not text:
            raise bad("message text is empty")
        user, chat_id = self._sender_chat(user_id, chat_id)
        fields: Json = {"text": text}
        ents = command_entities(text)
        if ents:
            fields["entities"] = ents
        if reply_to_message_id:
            target = self.get_message(chat_id, int(reply_to_message_id))
            if target is None:
                raise bad("message to be replied not found")
            fields["reply_to_message"] = dict(target["message"])
        rec = self.new_message(chat_id, user, fields, event="user_message", from_bot=False)
        return self.view(self._deliver_user_message(chat_id, rec))

    def user_photo(
        self, user_id: int, data: bytes, chat_id: int | None = None, caption: str | None = None, name: str | None = None
    ) -> Json:
        """A person sends a photo (the bytes of a PNG, JPEG or GIF); queues a ``message`` update with its
        sizes, as Telegram does. Returns the message view."""
        if not data:
            raise bad("photo is empty")
        user, chat_id = self._sender_chat(user_id, chat_id)
        fid = store_file(self, data, name or "photo.jpg", None, "photo")
        fields: Json = media_fields(self, "photo", fid, None)
        if caption:
            fields["caption"] = caption
        rec = self.new_message(chat_id, user, fields, event="user_photo", from_bot=False, file_id=fid)
        return self.view(self._deliver_user_message(chat_id, rec))

    def user_contact(
        self,
        user_id: int,
        phone_number: str,
        chat_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> Json:
        user, chat_id = self._sender_chat(user_id, chat_id)
        contact = {
            "phone_number": str(phone_number),
            "first_name": first_name or user["first_name"],
            "user_id": user["id"],
        }
        if last_name or user.get("last_name"):
            contact["last_name"] = last_name or user["last_name"]
        rec = self.new_message(chat_id, user, {"contact": contact}, event="user_contact", from_bot=False)
        if self.groups.get(chat_id) is None or self.groups[chat_id]["bot_admin"]:
            self._deliver_user_message(chat_id, rec)
        return self.view(rec)

    def press(self, user_id: int, chat_id: int, message_id: int, data: str, force: bool = False) -> str:
        """A person presses an inline button; queues a ``callback_query``. Returns its id."""
        user, chat_id = self._sender_chat(user_id, chat_id)
        rec = self.get_message(chat_id, int(message_id))
        if rec is None or not rec["from_bot"]:
            raise bad("message not found")
        if not force and data not in buttons_data(rec["message"].get("reply_markup")):
            raise bad("the message has no button with this callback_data (use force)")
        qid = str(secrets.randbits(62))
        inst = hashlib.sha1(f"{self.bot_id}:{chat_id}".encode()).hexdigest()[:16]
        query = {
            "id": qid,
            "from": user,
            "message": dict(rec["message"]),
            "chat_instance": str(int(inst, 16)),
            "data": data,
        }
        self.callbacks[qid] = {"query": query, "answer": None, "chat_id": chat_id, "time": time.time()}
        self.add_event(
            "callback_pressed",
            chat_id,
            callback_query_id=qid,
            data=data,
            user_id=user["id"],
            message_id=int(message_id),
        )
        if not (chat_id > 0 and chat_id in self.blocked):
            self.add_update("callback_query", query)
        return qid

    def answer_callback(
        self, qid: str, text: str | None = None, show_alert: bool = False, url: str | None = None
    ) -> Json:
        cb = self.callbacks.get(str(qid))
        if cb is None or cb["answer"] is not None:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        answer: Json = {"text": text, "show_alert": bool(show_alert), "url": url, "time": time.time()}
        cb["answer"] = answer
        self.add_event("callback_answered", cb["chat_id"], callback_query_id=str(qid), answer=answer)
        return answer

    def callback_answer(self, qid: str) -> Json | None:
        cb = self.callbacks.get(str(qid))
        return None if cb is None else cb["answer"]
