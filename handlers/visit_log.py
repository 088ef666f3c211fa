"""Logging a door visit from buttons: outcome, a note (or skip), red flags and "turn into a request".

Entry: the button `visit:log:<household_id>` (on /visits and on the scheduler's Friday list).
The draft lives in user_data["visit"]; every press carries the household id and must match it,
so an old keyboard changes nothing. Nothing is stored until the last step calls the service.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import visits
from bot.services.kernel.errors import DomainError
from bot.services.visits import NOTE_MAX
from bot.views import visits as view
from bot.views.callbacks import Callback, StaleButton
from bot.views.visits import log as steps
from storage.enums import VisitOutcome

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    ask,
    begins_at,
    core_of,
    domain_errors,
    drop_keyboard,
    edit_or_say,
    end_conversation,
    lang_of,
    say,
    superseded,
    user_data,
)

OUTCOME, NOTE, FLAGS, ASK_REQUEST, REQUEST_TEXT = range(5)
SKIP_WORDS = {"skip", "跳过", "-", "无", "没有", "no"}


def _draft(context: Ctx) -> dict[str, Any]:
    draft: dict[str, Any] = context.user_data.setdefault("visit", {}) if context.user_data is not None else {}
    return draft


def _matches(context: Ctx, household_id: int) -> bool:
    d = _draft(context)
    return str(d.get("hh")) == str(household_id)


async def _lost(update: Update, context: Ctx) -> bool:
    """A typed step whose draft is gone (e.g. the log was restarted elsewhere): say so and end."""
    d = _draft(context)
    if d.get("hh") and d.get("outcome") in VisitOutcome.__members__:
        return False
    user_data(context).pop("visit", None)
    await say(update, steps.stale(lang_of(update, context)))
    return True


async def _stale(update: Update, context: Ctx) -> None:
    """A press of a step already passed, or for another household: one line, its keyboard gone."""
    assert update.callback_query is not None
    await update.callback_query.answer(steps.stale_alert(lang_of(update, context)), show_alert=True)
    await drop_keyboard(update.callback_query)


async def _pressed(update: Update, context: Ctx, kind: Callback) -> tuple[Any, ...] | None:
    """The parts of a press of this step for the household being logged; None (and a "stale" alert) otherwise."""
    q = update.callback_query
    assert q is not None
    if await superseded(update, context, _draft(context)):  # an earlier visit's question
        return None
    try:
        parts = kind.parse(q.data)
    except StaleButton:
        parts = None
    if parts is None or not _matches(context, parts[0]):
        await _stale(update, context)
        return None
    return parts


@domain_errors
async def start_log(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(view.households.private_only_alert(lang), show_alert=True)
        return ConversationHandler.END
    hh = view.LOG.parse_id(q.data)
    week = await visits.check_can_log(core_of(context), actor_of(update), hh)
    user_data(context)["visit"] = {"hh": hh, "week": week, "outcome": None, "note": "", "flags": [], "cat": None}
    await q.answer()
    # a new message: the list the button came from (e.g. the Friday list) stays as it is
    begins_at(user_data(context)["visit"], await ask(update, *steps.ask_outcome(lang, hh, week)))
    return OUTCOME


async def choose_outcome(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    pressed = await _pressed(update, context, view.OUTCOME)
    if pressed is None:
        return None
    hh, outcome = pressed
    lang = lang_of(update, context)
    _draft(context)["outcome"] = outcome
    await q.answer()
    await edit_or_say(update, *steps.ask_note(lang, hh, outcome, NOTE_MAX))
    return NOTE


@domain_errors
async def note_text(update: Update, context: Ctx) -> int | None:
    assert update.message is not None
    if await _lost(update, context):
        return ConversationHandler.END
    text = update.message.text or ""
    d = _draft(context)
    d["note"] = "" if text.strip().lower() in SKIP_WORDS else visits.check_note(text)
    return await _after_note(update, context)


async def skip_note(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    if await _pressed(update, context, view.SKIP_NOTE) is None:
        return None
    await q.answer()
    _draft(context)["note"] = ""
    return await _after_note(update, context)


async def _after_note(update: Update, context: Ctx) -> int:
    d = _draft(context)
    if d.get("outcome") != VisitOutcome.needs_help.value:
        return await _finish(update, context)
    await _show_flags(update, context, new_message=update.callback_query is None)
    return FLAGS


async def _show_flags(update: Update, context: Ctx, *, new_message: bool) -> None:
    lang, d = lang_of(update, context), _draft(context)
    text, buttons = steps.ask_flags(lang, d["hh"], d.get("flags") or [])
    await (say(update, text, buttons) if new_message else edit_or_say(update, text, buttons))


async def toggle_flag(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    pressed = await _pressed(update, context, view.FLAG)
    if pressed is None:
        return None
    _, flag = pressed
    flags: list[str] = _draft(context).setdefault("flags", [])
    flags.remove(flag) if flag in flags else flags.append(flag)
    await q.answer()
    await _show_flags(update, context, new_message=False)
    return None


async def flags_done(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    pressed = await _pressed(update, context, view.FLAGS_DONE)
    if pressed is None:
        return None
    await q.answer()
    await edit_or_say(update, *steps.ask_request(lang_of(update, context), pressed[0]))
    return ASK_REQUEST


async def choose_request(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    pressed = await _pressed(update, context, view.REQUEST)
    if pressed is None:
        return None
    _, cat = pressed
    await q.answer()
    d = _draft(context)
    d["cat"] = None if cat == view.NO_REQUEST else cat
    if d["cat"] and not d.get("note"):
        await edit_or_say(update, steps.ask_request_text(lang_of(update, context), NOTE_MAX))
        return REQUEST_TEXT
    return await _finish(update, context)


@domain_errors
async def request_text(update: Update, context: Ctx) -> int | None:
    assert update.message is not None
    if await _lost(update, context):
        return ConversationHandler.END
    _draft(context)["note"] = visits.check_note(update.message.text, required=True)
    return await _finish(update, context)


async def _finish(update: Update, context: Ctx) -> int:
    lang, d = lang_of(update, context), _draft(context)
    user_data(context).pop("visit", None)
    try:
        done = await visits.record_visit(
            core_of(context),
            actor_of(update),
            int(d["hh"]),
            d.get("outcome") or "",
            d.get("note", ""),
            d.get("flags") or [],
            d.get("cat"),
        )
    except DomainError as e:
        await say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    await say(update, steps.logged(lang, done))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await end_conversation(update, context, "visit", "visit.cancelled")


def conversation() -> AnyHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # mixed message/button steps: per_message=False is what we want
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(start_log, pattern=view.LOG.pattern)],
            states={
                OUTCOME: [CallbackQueryHandler(choose_outcome, pattern=view.OUTCOME.pattern)],
                NOTE: [
                    MessageHandler(text, note_text),
                    CallbackQueryHandler(skip_note, pattern=view.SKIP_NOTE.pattern),
                ],
                FLAGS: [
                    CallbackQueryHandler(toggle_flag, pattern=view.FLAG.pattern),
                    CallbackQueryHandler(flags_done, pattern=view.FLAGS_DONE.pattern),
                ],
                ASK_REQUEST: [CallbackQueryHandler(choose_request, pattern=view.REQUEST.pattern)],
                REQUEST_TEXT: [MessageHandler(text, request_text)],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=view.CANCEL.pattern)],
            name="visit_log",
            persistent=True,
            allow_reentry=True,
        )
