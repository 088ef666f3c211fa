"""The sandbox's chats: private ones and groups, the bot's membership in them, where it may write (mixin of SandboxState)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .errors import ApiError, Json, bad
from .timeline import Timeline


class Chats(Timeline):
    """Part of SandboxState: its groups and private chats, as the bot and the browser see them."""

    @property
    def bot_user(self) -> Json:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name, "username": self.bot_username}

    def _member_status(self, g: Json) -> Json:
        if g["bot_member"]:
            if g["bot_admin"]:
                return admin_member(self.bot_user)
            return {"status": "member", "user": self.bot_user}
        return {
            "status": "kicked" if g["bot_kicked"] else "left",
            "user": self.bot_user,
            **({"until_date": 0} if g["bot_kicked"] else {}),
        }

    def add_group(
        self,
        id: int,
        title: str,
        members: Iterable[int] = (),
        *,
        type: str = "group",
        bot_member: bool = True,
        bot_admin: bool = False,
        admins: Iterable[int] = (),
        actor: int | None = None,
    ) -> Json:
        id = int(id)
        if id >= 0:
            raise bad("group chat ids must be negative")
        if type not in ("group", "supergroup"):
            raise bad("type must be group or supergroup")
        g = self.groups.get(id)
        old = self._member_status(g) if g else None
        if g is None:
            g = self.groups[id] = {
                "chat": {},
                "members": set(),
                "admins": set(),
                "bot_member": False,
                "bot_admin": False,
                "bot_kicked": False,
            }
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
        chat: Json = g["chat"]
        return chat

    def bot_membership_changed(self, chat_id: int, old: Json | None, new: Json, actor: int | None = None) -> None:
        g = self.groups[chat_id]
        if actor is None:
            actor = min(g["admins"] or g["members"] or {0}) or None
        frm = self.users.get(actor) if actor else None
        frm = frm or {"id": 777000, "is_bot": False, "first_name": "Telegram"}
        self.add_update(
            "my_chat_member",
            {
                "chat": g["chat"],
                "from": frm,
                "date": int(time.time()),
                "old_chat_member": old or {"status": "left", "user": self.bot_user},
                "new_chat_member": new,
            },
        )

    def add_member(self, chat_id: int, user_id: int) -> None:
        self.group(chat_id)["members"].add(int(user_id))
        self.add_event("chat_updated", chat_id, chat=self.chat_view(chat_id))

    def remove_member(self, chat_id: int, user_id: int) -> None:
        g = self.group(chat_id)
        g["members"].discard(int(user_id))
        g["admins"].discard(int(user_id))
        self.add_event("chat_updated", chat_id, chat=self.chat_view(chat_id))

    def group(self, chat_id: int) -> Json:
        g = self.groups.get(int(chat_id))
        if g is None:
            raise bad("chat not found")
        return g

    # ---------------------------------------------------------------- chats
    def chat_obj(self, chat_id: int) -> Json:
        if chat_id > 0:
            u = self.users.get(chat_id)
            if u is None:
                raise bad("chat not found")
            return {
                "id": chat_id,
                "type": "private",
                **{k: u[k] for k in ("first_name", "last_name", "username") if k in u},
            }
        return dict(self.group(chat_id)["chat"])

    def chat_view(self, chat_id: int) -> Json:
        c = self.chat_obj(chat_id)
        if chat_id < 0:
            g = self.groups[chat_id]
            c.update(
                members=sorted(g["members"]),
                admins=sorted(g["admins"]),
                bot_member=g["bot_member"],
                bot_admin=g["bot_admin"],
            )
        else:
            c.update(started=chat_id in self.started, blocked=chat_id in self.blocked)
        return c

    def list_chats(self) -> list[Json]:
        return [self.chat_view(c) for c in sorted(self.private_used) if c in self.users] + [
            self.chat_view(c) for c in sorted(self.groups)
        ]

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


def admin_member(user: Json, owner: bool = False) -> Json:
    if owner:
        return {"status": "creator", "user": user, "is_anonymous": False}
    perms = (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
    )
    d = {p: p not in ("can_be_edited", "is_anonymous", "can_promote_members") for p in perms}
    return {"status": "administrator", "user": user, **d}
