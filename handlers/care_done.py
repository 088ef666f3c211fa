"""A volunteer's "done" on a care task (from /tasks, /care or the day's message): the press asks for a
short note for the grid leader (typed, or Skip), then the task is marked done, once (the service's
conditional UPDATE): a second press, an old message or a task called off or missed changes nothing.
A small persistent conversation, "care_done". Callback data: bot/views/care_tasks.py."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import care
from bot.views import care as care_view
from bot.views import care_tasks as view

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    ask,
    begins_at,
    core_of,
    domain_errors,
    edit_or_say,
    lang_of,
    message_of,
    press_data,
    query_of,
    say,
    stale_press,
    superseded,
    text_only,
    user_data,
)
from .task_common import END, expired, last_step, remember, take_pending

PENDING = "care_done"
NOTE = "note"
PRIVATE = filters.ChatType.PRIVATE


@domain_errors
async def done_button(update: Update, context: Ctx) -> object:
    task = await care.task_to_do(core_of(context), actor_of(update), care_view.DONE.parse_id(press_data(update)))
    await query_of(update).answer()
    remember(context, PENDING, task=task.task_id)
    asked = await ask(update, *view.ask_note(lang_of(update, context), task))
    begins_at(user_data(context)[PENDING], asked)  # the Skip of an earlier "done" is stale
    return NOTE


@last_step
async def note_input(update: Update, context: Ctx) -> object:
    q = update.callback_query
    if await superseded(update, context, user_data(context).get(PENDING) or {}):
        return None
    skipped = view.NOTE_SKIP.parse_id(press_data(update)) if q is not None else None
    note = None if q is not None else care.check_note(message_of(update).text)
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    if skipped is not None and skipped != pending.get("task"):
        await stale_press(update, context)
        return None
    done = await care.mark_done(core_of(context), actor_of(update), int(pending.get("task", 0)), note)
    user_data(context).pop(PENDING, None)
    text = view.done(lang_of(update, context), done)
    if q is not None:
        await q.answer()
        await edit_or_say(update, text)
    else:
        await say(update, text)
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "care.done_cancelled"))
    return END


def build_handlers() -> list[AnyHandler]:
    text = filters.TEXT & ~filters.COMMAND & PRIVATE
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL & PRIVATE
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        report = ConversationHandler(
            name="care_done",
            persistent=True,
            allow_reentry=True,
            entry_points=[CallbackQueryHandler(done_button, pattern=care_view.DONE.pattern)],
            states={
                NOTE: [
                    CallbackQueryHandler(note_input, pattern=view.NOTE_SKIP.pattern),
                    MessageHandler(text, note_input),
                    MessageHandler(other, text_only),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [report]
