"""What the task handlers share with the other guided steps (board, relay, /my, meetings): the
pending question's draft with its time, the answer window, the group hint, whole lines."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.i18n import t
from bot.views.requests.tasks import open_private_button

from .base import Callback, Ctx, core_of, domain_errors, lang_of, say, user_data

END = ConversationHandler.END
PENDING = "task_report"
ANSWER_WINDOW_SECONDS = 30 * 60


def join_lines(lines: list[str], limit: int = 3900) -> str:
    """Whole lines up to Telegram's message size (4096), then an ellipsis: never a cut HTML tag."""
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > limit:
            out.append("…")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def in_group(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type != "private")


def remember(context: Ctx, key: str, **values: object) -> None:
    """Keep what a question is about (JSON), with the time it was asked."""
    user_data(context)[key] = {**values, "at": core_of(context).clock.now().timestamp()}


def take_pending(context: Ctx, key: str) -> dict[str, Any] | None:
    """What the open question is about; None (and forgotten) if it was asked too long ago, so an
    old question never swallows a message written days later."""
    pending = user_data(context).get(key) or {}
    if core_of(context).clock.now().timestamp() - float(pending.get("at", 0)) > ANSWER_WINDOW_SECONDS:
        user_data(context).pop(key, None)
        return None
    return pending


async def expired(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "task.expired"))
    return END


def last_step(fn: Callback) -> Callback:
    """The step that acts: bad input keeps the step open; any other refusal ends the conversation."""
    return domain_errors(fn, refused=END)


async def group_hint(update: Update, context: Ctx, payload: str = "menu") -> None:
    """In a group the bot shows nothing private: a button that opens the private chat."""
    lang = lang_of(update, context)
    await say(update, t(lang, "task.group_hint"), open_private_button(lang, context.bot.username, payload))
