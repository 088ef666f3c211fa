"""Bot API routes: /bot{token}/{method} and /file/bot{token}/{path}; message methods."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from aiohttp import web

from .errors import ApiError, Json, bad
from .limits import SEND_METHODS
from .media import file_param, media_fields
from .registry import METHODS, chat_id_of, method
from .state import SandboxState
from .validate import check_markup, parse_text, reply_target

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
        retry = state.limiter.check(state.bot_id, canonical, chat_id if isinstance(chat_id, int) else None)
        if retry is not None:
            state.stats["rate_limited_429"] += 1
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        result = await fn(state, params, request)
    except ApiError as e:
        return web.json_response(e.to_dict(), status=e.code)
    state.stats["by_method"][canonical] += 1
    if canonical in SEND_METHODS:
        state.stats["sent"] += 1
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


# ------------------------------------------------------------------ helpers


def _common_fields(state: SandboxState, chat_id: int, params: Json) -> tuple[Json, Json]:
    rm = check_markup(params.get("reply_markup"))
    fields: Json = {}
    extra: Json = {}
    target = reply_target(state, chat_id, params)
    if target:
        fields["reply_to_message"] = target
    if rm and "inline_keyboard" in rm:
        fields["reply_markup"] = rm
    elif rm:
        extra["keyboard_markup"] = rm
    return fields, extra


# ------------------------------------------------------------------ message methods
@method()
async def getMe(state: SandboxState, params: Json, request: web.Request) -> Any:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method()
async def sendMessage(state: SandboxState, params: Json, request: web.Request) -> Any:
    chat_id = chat_id_of(params)
    state.check_bot_can_send(chat_id)
    text, ents, source = parse_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
    fields, extra = _common_fields(state, chat_id, params)
    fields["text"] = text
    if ents:
        fields["entities"] = ents
    if isinstance(params.get("link_preview_options"), dict):
        fields["link_preview_options"] = params["link_preview_options"]
    rec = state.new_message(chat_id, state.bot_user, fields, source_html=source, **extra)
    return rec["message"]


@method("sendPhoto", "sendDocument")
async def send_media(state: SandboxState, params: Json, request: web.Request) -> Any:
    kind = "photo" if request.match_info["method"].lower() == "sendphoto" else "document"
    chat_id = chat_id_of(params)
    state.check_bot_can_send(chat_id)
    caption, ents, source = parse_text(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities"), caption=True
    )
    fields, extra = _common_fields(state, chat_id, params)
    fid, external = await file_param(state, params, kind)
    fields.update(media_fields(state, kind, fid, external))
    if caption:
        fields["caption"] = caption
        if ents:
            fields["caption_entities"] = ents
    rec = state.new_message(
        chat_id,
        state.bot_user,
        fields,
        source_html=source,
        event=f"{kind}_sent",
        file_id=fid,
        external_url=external,
        **extra,
    )
    return rec["message"]


def _editable(state: SandboxState, params: Json) -> Json:
    if params.get("inline_message_id"):
        raise bad("message to edit not found")
    rec = state.get_message(chat_id_of(params), params.get("message_id") or 0)
    if rec is None:
        raise bad("message to edit not found")
    if not rec["from_bot"]:
        raise bad("message can't be edited")
    return rec


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def _apply_edit(state: SandboxState, rec: Json, changes: Json, markup: Json | None) -> Json:
    m = rec["message"]
    new = {k: v for k, v in m.items() if k not in ("reply_markup", "edit_date")}
    for k, v in changes.items():
        if v:
            new[k] = v
        else:
            new.pop(k, None)
    if markup and "inline_keyboard" in markup and markup["inline_keyboard"]:
        new["reply_markup"] = markup
    old_cmp = {k: v for k, v in m.items() if k != "edit_date"}
    if new == old_cmp:
        raise bad(NOT_MODIFIED)
    new["edit_date"] = int(time.time())
    rec["message"] = new
    state.touch(rec, "message_edited")
    return new


@method()
async def editMessageText(state: SandboxState, params: Json, request: web.Request) -> Any:
    rec = _editable(state, params)
    if "text" not in rec["message"]:
        raise bad("there is no text in the message to edit")
    text, ents, source = parse_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
    markup = check_markup(params.get("reply_markup"))
    rec["source_html"] = source
    return _apply_edit(state, rec, {"text": text, "entities": ents}, markup)


@method()
async def editMessageCaption(state: SandboxState, params: Json, request: web.Request) -> Any:
    rec = _editable(state, params)
    if not ({"photo", "document"} & set(rec["message"])):
        raise bad("there is no caption in the message to edit")
    cap, ents, source = parse_text(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities"), caption=True
    )
    markup = check_markup(params.get("reply_markup"))
    rec["source_html"] = source
    return _apply_edit(state, rec, {"caption": cap, "caption_entities": ents}, markup)


@method()
async def editMessageReplyMarkup(state: SandboxState, params: Json, request: web.Request) -> Any:
    rec = _editable(state, params)
    return _apply_edit(state, rec, {}, check_markup(params.get("reply_markup")))


@method()
async def deleteMessage(state: SandboxState, params: Json, request: web.Request) -> Any:
    rec = state.get_message(chat_id_of(params), params.get("message_id") or 0)
    if rec is None:
        raise bad("message to delete not found")
    rec["deleted"] = True
    state.touch(rec, "message_deleted")
    return True


@method()
async def answerCallbackQuery(state: SandboxState, params: Json, request: web.Request) -> Any:
    text = params.get("text")
    if text and len(text) > 200:
        raise bad("MESSAGE_TOO_LONG")
    state.answer_callback(
        str(params.get("callback_query_id", "")), text, bool(params.get("show_alert")), params.get("url")
    )
    return True
