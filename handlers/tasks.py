"""接单 for volunteers: Accept on the group card; Start / Done (hours, note) / Release (reason); /tasks.

The Done and Release questions are a small persistent conversation ("task_report").
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.requests import (
    claim_task,
    live_task,
    my_tasks,
    parse_hours,
    release_task,
    report_done,
    start_task,
    task_view,
)
from bot.views.requests.callbacks import (
    QUICK_HOURS,
    TASK_ACCEPT,
    TASK_DONE,
    TASK_HOURS,
    TASK_NOTE_SKIP,
    TASK_RELEASE,
    TASK_SHOW,
    TASK_START,
)
from bot.views.requests.tasks import (
    details_buttons,
    details_text,
    hours_buttons,
    note_buttons,
    open_private_button,
    task_list,
)

from .base import (
    AnyHandler,
    Callback,
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
    superseded,
    user_data,
)

HOURS, NOTE, REASON = "hours", "note", "reason"
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


@domain_errors
async def accept_button(update: Update, context: Ctx) -> None:
    result = await claim_task(core_of(context), actor_of(update), TASK_ACCEPT.parse_id(press_data(update)))
    key = "task.accepted_filled" if result.filled else "task.accepted"
    await query_of(update).answer(
        tp(lang_of(update, context), key, code=result.request.code or "", bot=context.bot.username), show_alert=True
    )


async def tasks_command(update: Update, context: Ctx) -> None:
    if in_group(update):
        await group_hint(update, context)
        return
    lang = lang_of(update, context)
    views = await my_tasks(core_of(context), actor_of(update))
    if not views:
        await say(update, t(lang, "task.list.empty"))
        return
    lines, rows = task_list(lang, views)
    await say(update, join_lines(lines), rows[:30])


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await task_view(core_of(context), actor_of(update), TASK_SHOW.parse_id(press_data(update)))
    await query_of(update).answer()
    await say(update, details_text(lang, view), details_buttons(lang, view))


@domain_errors
async def start_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await start_task(core_of(context), actor_of(update), TASK_START.parse_id(press_data(update)))
    await query_of(update).answer(tp(lang, "task.started", code=view.request.code or ""))
    await edit_or_say(update, details_text(lang, view), details_buttons(lang, view))


@domain_errors
async def done_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    view = await live_task(core_of(context), actor_of(update), TASK_DONE.parse_id(press_data(update)))
    await query_of(update).answer()
    remember(context, PENDING, id=view.request.id)
    asked = await ask(update, t(lang, "task.ask.hours", code=view.request.code or ""), hours_buttons())
    begins_at(user_data(context)[PENDING], asked)  # the hours buttons of an earlier Done are stale
    return HOURS


@domain_errors
async def hours_input(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    if await superseded(update, context, user_data(context).get(PENDING) or {}):
        return None
    if update.callback_query:
        (token,) = TASK_HOURS.parse(press_data(update))
        raw = QUICK_HOURS[token]
    else:
        raw = message_of(update).text or ""
    hours = parse_hours(raw)
    if update.callback_query:
        await update.callback_query.answer()
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    pending["hours"] = hours
    await say(update, t(lang, "task.ask.note", hours=f"{hours:g}"), note_buttons(lang))
    return NOTE


@last_step
async def note_input(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    note = None if update.callback_query else (message_of(update).text or "")
    if await superseded(update, context, user_data(context).get(PENDING) or {}):
        return None
    if update.callback_query:
        TASK_NOTE_SKIP.parse(press_data(update))
        await update.callback_query.answer()
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    view = await report_done(
        core_of(context), actor_of(update), int(pending.get("id", 0)), pending.get("hours", 0), note
    )
    user_data(context).pop(PENDING, None)
    key = "task.done_reported" if view.request.status == "done_reported" else "task.done_part"
    await say(update, t(lang, key, code=view.request.code or ""))
    return END


@domain_errors
async def release_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    view = await live_task(core_of(context), actor_of(update), TASK_RELEASE.parse_id(press_data(update)))
    await query_of(update).answer()
    remember(context, PENDING, id=view.request.id)
    await say(update, t(lang, "task.ask.reason", code=view.request.code or ""))
    return REASON


@last_step
async def reason_input(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    req = await release_task(
        core_of(context), actor_of(update), int(pending.get("id", 0)), message_of(update).text or ""
    )
    user_data(context).pop(PENDING, None)
    await say(update, t(lang, "task.released", code=req.code or ""))
    return END


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "task.report_cancelled"))
    return END


def build_handlers() -> list[AnyHandler]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        report = ConversationHandler(
            name="task_report",
            persistent=True,
            allow_reentry=True,
            entry_points=[
                CallbackQueryHandler(done_button, pattern=TASK_DONE.pattern),
                CallbackQueryHandler(release_button, pattern=TASK_RELEASE.pattern),
            ],
            states={
                HOURS: [
                    CallbackQueryHandler(hours_input, pattern=TASK_HOURS.pattern),
                    MessageHandler(text, hours_input),
                    MessageHandler(other, text_only),
                ],
                NOTE: [
                    CallbackQueryHandler(note_input, pattern=TASK_NOTE_SKIP.pattern),
                    MessageHandler(text, note_input),
                    MessageHandler(other, text_only),
                ],
                REASON: [MessageHandler(text, reason_input), MessageHandler(other, text_only)],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [
        report,
        CallbackQueryHandler(accept_button, pattern=TASK_ACCEPT.pattern),
        CallbackQueryHandler(show_button, pattern=TASK_SHOW.pattern),
        CallbackQueryHandler(start_button, pattern=TASK_START.pattern),
        CommandHandler("tasks", tasks_command),
    ]
