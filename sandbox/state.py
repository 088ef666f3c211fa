"""The sandbox's in-memory world: people, chats, messages, updates, events."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from .actions import UserActions
from .errors import ApiError, bad
from .htmlparse import entities_to_html
from .limits import RateLimiter

DEFAULT_ALLOWED = {"message", "edited_message", "channel_post", "edited_channel_post",
                   "callback_query", "my_chat_member", "inline_query", "chosen_inline_result",
                   "shipping_query", "pre_checkout_query", "poll", "poll_answer",
                   "chat_join_request", "business_connection", "business_message",
                   "edited_business_message", "deleted_business_messages", "purchased_paid_media",
                   "message_reaction", "message_reaction_count", "chat_member", "chat_boost",
                   "removed_chat_boost"} - {"chat_member", "message_reaction",
                                            "message_reaction_count"}


class _Notifier:
    def __init__(self) -> None:
        self._ev = asyncio.Event()

    def notify(self) -> None:
        self._ev.set()
        self._ev = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        ev = self._ev
        try:
            await asyncio.wait_for(ev.wait(), max(0.0, timeout))
        except asyncio.TimeoutError:
            pass


class SandboxState(UserActions):
    def __init__(self, *, bot_username: str = "redvest_sandbox_bot",
                 bot_first_name: str = "Redvest", limiter: RateLimiter | None = None,
                 bot_id: int = 1) -> None:
        self.bot_username, self.bot_first_name = bot_username, bot_first_name
        self.initial_bot_id = bot_id
        self.limiter = limiter or RateLimiter()
        self.notifier = _Notifier()
        self.webhook_task: asyncio.Task | None = None
        self.reset()

    # ---------------------------------------------------------------- world
    def reset(self) -> None:
        if getattr(self, "webhook_task", None):
            self.webhook_task.cancel()
        self.webhook_task = None
        self.bot_id = self.initial_bot_id
        self.users: dict[int, dict] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.groups: dict[int, dict] = {}
        self.private_used: set[int] = set()
        self.msgs: dict[int, dict[int, dict]] = {}
        self.updates: list[dict] = []
        self.next_update_id = 1
        self.allowed_updates: set[str] = set(DEFAULT_ALLOWED)
        self.events: list[dict] = []
        self.seq = 0
        self.callbacks: dict[str, dict] = {}
        self.webhook: dict = {"url": "", "secret_token": None, "max_connections": 40,
                              "last_error_date": None, "last_error_message": None}
        self.commands: dict[str, list] = {}
        self.menu_buttons: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.file_paths: dict[str, str] = {}
        self.invite_links: dict[int, str] = {}
        self.stats: dict = {"sent": 0, "rate_limited_429": 0, "by_method": Counter(),
                            "per_chat_sent": Counter()}
        self.limiter.reset()
        self.notifier.notify()

    def set_bot_id(self, bot_id: int) -> None:
        """The bot's id comes from its token; fix up anything queued before it connected."""
        old, self.bot_id = self.bot_id, bot_id

        def fix(o):
            if isinstance(o, dict):
                if o.get("is_bot") and o.get("id") == old and "first_name" in o:
                    o["id"] = bot_id
                for v in o.values():
                    fix(v)
            elif isinstance(o, list):
                for v in o:
                    fix(v)
        fix(self.updates)
        fix(self.msgs)

    @property
    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    def add_user(self, id: int, first_name: str, last_name: str | None = None,
                 username: str | None = None, language_code: str | None = None, *,
                 started: bool = False) -> dict:
        user = {"id": int(id), "is_bot": False, "first_name": first_name}
        for k, v in (("last_name", last_name), ("username", username),
                     ("language_code", language_code)):
            if v:
                user[k] = v
        self.users[int(id)] = user
        if started:
            self.started.add(int(id))
            self.private_used.add(int(id))
        self.add_event("user_updated", int(id), user=user)
        return user

    def _member_status(self, g: dict) -> dict:
        if g["bot_member"]:
            if g["bot_admin"]:
                return admin_member(self.bot_user)
            return {"status": "member", "user": self.bot_user}
        return {"status": "kicked" if g["bot_kicked"] else "left", "user": self.bot_user,
                **({"until_date": 0} if g["bot_kicked"] else {})}

    def add_group(self, id: int, title: str, members=(), *, type: str = "group",
                  bot_member: bool = True, bot_admin: bool = False, admins=(),
                  actor: int | None = None) -> dict:
        id = int(id)
        if id >= 0:
            raise bad("group chat ids must be negative")
        if type not in ("group", "supergroup"):
            raise bad("type must be group or supergroup")
        g = self.groups.get(id)
        old = self._member_status(g) if g else None
        if g is None:
            g = self.groups[id] = {"chat": {}, "members": set(), "admins": set(),
                                   "bot_member": False, "bot_admin": False, "bot_kicked": False}
        g["chat"] = {"id": id, "type": type, "title": title}
        g["members"] |= {int(m) for m in members}
        g["admins"] |= {int(a) for a in admins}
        g["members"] |= g["admins"]
        was_member = g["bot_member"]
        g["bot_member"], g["bot_admin"] = bool(bot_member), bool(bot_member and bot_admin)
        if was_member and not bot_member:
            g["bot_kicked"] = True
        elif bot_member:
            g["bot_kicked"] = False
        new = self._member_status(g)
        if old != new and (old is not None or bot_member):
            self.bot_membership_changed(id, old, new, actor)
        self.add_event("chat_updated", id, chat=self.chat_view(id))
        return g["chat"]

    def bot_membership_changed(self, chat_id: int, old: dict | None, new: dict,
                               actor: int | None = None) -> None:
        g = self.groups[chat_id]
        if actor is None:
            actor = min(g["admins"] or g["members"] or {0}) or None
        frm = self.users.get(actor) if actor else None
        frm = frm or {"id": 777000, "is_bot": False, "first_name": "Telegram"}
        self.add_update("my_chat_member", {
            "chat": g["chat"], "from": frm, "date": int(time.time()),
            "old_chat_member": old or {"status": "left", "user": self.bot_user},
            "new_chat_member": new})

    def add_member(self, chat_id: int, user_id: int) -> None:
        self.group(chat_id)["members"].add(int(user_id))
        self.add_event("chat_updated", chat_id, chat=self.chat_view(chat_id))

    def remove_member(self, chat_id: int, user_id: int) -> None:
        g = self.group(chat_id)
        g["members"].discard(int(user_id))
        g["admins"].discard(int(user_id))
        self.add_event("chat_updated", chat_id, chat=self.chat_view(chat_id))

    def group(self, chat_id: int) -> dict:
        g = self.groups.get(int(chat_id))
        if g is None:
            raise bad("chat not found")
        return g

    def block(self, user_id: int, blocked: bool = True) -> None:
        (self.blocked.add if blocked else self.blocked.discard)(int(user_id))
        self.add_event("user_blocked" if blocked else "user_unblocked", int(user_id))

    # ---------------------------------------------------------------- chats
    def chat_obj(self, chat_id: int) -> dict:
        if chat_id > 0:
            u = self.users.get(chat_id)
            if u is None:
                raise bad("chat not found")
            return {"id": chat_id, "type": "private",
                    **{k: u[k] for k in ("first_name", "last_name", "username") if k in u}}
        return dict(self.group(chat_id)["chat"])

    def chat_view(self, chat_id: int) -> dict:
        c = self.chat_obj(chat_id)
        if chat_id < 0:
            g = self.groups[chat_id]
            c.update(members=sorted(g["members"]), admins=sorted(g["admins"]),
                     bot_member=g["bot_member"], bot_admin=g["bot_admin"])
        else:
            c.update(started=chat_id in self.started, blocked=chat_id in self.blocked)
        return c

    def list_chats(self) -> list[dict]:
        return [self.chat_view(c) for c in sorted(self.private_used) if c in self.users] + \
            [self.chat_view(c) for c in sorted(self.groups)]

    def check_bot_can_send(self, chat_id: int) -> None:
        if chat_id > 0:
            self.chat_obj(chat_id)
            if chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            return
        g = self.group(chat_id)
        if not g["bot_member"]:
            kind = "supergroup" if g["chat"]["type"] == "supergroup" else "group"
            verb = "was kicked from" if g["bot_kicked"] else "is not a member of"
            raise ApiError(403, f"Forbidden: bot {verb} the {kind} chat")

    # ---------------------------------------------------------------- messages
    def new_message(self, chat_id: int, sender: dict, fields: dict, *,
                    source_html: str | None = None, event: str = "message_sent",
                    from_bot: bool = True, **extra) -> dict:
        chat = self.msgs.setdefault(chat_id, {})
        mid = max(chat, default=0) + 1
        msg = {"message_id": mid, "from": sender, "chat": self.chat_obj(chat_id),
               "date": int(time.time()), **fields}
        if chat_id > 0:
            self.private_used.add(chat_id)
        rec = {"message": msg, "html": "", "deleted": False, "from_bot": from_bot, "seq": 0,
               "source_html": source_html, **extra}
        chat[mid] = rec
        self.touch(rec, event)
        return rec

    def get_message(self, chat_id: int, message_id: int) -> dict | None:
        rec = self.msgs.get(chat_id, {}).get(int(message_id))
        return None if rec is None or rec["deleted"] else rec

    def touch(self, rec: dict, event: str, **extra) -> dict:
        m = rec["message"]
        text = m.get("text", m.get("caption", ""))
        rec["html"] = entities_to_html(text, m.get("entities", m.get("caption_entities")))
        ev = self.add_event(event, m["chat"]["id"], message=None, **extra)
        rec["seq"] = ev["seq"]
        ev["message"] = self.view(rec)
        return ev

    def view(self, rec: dict) -> dict:
        v = dict(rec["message"])
        v.update(html=rec["html"], deleted=rec["deleted"], from_bot=rec["from_bot"],
                 seq=rec["seq"])
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

    def messages(self, chat_id: int, since_seq: int = 0) -> list[dict]:
        recs = self.msgs.get(int(chat_id), {}).values()
        return [self.view(r) for r in sorted(recs, key=lambda r: r["message"]["message_id"])
                if r["seq"] > since_seq]

    # ---------------------------------------------------------------- updates & events
    def add_update(self, kind: str, payload: dict) -> dict:
        upd = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(upd)
        self.notifier.notify()
        return upd

    def add_event(self, type: str, chat_id: int | None, **data) -> dict:
        self.seq += 1
        ev = {"seq": self.seq, "type": type, "chat_id": chat_id, "ts": time.time(), **data}
        self.events.append(ev)
        if len(self.events) > 50000:
            del self.events[:10000]
        self.notifier.notify()
        return ev

    def events_since(self, since: int, chat_id: int | None = None) -> list[dict]:
        lo = 0
        if self.events and self.events[0]["seq"] <= since:
            lo = min(len(self.events), since - self.events[0]["seq"] + 1)
        return [e for e in self.events[lo:] if chat_id is None or e["chat_id"] == chat_id]

    async def wait_events(self, since: int, timeout: float = 0.0,
                          chat_id: int | None = None) -> list[dict]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            evs = self.events_since(since, chat_id)
            left = deadline - asyncio.get_running_loop().time()
            if evs or left <= 0:
                return evs
            await self.notifier.wait(left)

    def stats_dict(self) -> dict:
        s = self.stats
        return {"sent": s["sent"], "rate_limited_429": s["rate_limited_429"],
                "by_method": dict(s["by_method"]),
                "per_chat_sent": {str(k): v for k, v in s["per_chat_sent"].items()},
                "limits": self.limiter.to_dict(), "pending_updates": len(self.updates)}


def admin_member(user: dict, owner: bool = False) -> dict:
    if owner:
        return {"status": "creator", "user": user, "is_anonymous": False}
    perms = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
             "can_manage_video_chats", "can_restrict_members", "can_promote_members",
             "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
             "can_delete_stories", "can_pin_messages")
    d = {p: p not in ("can_be_edited", "is_anonymous", "can_promote_members") for p in perms}
    return {"status": "administrator", "user": user, **d}


__all__ = ["ApiError", "SandboxState", "admin_member", "bad"]
