"""Checks the Bot API makes on texts, captions, keyboards and reply targets."""

from __future__ import annotations

import re

from .errors import Json, bad
from .htmlparse import ParseError, parse_html, u16len
from .timeline import Timeline


def parse_text(
    text: object, parse_mode: str | None, entities: list[Json] | None, *, caption: bool = False
) -> tuple[str, list[Json] | None, str | None]:
    """-> (text, entities, source_html). Raises Telegram's errors."""
    text = "" if text is None else str(text)
    source = None
    mode = (parse_mode or "").lower()
    if mode == "html":
        source = text
        try:
            text, entities = parse_html(text)
        except ParseError as e:
            raise bad(f"can't parse entities: {e}") from None
    if not caption and not text.strip():
        raise bad("message text is empty")
    if u16len(text) > (1024 if caption else 4096):
        raise bad("message caption is too long" if caption else "message is too long")
    return text, (entities or None), source


def check_markup(rm: object) -> Json | None:
    if rm is None or rm == "":
        return None
    if not isinstance(rm, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    rows = rm.get("inline_keyboard")
    if rows is not None:
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for b in row:
                if not isinstance(b, dict) or not b.get("text"):
                    raise bad("can't parse inline keyboard button: Text must be non-empty")
                if "callback_data" in b:
                    data = str(b["callback_data"])
                    if not data or len(data.encode()) > 64:
                        raise bad("BUTTON_DATA_INVALID")
                elif not set(b) & {
                    "url",
                    "login_url",
                    "switch_inline_query",
                    "web_app",
                    "switch_inline_query_current_chat",
                    "callback_game",
                    "pay",
                    "copy_text",
                    "switch_inline_query_chosen_chat",
                }:
                    raise bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                if "url" in b and not re.match(r"^(https?|tg)://", str(b["url"])):
                    raise bad("BUTTON_URL_INVALID")
    elif not ({"keyboard", "remove_keyboard", "force_reply"} & set(rm)):
        raise bad("can't parse reply keyboard markup JSON object")
    return rm


def reply_target(state: Timeline, chat_id: int, params: Json) -> Json | None:
    rp = params.get("reply_parameters") or {}
    mid = rp.get("message_id") or params.get("reply_to_message_id")
    if not mid:
        return None
    rec = state.get_message(chat_id, int(mid))
    if rec is None:
        if rp.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
            return None
        raise bad("message to be replied not found")
    return dict(rec["message"])
