"""Bot API message methods: getMe, send a text or a file, edit, delete, answer a button press."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from aiohttp import web

from .errors import Json, bad
from .media import file_param, media_fields
from .registry import chat_id_of, method
from .state import SandboxState
from .validate import check_markup, parse_text, reply_target

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


@method()
async def sendMediaGroup(state: SandboxState, params: Json, request: web.Request) -> Any:
    """An album of 2 to 10 photos (file ids, URLs or uploads by attach://name), a caption on any."""
    chat_id = chat_id_of(params)
    state.check_bot_can_send(chat_id)
    media = params.get("media")
    if isinstance(media, str):
        try:
            media = json.loads(media)
        except ValueError:
            raise bad("can't parse media JSON object") from None
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad("wrong number of media in the album: 2 to 10")
    group = str(secrets.randbits(60))
    sent = []
    for item in media:
        if not isinstance(item, dict) or item.get("type") != "photo":
            raise bad("the sandbox's albums hold photos only")
        fid, external = await file_param(state, {**params, "photo": item.get("media")}, "photo")
        caption, ents, source = parse_text(
            item.get("caption"), item.get("parse_mode"), item.get("caption_entities"), caption=True
        )
        fields: Json = {"media_group_id": group, **media_fields(state, "photo", fid, external)}
        if caption:
            fields["caption"] = caption
            if ents:
                fields["caption_entities"] = ents
        rec = state.new_message(
            chat_id, state.bot_user, fields, source_html=source, event="photo_sent", file_id=fid, external_url=external
        )
        sent.append(rec["message"])
    return sent


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
