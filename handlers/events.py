"""/events, sign-up and withdrawal buttons (on group cards and in private), the attendance check.

Callback data (bot/views/events.py): `event:join:<id>`, `event:leave:<id>`, `event:roll:<id>`,
`event:att:<id>:<person>:<1|0>`. /newevent is the conversation in handlers/event_new.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.i18n import tp
from bot.services import events
from bot.views import events as view

from . import event_new
from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say


@domain_errors
async def events_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    views = await events.visible_events(core_of(context), actor_of(update))
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    await say(update, *view.event_list(lang, views, private=private))


@domain_errors
async def join_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    res = await events.sign_up(core_of(context), actor_of(update), view.JOIN.parse_id(q.data))
    text, alert = view.signup_answer(lang_of(update, context), res, joining=True)
    await q.answer(text, show_alert=alert)


@domain_errors
async def leave_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    res = await events.withdraw(core_of(context), actor_of(update), view.LEAVE.parse_id(q.data))
    text, alert = view.signup_answer(lang_of(update, context), res, joining=False)
    await q.answer(text, show_alert=alert)


@domain_errors
async def roll_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(tp(lang, "events.private_only"), show_alert=True)
        return
    roster = await events.roster(core_of(context), actor_of(update), view.ROLL.parse_id(q.data))
    await q.answer()
    await say(update, *view.roster_message(lang, roster))


@domain_errors
async def attendance_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(tp(lang, "events.private_only"), show_alert=True)
        return
    event_id, person_id, flag = view.ATTENDANCE.parse(q.data)
    res, roster = await events.check_in(core_of(context), actor_of(update), event_id, person_id, flag == "1")
    await q.answer(view.marked(lang, res))
    await edit_or_say(update, *view.roster_message(lang, roster))


def build_handlers() -> list[AnyHandler]:
    return [
        event_new.conversation(),
        CommandHandler("events", events_command),
        CallbackQueryHandler(join_button, pattern=view.JOIN.pattern),
        CallbackQueryHandler(leave_button, pattern=view.LEAVE.pattern),
        CallbackQueryHandler(roll_button, pattern=view.ROLL.pattern),
        CallbackQueryHandler(attendance_button, pattern=view.ATTENDANCE.pattern),
    ]
