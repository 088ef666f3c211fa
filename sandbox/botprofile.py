"""Bot API methods about what a client shows of the bot: its "/" menus (by scope and language) and its
description and short description; and which menu a given person sees in a given chat, chosen the
way Telegram's clients choose it (the most specific scope that has commands, the person's language
before no language)."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from .errors import Json, bad
from .registry import method
from .state import SandboxState

SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators"}
SCOPES_WITH_CHAT = {"chat", "chat_administrators", "chat_member"}
DESCRIPTION_MAX, SHORT_DESCRIPTION_MAX = 512, 120


def _scope(params: Json) -> Json:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES | {"chat_member"}:
        raise bad("BOT_COMMAND_SCOPE_INVALID")
    if scope["type"] in SCOPES_WITH_CHAT:
        try:
            scope = {**scope, "chat_id": int(str(scope.get("chat_id", "")))}
        except (TypeError, ValueError):
            raise bad("chat not found") from None
    if scope["type"] == "chat_member":
        scope = {**scope, "user_id": int(str(scope.get("user_id") or 0))}
    return scope


def _lang(params: Json) -> str:
    code = params.get("language_code") or ""
    if code and not re.fullmatch(r"[a-z]{2}", str(code)):
        raise bad("LANGUAGE_CODE_INVALID")
    return str(code)


def scope_key(scope: Json, lang: str = "") -> str:
    return json.dumps(scope, sort_keys=True) + "|" + lang


def _cmd_key(params: Json) -> str:
    return scope_key(_scope(params), _lang(params))


@method()
async def setMyCommands(state: SandboxState, params: Json, request: web.Request) -> Any:
    cmds = params.get("commands")
    if not isinstance(cmds, list) or len(cmds) > 100:
        raise bad('field "commands" must be an Array of at most 100 commands')
    for c in cmds:
        if not isinstance(c, dict) or not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
            raise bad("BOT_COMMAND_INVALID")
        if not 1 <= len(str(c.get("description", ""))) <= 256:
            raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _cmd_key(params)
    state.commands[key] = [{"command": c["command"], "description": c["description"]} for c in cmds]
    state.add_event("commands_set", None, key=key, commands=cmds)
    return True


@method()
async def getMyCommands(state: SandboxState, params: Json, request: web.Request) -> Any:
    return state.commands.get(_cmd_key(params), [])


@method()
async def deleteMyCommands(state: SandboxState, params: Json, request: web.Request) -> Any:
    key = _cmd_key(params)
    state.commands.pop(key, None)
    state.add_event("commands_set", None, key=key, commands=[])
    return True


def _set_text(state: SandboxState, params: Json, field: str, limit: int) -> bool:
    text = str(params.get(field) or "")
    if len(text) > limit:
        raise bad(f"{field.upper()}_INVALID")
    lang = _lang(params)
    texts = state.profile.setdefault(field, {})
    if text:
        texts[lang] = text
    else:
        texts.pop(lang, None)  # an empty text removes the one for that language
    state.add_event(f"{field}_set", None, language_code=lang, text=text)
    return True


@method()
async def setMyDescription(state: SandboxState, params: Json, request: web.Request) -> Any:
    return _set_text(state, params, "description", DESCRIPTION_MAX)


@method()
async def getMyDescription(state: SandboxState, params: Json, request: web.Request) -> Any:
    return {"description": state.profile.get("description", {}).get(_lang(params), "")}


@method()
async def setMyShortDescription(state: SandboxState, params: Json, request: web.Request) -> Any:
    return _set_text(state, params, "short_description", SHORT_DESCRIPTION_MAX)


@method()
async def getMyShortDescription(state: SandboxState, params: Json, request: web.Request) -> Any:
    return {"short_description": state.profile.get("short_description", {}).get(_lang(params), "")}


def person_language(state: SandboxState, user_id: int) -> str:
    """The two-letter code Telegram matches menus by ("zh-hans" → "zh")."""
    return str(state.users.get(user_id, {}).get("language_code") or "").split("-")[0].lower()


def scopes_for(state: SandboxState, user_id: int, chat_id: int) -> list[Json]:
    """Telegram's order of scopes for this person in this chat, most specific first."""
    if chat_id > 0:
        return [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}, {"type": "default"}]
    admin = user_id in state.groups.get(chat_id, {}).get("admins", set())
    scopes: list[Json] = [{"type": "chat_member", "chat_id": chat_id, "user_id": user_id}]
    if admin:
        scopes.append({"type": "chat_administrators", "chat_id": chat_id})
    scopes.append({"type": "chat", "chat_id": chat_id})
    if admin:
        scopes.append({"type": "all_chat_administrators"})
    return [*scopes, {"type": "all_group_chats"}, {"type": "default"}]


def menu_for(state: SandboxState, user_id: int, chat_id: int) -> list[Json]:
    """The commands this person's client shows in this chat: in each scope, their language's list,
    else the list without a language; the first scope that has one wins."""
    lang = person_language(state, user_id)
    for scope in scopes_for(state, user_id, chat_id):
        for code in ([lang] if lang else []) + [""]:
            commands = state.commands.get(scope_key(scope, code))
            if commands:
                return commands
    return []


def profile_for(state: SandboxState, user_id: int) -> Json:
    """The description and short description this person's client shows (their language, else none)."""
    lang = person_language(state, user_id)
    out: Json = {}
    for field in ("description", "short_description"):
        texts = state.profile.get(field, {})
        out[field] = texts.get(lang) or texts.get("", "")
    return out
