"""Bot API routes: /bot{token}/{method} and /file/bot{token}/{path}; parameters decoded, limits applied."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from .errors import ApiError, Json, bad
from .limits import SEND_METHODS
from .registry import METHODS
from .state import SandboxState

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]{10,}$")
JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "menu_button",
    "media",
    "rights",
}
INT_FIELDS = {
    "message_id",
    "user_id",
    "offset",
    "limit",
    "timeout",
    "reply_to_message_id",
    "max_connections",
    "cache_time",
    "expire_date",
    "member_limit",
    "message_thread_id",
    "from_chat_id",
}
BOOL_FIELDS = {
    "allow_paid_broadcast",
    "drop_pending_updates",
    "show_alert",
    "disable_notification",
    "protect_content",
    "creates_join_request",
    "disable_web_page_preview",
    "allow_sending_without_reply",
    "only_if_banned",
    "for_channels",
}


def _coerce(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as e:
            raise bad(f"can't parse {name} JSON object") from e
    if name in INT_FIELDS or name == "chat_id":
        try:
            return int(value)
        except ValueError:
            if name == "chat_id":
                return value
            raise bad(f'field "{name}" must be of type Integer') from None
    if name in BOOL_FIELDS:
        return value.lower() in ("true", "1")
    return value


async def decode_params(request: web.Request) -> Json:
    params: Json = dict(request.query)
    if request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad("can't parse JSON request body") from None
            if isinstance(body, dict):
                params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            params.update((await request.post()).items())
    return {k: _coerce(k, v) for k, v in params.items()}


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def handle(request: web.Request) -> web.Response:
    state = request.app["state"]
    m = TOKEN_RE.match(request.match_info["token"])
    if not m:
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    if state.bot_id != int(m.group(1)):
        state.set_bot_id(int(m.group(1)))
    name = request.match_info["method"]
    canonical, fn = METHODS.get(name.lower(), (name, None))
    if fn is None:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
    try:
        params = await decode_params(request)
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            params["chat_id"] = chat_id = resolve_username(state, chat_id)
        paid = params.get("allow_paid_broadcast") is True
        retry = state.limiter.check(state.bot_id, canonical, chat_id if isinstance(chat_id, int) else None, paid)
        if retry is not None:
            state.stats["rate_limited_429"] += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        result = await fn(state, params, request)
    except ApiError as e:
        return web.json_response(e.to_dict(), status=e.code)
    state.stats["by_method"][canonical] += 1
    if canonical in SEND_METHODS:
        state.stats["sent"] += 1
        state.stats["paid_sent"] += paid  # sends that carried allow_paid_broadcast
        state.stats["per_chat_sent"][params.get("chat_id")] += 1
    return ok(result)


def resolve_username(state: SandboxState, name: str) -> int:
    for u in state.users.values():
        if u.get("username", "").lower() == name[1:].lower():
            return int(u["id"])
    raise bad("chat not found")


async def handle_file(request: web.Request) -> web.Response:
    state = request.app["state"]
    if not TOKEN_RE.match(request.match_info["token"]):
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    fid = state.file_paths.get(request.match_info["path"])
    if fid is None:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
    f = state.files[fid]
    return web.Response(body=f["data"], content_type=f["mime"])


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/bot{token}/{method}", handle)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
