"""/meeting: the grid leader's weekly meeting (民情速办 联席会议) walks through the open problems found
on door visits, one card at a time: owner, decision (typed: a small persistent conversation,
"meeting_decision"), follow-up date, close, next. And the volunteer's "I told them" on the ask that
closing sends. Callback data: bot/views/meetings.py."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import meetings
from bot.views import meetings as view

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    edit_or_say,
    lang_of,
    message_of,
    press_data,
    query_of,
    say,
    text_only,
    user_data,
)
from .tasks import expired, last_step, remember, take_pending

DECISION = "decision"
END = ConversationHandler.END
PENDING = "meeting_decision"
PRIVATE = filters.ChatType.PRIVATE


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


@domain_errors
async def meeting_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    if not _private(update):  # the cards carry addresses: never in a group
        await say(update, t(lang, "meeting.private_only"))
        return
    await say(update, *view.card(lang, await meetings.walk(core_of(context), actor_of(update))))


async def _show(update: Update, context: Ctx, w: meetings.Walk) -> None:
    await query_of(update).answer()
    await edit_or_say(update, *view.card(lang_of(update, context), w))


@domain_errors
async def next_button(update: Update, context: Ctx) -> None:
    (after,) = view.NEXT.parse(press_data(update))
    await _show(update, context, await meetings.walk(core_of(context), actor_of(update), after))


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    item_id = view.SHOW.parse_id(press_data(update))
    await _show(update, context, await meetings.walk_at(core_of(context), actor_of(update), item_id))


@domain_errors
async def owners_button(update: Update, context: Ctx) -> None:
    item, choices = await meetings.owner_choices(
        core_of(context), actor_of(update), view.OWNERS.parse_id(press_data(update))
    )
    await query_of(update).answer()
    await edit_or_say(update, *view.owner_picker(lang_of(update, context), item, choices))


@domain_errors
async def owner_button(update: Update, context: Ctx) -> None:
    item_id, person_id = view.OWNER.parse(press_data(update))
    core, actor = core_of(context), actor_of(update)
    await meetings.assign_owner(core, actor, item_id, person_id)
    await _show(update, context, await meetings.walk_at(core, actor, item_id))


@domain_errors
async def dates_button(update: Update, context: Ctx) -> None:
    item = await meetings.show_item(core_of(context), actor_of(update), view.DATES.parse_id(press_data(update)))
    if item.status not in meetings.OPEN:
        raise meetings.ItemClosed()
    await query_of(update).answer()
    await edit_or_say(update, *view.date_picker(lang_of(update, context), item))


@domain_errors
async def date_button(update: Update, context: Ctx) -> None:
    item_id, days = view.DATE.parse(press_data(update))
    core, actor = core_of(context), actor_of(update)
    await meetings.set_follow_up(core, actor, item_id, int(days))
    await _show(update, context, await meetings.walk_at(core, actor, item_id))


@domain_errors
async def close_button(update: Update, context: Ctx) -> None:
    item_id = view.CLOSE.parse_id(press_data(update))
    core, actor = core_of(context), actor_of(update)
    await meetings.close_item(core, actor, item_id)
    await _show(update, context, await meetings.walk_at(core, actor, item_id))


@domain_errors
async def told_button(update: Update, context: Ctx) -> None:
    done = await meetings.mark_told(core_of(context), actor_of(update), view.TOLD.parse_id(press_data(update)))
    await query_of(update).answer()
    await edit_or_say(update, view.told(lang_of(update, context), done))


@domain_errors
async def ask_decision(update: Update, context: Ctx) -> object:
    item = await meetings.show_item(core_of(context), actor_of(update), view.DECIDE.parse_id(press_data(update)))
    if item.status not in meetings.OPEN:
        raise meetings.ItemClosed()
    await query_of(update).answer()
    remember(context, PENDING, id=item.id)
    await say(update, view.ask_decision(lang_of(update, context), item, meetings.DECISION_MAX))
    return DECISION


@last_step
async def decision_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, PENDING)
    if pending is None:
        return await expired(update, context)
    core, actor = core_of(context), actor_of(update)
    item = await meetings.record_decision(core, actor, int(pending.get("id", 0)), message_of(update).text)
    user_data(context).pop(PENDING, None)
    await say(update, *view.card(lang_of(update, context), await meetings.walk_at(core, actor, item.id)))
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop(PENDING, None)
    await say(update, t(lang_of(update, context), "meeting.decision_cancelled"))
    return END


def build_handlers() -> list[AnyHandler]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        decision = ConversationHandler(
            name="meeting_decision",
            persistent=True,
            allow_reentry=True,
            entry_points=[CallbackQueryHandler(ask_decision, pattern=view.DECIDE.pattern)],
            states={
                DECISION: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE, decision_text),
                    MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL & PRIVATE, text_only),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [
        decision,
        CommandHandler("meeting", meeting_command),
        CallbackQueryHandler(next_button, pattern=view.NEXT.pattern),
        CallbackQueryHandler(show_button, pattern=view.SHOW.pattern),
        CallbackQueryHandler(owners_button, pattern=view.OWNERS.pattern),
        CallbackQueryHandler(owner_button, pattern=view.OWNER.pattern),
        CallbackQueryHandler(dates_button, pattern=view.DATES.pattern),
        CallbackQueryHandler(date_button, pattern=view.DATE.pattern),
        CallbackQueryHandler(close_button, pattern=view.CLOSE.pattern),
        CallbackQueryHandler(told_button, pattern=view.TOLD.pattern),
    ]
