"""Small helpers every handler module uses: the core, the actor, the language, error replies."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, BaseHandler, ContextTypes, ConversationHandler

from bot.i18n import t
from bot.services.kernel.core import Core
from bot.services.kernel.errors import AlreadyTaken, Conflict, DomainError, InvalidInput
from bot.services.kernel.roles import Actor
from bot.transport import raw_api
from bot.views.message import Button

log = logging.getLogger(__name__)
Ctx = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Ctx], Coroutine[Any, Any, Any]]
AnyHandler = BaseHandler[Any, Any, Any]  # what build_handlers() returns: commands, buttons, conversations
App = Application[Any, Any, Any, Any, Any, Any]


def core_of(context: Ctx) -> Core:
    core: Core = context.bot_data["core"]
    return core


def actor_of(update: Update) -> Actor:
    u = update.effective_user
    assert u is not None
    return Actor(tg_user_id=u.id, name=u.full_name or "", username=u.username, language=u.language_code)


def user_data(context: Ctx) -> dict[str, Any]:
    """The person's drafts (PTB types it Optional: it is None only for updates without a user)."""
    data = context.user_data
    assert data is not None, "an update from a person"
    return data


def draft(context: Ctx, key: str) -> dict[str, Any]:
    """The person's draft under `key` in their user data (a new empty one the first time)."""
    found: dict[str, Any] = user_data(context).setdefault(key, {})
    return found


def press_data(update: Update) -> str | None:
    """The callback data of the press (None for a typed message)."""
    return update.callback_query.data if update.callback_query is not None else None


def message_of(update: Update) -> Message:
    """The message of a message update (handlers registered for messages only see those)."""
    msg = update.effective_message
    assert msg is not None, "a message update"
    return msg


def query_of(update: Update) -> CallbackQuery:
    """The press of a button update (handlers registered for presses only see those)."""
    q = update.callback_query
    assert q is not None, "a button press"
    return q


def user_of(update: Update) -> User:
    u = update.effective_user
    assert u is not None, "an update from a person"
    return u


def lang_of(update: Update, context: Ctx) -> str:
    u = update.effective_user
    return core_of(context).lang(u.language_code if u else None)


def markup(buttons: list[list[Button]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row] for row in buttons]
    )


async def say(update: Update, text: str, buttons: list[list[Button]] | None = None, **kwargs: Any) -> None:
    """Reply in the chat of the update (message or button press). Telegram's answer is not turned
    into a Message object (bot/transport/raw_api.py): no handler reads it."""
    await ask(update, text, buttons, **kwargs)


async def ask(update: Update, text: str, buttons: list[list[Button]] | None = None, **kwargs: Any) -> int:
    """As `say`; the new message's id (a conversation's first question: see `begins_at`)."""
    chat = update.effective_chat
    assert chat is not None
    reply_markup = kwargs.pop("reply_markup", None) or markup(buttons)
    sent = await raw_api.call(
        chat.get_bot(),
        "sendMessage",
        chat_id=chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=reply_markup,
        **kwargs,
    )
    return int(sent.get("message_id", 0)) if isinstance(sent, dict) else 0


SINCE = "since"  # in a conversation's draft: the id of its first question


def begins_at(d: dict[str, Any], message_id: int) -> None:
    """The conversation whose draft is `d` began with message `message_id`: buttons of any earlier
    message (an earlier run of the same conversation) are superseded."""
    d[SINCE] = message_id


async def superseded(update: Update, context: Ctx, d: dict[str, Any]) -> bool:
    """A press on a message from before this conversation began: answered as stale (True)."""
    q, since = update.callback_query, d.get(SINCE)
    if q is None or q.message is None or not isinstance(since, int):
        return False
    if q.message.message_id >= since:
        return False
    await stale_press(update, context)
    return True


def current_run(draft_key: str) -> Callable[[Callback], Callback]:
    """For a button step of a conversation whose draft is `draft_key`: a press on a message from
    before the conversation began (see begins_at) is stale, and the step stays as it is."""

    def wrap(fn: Callback) -> Callback:
        @functools.wraps(fn)
        async def step(update: Update, context: Ctx) -> Any:
            if await superseded(update, context, user_data(context).get(draft_key) or {}):
                return None
            return await fn(update, context)

        return step

    return wrap


async def edit_or_say(update: Update, text: str, buttons: list[list[Button]] | None = None) -> None:
    """Replace the pressed message's text (keeps chats tidy); fall back to a new message."""
    q = update.callback_query
    if q is not None and q.message is not None:
        try:  # Telegram's answer is not read (as in `say`)
            await raw_api.call(
                q.get_bot(),
                "editMessageText",
                chat_id=q.message.chat.id,
                message_id=q.message.message_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(buttons),
            )
            return
        except BadRequest as e:
            if "not modified" in e.message:
                return
    await say(update, text, buttons)


def domain_errors(fn: Callback, *, refused: object = None) -> Callback:
    """Turn a DomainError into a localized answer: an alert on a button press, a message otherwise.
    A press whose moment has passed (Conflict, AlreadyTaken, a StaleButton) is a stale press: one
    line, and the keyboard goes (see stale_press). In a conversation the step stays open (None);
    `refused` is where a refusal other than bad input goes instead (e.g. ConversationHandler.END for
    the step that acts)."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: Ctx) -> Any:
        try:
            return await fn(update, context)
        except DomainError as e:
            if update.callback_query is not None and is_stale(e):
                await stale_press(update, context, e)
            elif update.callback_query is not None:
                text = t(lang_of(update, context), e.key, **e.params)
                await update.callback_query.answer(_strip_tags(text)[:200], show_alert=True)
            elif update.effective_chat is not None:
                await say(update, t(lang_of(update, context), e.key, **e.params))
            return None if isinstance(e, InvalidInput) else refused

    return wrapper


def is_stale(e: DomainError) -> bool:
    """The press's moment has passed: the thing changed state since the button was drawn."""
    return isinstance(e, Conflict | AlreadyTaken)


async def stale_press(update: Update, context: Ctx, error: DomainError | None = None) -> None:
    """A press of a button whose moment has passed (a step already answered, a task already taken, a
    message already replaced): answered in one line, its keyboard taken off the pressed message (but
    for a refusal that is the presser's own, e.g. "already yours", on a card others still use).
    Nothing else happens: the caller changed nothing."""
    q = update.callback_query
    if q is None:
        return
    key, params = (error.key, error.params) if error is not None else ("error.stale_button", {})
    await q.answer(one_line(t(lang_of(update, context), key, **params)), show_alert=True)
    if getattr(error, "for_everyone", True):
        await drop_keyboard(q)


def one_line(text: str) -> str:
    """An answer to a press: the first line of the text, without markup, within Telegram's 200."""
    lines = [line.strip() for line in _strip_tags(text).splitlines() if line.strip()]
    return (lines[0] if lines else "")[:200]


async def drop_keyboard(q: CallbackQuery) -> None:
    """Take the inline keyboard off the pressed message, if the press is one of its buttons (a
    forged press leaves a keyboard alone). A message gone or already bare is fine."""
    m = q.message
    if not isinstance(m, Message) or m.reply_markup is None:
        return
    if not any(b.callback_data == q.data for row in m.reply_markup.inline_keyboard for b in row):
        return
    try:
        await raw_api.call(q.get_bot(), "editMessageReplyMarkup", chat_id=m.chat.id, message_id=m.message_id)
    except BadRequest as e:
        log.info("keyboard not dropped: %s", e.message)


def _strip_tags(text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def text_only(update: Update, context: Ctx) -> None:
    """A photo, sticker or voice note where a guided step waits for typed text: say so, stay."""
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


async def draft_lost(update: Update, context: Ctx, draft_key: str, text_key: str, *needed: str) -> bool:
    """A guided conversation's step whose draft lacks what the earlier steps wrote (e.g. the bot
    restarted without it): drop the draft, say so (`text_key`) and tell the caller to end it, instead
    of guessing. False when every `needed` key is there."""
    if all(k in draft(context, draft_key) for k in needed):
        return False
    user_data(context).pop(draft_key, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, t(lang_of(update, context), text_key))
    return True


async def end_conversation(update: Update, context: Ctx, draft_key: str, text_key: str) -> int:
    """/cancel (or a cancel button) in a guided conversation: drop its draft, say so, end it."""
    if context.user_data is not None:
        context.user_data.pop(draft_key, None)
    text = t(lang_of(update, context), text_key)
    if update.callback_query:
        await update.callback_query.answer()
        await edit_or_say(update, text)
    else:
        await say(update, text)
    return ConversationHandler.END
