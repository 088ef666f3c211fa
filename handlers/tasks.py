"""接单 for volunteers: Accept on the group card; Start / Done (hours, note, then photos if they like) /
Release (reason); /tasks. A unit's contact giving the unit's task back answers the same reason step.

The Done and Release questions are a small persistent conversation ("task_report").
"""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.care import care_work
from bot.services.kernel.errors import Conflict
from bot.services.requests import (
    claim_task,
    live_task,
    my_tasks,
    parse_hours,
    release_task,
    release_unit_claim,
    report_done,
    start_task,
    task_view,
    unit_claim,
)
from bot.views.care_tasks import tasks_section
from bot.views.requests.callbacks import (
    QUICK_HOURS,
    TASK_ACCEPT,
    TASK_DONE,
    TASK_HOURS,
    TASK_NOTE_SKIP,
    TASK_PHOTOS,
    TASK_RELEASE,
    TASK_SHOW,
    TASK_START,
)
from bot.views.requests.proof import ask_photos, photos_buttons
from bot.views.requests.tasks import details_buttons, details_text, hours_buttons, note_buttons, task_list
from bot.views.units import UNIT_RELEASE

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
    superseded,
    text_only,
    user_data,
)

# the helpers the other guided steps import from here (re-exported)
from .task_common import ANSWER_WINDOW_SECONDS as ANSWER_WINDOW_SECONDS
from .task_common import END as END
from .task_common import PENDING as PENDING
from .task_common import expired as expired
from .task_common import group_hint as group_hint
from .task_common import in_group as in_group
from .task_common import join_lines as join_lines
from .task_common import last_step as last_step
from .task_common import remember as remember
from .task_common import take_pending as take_pending
from .task_photos import photo_input, photos_button

HOURS, NOTE, REASON, PHOTOS = "hours", "note", "reason", "photos"


@domain_errors
async def accept_button(update: Update, context: Ctx) -> None:
    result = await claim_task(core_of(context), actor_of(update), TASK_ACCEPT.parse_id(press_data(update)))
    key = "task.accepted_filled" if result.filled else "task.accepted"
    await query_of(update).answer(
        tp(lang_of(update, context), key, code=result.request.code or "", bot=context.bot.username), show_alert=True
    )


async def tasks_command(update: Update, context: Ctx) -> None:
    """/tasks: the volunteer's requests, then their care tasks (waiting, with ✅, and coming up)."""
    if in_group(update):
        await group_hint(update, context)
        return
    lang = lang_of(update, context)
    views = await my_tasks(core_of(context), actor_of(update))
    care_lines, care_rows = tasks_section(lang, await care_work(core_of(context), actor_of(update)))
    if not views and not care_lines:
        await say(update, t(lang, "task.list.empty"))
        return
    lines, rows = task_list(lang, views) if views else ([t(lang, "care.tasks.no_requests")], [])
    await say(update, join_lines(lines + care_lines), (rows + care_rows)[:30])


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
    key = "task.done_reported" if view.request.status == "done_reported" else "task.done_part"
    # then, if they like, photos of the work (proof): the resident and the leaders see them
    pending["photos"] = []
    asked = await ask(
        update, t(lang, key, code=view.request.code or "") + "\n\n" + ask_photos(lang), photos_buttons(lang, 0)
    )
    begins_at(pending, asked)  # Done/Skip of an earlier report's photos are stale
    return PHOTOS


@domain_errors
async def release_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    view = await live_task(core_of(context), actor_of(update), TASK_RELEASE.parse_id(press_data(update)))
    await query_of(update).answer()
    remember(context, PENDING, id=view.request.id)
    # a unit's member: their unit's contact hears the reason (not the grid leader)
    key = "task.ask.reason_unit" if view.assignment.unit_claim_id is not None else "task.ask.reason"
    await say(update, t(lang, key, code=view.request.code or ""))
    return REASON


@domain_errors
async def unit_release_button(update: Update, context: Ctx) -> object:
    """A unit's contact gives the unit's task back: the same reason step as a volunteer's Give back."""
    lang = lang_of(update, context)
    view = await unit_claim(core_of(context), actor_of(update), UNIT_RELEASE.parse_id(press_data(update)))
    if not view.live:
        raise Conflict("units.claim_ended", code=view.code)
    await query_of(update).answer()
    remember(context, PENDING, claim=view.claim_id)
    await say(update, t(lang, "task.ask.reason", code=view.code))
    return REASON


@last_step
async def reason_input(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    reason = message_of(update).text or ""
    if pending.get("claim"):  # a unit's task, given back by its contact
        view = await release_unit_claim(core_of(context), actor_of(update), int(pending["claim"]), reason)
        user_data(context).pop(PENDING, None)
        await say(update, t(lang, "units.released", code=view.code, unit=view.unit))
        return END
    released = await release_task(core_of(context), actor_of(update), int(pending.get("id", 0)), reason)
    user_data(context).pop(PENDING, None)
    key = "units.member_released" if released.for_unit else "task.released"
    await say(update, t(lang, key, code=released.request.code or ""))
    return END


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
                CallbackQueryHandler(unit_release_button, pattern=UNIT_RELEASE.pattern),
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
                PHOTOS: [
                    CallbackQueryHandler(photos_button, pattern=TASK_PHOTOS.pattern),
                    MessageHandler(filters.PHOTO, photo_input),
                    # typed text is not taken here: after Done the volunteer may write to the resident (💬)
                ],
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
