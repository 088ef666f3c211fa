"""Bot API methods about updates, webhooks, chats, members, commands."""

from __future__ import annotations

import asyncio
import re
import secrets
from typing import Any

from aiohttp import web

from .chats import admin_member
from .errors import ApiError, Json, bad
from .media import get_file
from .registry import chat_id_of, method
from .state import DEFAULT_ALLOWED, SandboxState
from .webhook import allowed, start_delivery, stop_delivery

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_POLL = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


def _set_allowed(state: SandboxState, params: Json) -> None:
    au = params.get("allowed_updates")
    if isinstance(au, list):
        state.allowed_updates = set(au) if au else set(DEFAULT_ALLOWED)


@method()
async def getUpdates(state: SandboxState, params: Json, request: web.Request) -> Any:
    if state.webhook["url"]:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = params.get("offset") or 0
    if offset > 0:
        state.updates = [u for u in state.updates if u["update_id"] >= offset]
    elif offset < 0:
        state.updates = state.updates[offset:]
    _set_allowed(state, params)
    limit = min(100, max(1, params.get("limit") or 100))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(0, min(50, params.get("timeout") or 0))
    state.poll_gen = gen = getattr(state, "poll_gen", 0) + 1
    state.notifier.notify()
    while True:
        state.updates = [u for u in state.updates if allowed(state, u)]
        if state.updates or loop.time() >= deadline:
            return state.updates[:limit]
        await state.notifier.wait(deadline - loop.time())
        if state.poll_gen != gen:
            raise ApiError(409, CONFLICT_POLL)
        if state.webhook["url"]:
            return []


@method()
async def setWebhook(state: SandboxState, params: Json, request: web.Request) -> Any:
    url = params.get("url") or ""
    secret = params.get("secret_token")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad("secret token contains unallowed characters")
    if url and not re.match(r"^https?://", url):
        raise bad("bad webhook: HTTPS url must be provided for webhook")
    if params.get("drop_pending_updates"):
        state.updates.clear()
    _set_allowed(state, params)
    state.webhook.update(url=url, secret_token=secret or None, max_connections=params.get("max_connections") or 40)
    if url:
        start_delivery(state)
        state.notifier.notify()
    else:
        stop_delivery(state)
    return True


@method()
async def deleteWebhook(state: SandboxState, params: Json, request: web.Request) -> Any:
    if params.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook.update(url="", secret_token=None)
    stop_delivery(state)
    return True


def webhook_info(state: SandboxState) -> Json:
    w = state.webhook
    info = {
        "url": w["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
        "max_connections": w["max_connections"],
    }
    if w["url"]:
        info["allowed_updates"] = sorted(state.allowed_updates)
    if w.get("last_error_date"):
        info["last_error_date"] = w["last_error_date"]
        info["last_error_message"] = w["last_error_message"]
    return info


@method()
async def getWebhookInfo(state: SandboxState, params: Json, request: web.Request) -> Any:
    return webhook_info(state)


@method()
async def getFile(state: SandboxState, params: Json, request: web.Request) -> Any:
    return get_file(state, str(params.get("file_id", "")))


# ------------------------------------------------------------------ chats
def _visible_chat(state: SandboxState, params: Json) -> int:
    chat_id = chat_id_of(params)
    if chat_id > 0:
        if chat_id not in state.users or chat_id not in state.private_used:
            raise bad("chat not found")
    elif not state.group(chat_id)["bot_member"]:
        raise bad("chat not found")
    return chat_id


@method()
async def getChat(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat = state.chat_obj(_visible_chat(state, params))
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def member_of(state: SandboxState, chat_id: int, user_id: int) -> Json:
    if user_id == state.bot_id:
        if chat_id > 0:
            return {"status": "member", "user": state.bot_user}
        return state._member_status(state.group(chat_id))
    user = state.users.get(user_id)
    if user is None:
        raise bad("user not found")
    if chat_id > 0:
        if user_id != chat_id:
            raise bad("user not found")
        return {"status": "member", "user": user}
    g = state.group(chat_id)
    if user_id in g["admins"]:
        return admin_member(user, owner=user_id == min(g["admins"]))
    if user_id in g["members"]:
        return {"status": "member", "user": user}
    return {"status": "left", "user": user}


@method()
async def getChatMember(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = _visible_chat(state, params)
    return member_of(state, chat_id, int(params.get("user_id") or 0))


@method()
async def getChatAdministrators(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = _visible_chat(state, params)
    if chat_id > 0:
        return []
    g = state.group(chat_id)
    admins = [member_of(state, chat_id, u) for u in sorted(g["admins"]) if u in state.users]
    if g["bot_admin"]:
        admins.append(member_of(state, chat_id, state.bot_id))
    return admins


@method()
async def getChatMemberCount(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = _visible_chat(state, params)
    if chat_id > 0:
        return 2
    g = state.group(chat_id)
    return len(g["members"]) + int(g["bot_member"])


@method()
async def leaveChat(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = chat_id_of(params)
    if chat_id > 0:
        raise bad("chat not found")
    g = state.group(chat_id)
    if not g["bot_member"]:
        raise ApiError(403, "Forbidden: bot is not a member of the group chat")
    old = state._member_status(g)
    g.update(bot_member=False, bot_admin=False, bot_kicked=False)
    state.bot_membership_changed(chat_id, old, state._member_status(g), actor=None)
    state.add_event("bot_left", chat_id)
    return True


@method()
async def sendChatAction(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = chat_id_of(params)
    state.check_bot_can_send(chat_id)
    state.add_event("chat_action", chat_id, action=params.get("action"))
    return True


def _need_admin(state: SandboxState, params: Json) -> int:
    chat_id = _visible_chat(state, params)
    if chat_id > 0 or not state.group(chat_id)["bot_admin"]:
        raise bad("not enough rights to manage chat invite link")
    return chat_id


@method()
async def createChatInviteLink(state: SandboxState, params: Json, request: web.Request) -> Any:
    _need_admin(state, params)
    link = {
        "invite_link": f"https://t.me/+{secrets.token_urlsafe(12)}",
        "creator": state.bot_user,
        "creates_join_request": bool(params.get("creates_join_request")),
        "is_primary": False,
        "is_revoked": False,
    }
    for k in ("name", "expire_date", "member_limit"):
        if params.get(k):
            link[k] = params[k]
    return link


@method()
async def exportChatInviteLink(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = _need_admin(state, params)
    state.invite_links[chat_id] = f"https://t.me/+{secrets.token_urlsafe(12)}"
    return state.invite_links[chat_id]


# ------------------------------------------------------------------ menu button & misc (commands: botprofile.py)
@method()
async def setChatMenuButton(state: SandboxState, params: Json, request: web.Request) -> Any:
    state.menu_buttons[str(params.get("chat_id", ""))] = params.get("menu_button") or {"type": "default"}
    return True


@method()
async def getChatMenuButton(state: SandboxState, params: Json, request: web.Request) -> Any:
    return state.menu_buttons.get(str(params.get("chat_id", "")), {"type": "commands"})


@method("close", "logOut", "setMyName", "setMyDefaultAdministratorRights")
async def accept(state: SandboxState, params: Json, request: web.Request) -> Any:
    return True
