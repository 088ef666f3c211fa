"""User-side JSON API under /sandbox/api/: people, groups, writing, pressing, events."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .botchat import webhook_info
from .botprofile import menu_for, profile_for
from .errors import ApiError, Json, bad
from .state import SandboxState

P = "/sandbox/api"


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def _api(
    fn: Callable[[SandboxState, Json, web.Request], Awaitable[Any]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapper(request: web.Request) -> web.Response:
        try:
            body: Json = {}
            if request.method == "POST" and request.can_read_body:
                try:
                    body = await request.json()
                except ValueError:
                    raise bad("body must be JSON") from None
            return _json(await fn(request.app["state"], body, request))
        except ApiError as e:
            return _json({"ok": False, "error": e.description}, status=e.code)
        except (KeyError, TypeError, ValueError) as e:
            return _json({"ok": False, "error": f"bad request: {e!r}"}, status=400)

    return wrapper


def _int_or_none(v: Any) -> int | None:
    return None if v in (None, "") else int(v)


@_api
async def bot_info(state: SandboxState, body: Json, request: web.Request) -> Any:
    return {**state.bot_user, "commands": state.commands, "profile": state.profile}


@_api
async def get_menu(state: SandboxState, body: Json, request: web.Request) -> Any:
    """What this person's client shows in this chat: the "/" menu, the description and short description."""
    user_id = int(request.query["user_id"])
    chat_id = int(request.query.get("chat_id") or user_id)
    return {"commands": menu_for(state, user_id, chat_id), **profile_for(state, user_id)}


@_api
async def post_users(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.add_user(
        int(body["id"]),
        body["first_name"],
        body.get("last_name"),
        body.get("username"),
        body.get("language_code"),
        started=bool(body.get("started", False)),
    )


@_api
async def get_users(state: SandboxState, body: Json, request: web.Request) -> Any:
    return [dict(u, started=u["id"] in state.started, blocked=u["id"] in state.blocked) for u in state.users.values()]


@_api
async def post_chats(state: SandboxState, body: Json, request: web.Request) -> Any:
    state.add_group(
        int(body["id"]),
        body["title"],
        body.get("members", []),
        type=body.get("type", "group"),
        bot_member=body.get("bot_member", True),
        bot_admin=body.get("bot_admin", False),
        admins=body.get("admins", []),
        actor=_int_or_none(body.get("actor")),
    )
    return state.chat_view(int(body["id"]))


@_api
async def get_chats(state: SandboxState, body: Json, request: web.Request) -> Any:
    uid = _int_or_none(request.query.get("user_id"))
    chats = state.list_chats()
    if uid is not None:
        chats = [c for c in chats if c["id"] == uid or uid in c.get("members", [])]
    return chats


@_api
async def post_members(state: SandboxState, body: Json, request: web.Request) -> Any:
    chat_id = int(request.match_info["chat_id"])
    action = body.get("action", "add")
    if action == "add":
        state.add_member(chat_id, int(body["user_id"]))
    elif action == "remove":
        state.remove_member(chat_id, int(body["user_id"]))
    else:
        raise bad("action must be add or remove")
    return state.chat_view(chat_id)


@_api
async def post_send(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.user_send(
        int(body["user_id"]),
        body.get("text", ""),
        _int_or_none(body.get("chat_id")),
        _int_or_none(body.get("reply_to_message_id")),
    )


@_api
async def post_photo(state: SandboxState, body: Json, request: web.Request) -> Any:
    """{user_id, chat_id?, data: base64 of the image, caption?, name?}"""
    try:
        data = base64.b64decode(str(body.get("data", "")), validate=True)
    except ValueError:
        raise bad("data must be base64") from None
    return state.user_photo(
        int(body["user_id"]), data, _int_or_none(body.get("chat_id")), body.get("caption"), body.get("name")
    )


@_api
async def post_contact(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.user_contact(
        int(body["user_id"]),
        body["phone_number"],
        _int_or_none(body.get("chat_id")),
        body.get("first_name"),
        body.get("last_name"),
    )


@_api
async def post_press(state: SandboxState, body: Json, request: web.Request) -> Any:
    qid = state.press(
        int(body["user_id"]),
        int(body["chat_id"]),
        int(body["message_id"]),
        str(body.get("callback_data", body.get("data", ""))),
        force=bool(body.get("force")),
    )
    return {"callback_query_id": qid, "seq": state.seq}


@_api
async def get_callback_answer(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.callback_answer(request.match_info["id"])


@_api
async def post_block(state: SandboxState, body: Json, request: web.Request) -> Any:
    state.block(int(body["user_id"]), bool(body.get("blocked", True)))
    return {"ok": True}


@_api
async def get_messages(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.messages(int(request.query["chat_id"]), int(request.query.get("since_seq") or 0))


@_api
async def get_events(state: SandboxState, body: Json, request: web.Request) -> Any:
    since = int(request.query.get("since") or 0)
    timeout = min(60.0, float(request.query.get("timeout") or 0))
    return await state.wait_events(since, timeout, _int_or_none(request.query.get("chat_id")))


@_api
async def get_last_seq(state: SandboxState, body: Json, request: web.Request) -> Any:
    return {"seq": state.seq}


@_api
async def get_stats(state: SandboxState, body: Json, request: web.Request) -> Any:
    return state.stats_dict()


@_api
async def post_limits(state: SandboxState, body: Json, request: web.Request) -> Any:
    state.limiter.configure(
        body.get("per_second"),
        body.get("per_group_per_minute"),
        body.get("enabled"),
        body.get("count_edits"),
        body.get("paid_per_second"),
    )
    return state.limiter.to_dict()


@_api
async def post_reset(state: SandboxState, body: Json, request: web.Request) -> Any:
    state.reset()
    return {"ok": True}


@_api
async def get_webhook(state: SandboxState, body: Json, request: web.Request) -> Any:
    return {
        **webhook_info(state),
        "delivered": state.webhook.get("delivered", 0),
        "failures": state.webhook.get("failures", 0),
    }


async def get_file(request: web.Request) -> web.Response:
    f = request.app["state"].files.get(request.match_info["file_id"])
    if f is None:
        raise web.HTTPNotFound()
    headers = {}
    if f["kind"] == "document":
        headers["Content-Disposition"] = f'inline; filename="{f["name"]}"'
    return web.Response(body=f["data"], content_type=f["mime"], headers=headers)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get(f"{P}/bot", bot_info)
    r.add_get(f"{P}/menu", get_menu)
    r.add_post(f"{P}/users", post_users)
    r.add_get(f"{P}/users", get_users)
    r.add_post(f"{P}/chats", post_chats)
    r.add_get(f"{P}/chats", get_chats)
    r.add_post(f"{P}/chats/{{chat_id}}/members", post_members)
    r.add_post(f"{P}/send", post_send)
    r.add_post(f"{P}/contact", post_contact)
    r.add_post(f"{P}/photo", post_photo)
    r.add_post(f"{P}/press", post_press)
    r.add_get(f"{P}/callback_answers/{{id}}", get_callback_answer)
    r.add_post(f"{P}/block", post_block)
    r.add_get(f"{P}/messages", get_messages)
    r.add_get(f"{P}/events", get_events)
    r.add_get(f"{P}/last_seq", get_last_seq)
    r.add_get(f"{P}/stats", get_stats)
    r.add_post(f"{P}/limits", post_limits)
    r.add_post(f"{P}/reset", post_reset)
    r.add_get(f"{P}/webhook", get_webhook)
    r.add_get(f"{P}/files/{{file_id}}", get_file)
