"""The sandbox's in-memory world: people, chats, messages, updates, events."""

from __future__ import annotations

from collections import Counter

from .actions import UserActions
from .chats import Chats
from .errors import ApiError, Json, bad
from .limits import RateLimiter
from .world import Notifier

DEFAULT_ALLOWED = {
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "my_chat_member",
    "inline_query",
    "chosen_inline_result",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "chat_join_request",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "purchased_paid_media",
    "message_reaction",
    "message_reaction_count",
    "chat_member",
    "chat_boost",
    "removed_chat_boost",
} - {"chat_member", "message_reaction", "message_reaction_count"}


class SandboxState(UserActions, Chats):
    def __init__(
        self,
        *,
        bot_username: str = "redvest_sandbox_bot",
        bot_first_name: str = "Redvest",
        limiter: RateLimiter | None = None,
        bot_id: int = 1,
    ) -> None:
        self.bot_username, self.bot_first_name = bot_username, bot_first_name
        self.initial_bot_id = bot_id
        self.limiter = limiter or RateLimiter()
        self.notifier = Notifier()
        self.webhook_task = None
        self.reset()

    # ---------------------------------------------------------------- world
    def reset(self) -> None:
        task = getattr(self, "webhook_task", None)  # None before the first reset
        if task:
            task.cancel()
        self.webhook_task = None
        self.bot_id = self.initial_bot_id
        self.users = {}
        self.started = set()
        self.blocked = set()
        self.groups = {}
        self.private_used = set()
        self.msgs = {}
        self.updates = []
        self.next_update_id = 1
        self.allowed_updates = set(DEFAULT_ALLOWED)
        self.events = []
        self.seq = 0
        self.callbacks = {}
        self.webhook = {
            "url": "",
            "secret_token": None,
            "max_connections": 40,
            "last_error_date": None,
            "last_error_message": None,
        }
        self.commands = {}
        self.profile = {}
        self.menu_buttons = {}
        self.files = {}
        self.file_paths = {}
        self.invite_links = {}
        self.stats = {
            "sent": 0,
            "paid_sent": 0,
            "rate_limited_429": 0,
            "by_method": Counter(),
            "per_chat_sent": Counter(),
        }
        self.limiter.reset()
        self.notifier.notify()

    def set_bot_id(self, bot_id: int) -> None:
        """The bot's id comes from its token; fix up anything queued before it connected."""
        old, self.bot_id = self.bot_id, bot_id

        def fix(o: object) -> None:
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

    def add_user(
        self,
        id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        started: bool = False,
    ) -> Json:
        user = {"id": int(id), "is_bot": False, "first_name": first_name}
        for k, v in (("last_name", last_name), ("username", username), ("language_code", language_code)):
            if v:
                user[k] = v
        self.users[int(id)] = user
        if started:
            self.started.add(int(id))
            self.private_used.add(int(id))
        self.add_event("user_updated", int(id), user=user)
        return user

    def block(self, user_id: int, blocked: bool = True) -> None:
        (self.blocked.add if blocked else self.blocked.discard)(int(user_id))
        self.add_event("user_blocked" if blocked else "user_unblocked", int(user_id))

    def stats_dict(self) -> Json:
        s = self.stats
        return {
            "sent": s["sent"],
            "paid_sent": s["paid_sent"],
            "rate_limited_429": s["rate_limited_429"],
            "by_method": dict(s["by_method"]),
            "per_chat_sent": {str(k): v for k, v in s["per_chat_sent"].items()},
            "limits": self.limiter.to_dict(),
            "pending_updates": len(self.updates),
        }


__all__ = ["ApiError", "SandboxState", "bad"]
