"""Emergency call-up buttons and /emergency end.

Callback data (bot/views/emergency.py): `emg:on:<id>` / `emg:cant:<id>` (a shock-team volunteer
answers the call-up), `emg:end:<id>` (an admin switches back). Starting one is the conversation in
emergency_start.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.services import emergency
from bot.views import emergency as view

from . import emergency_start
from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of
from .emergency_start import end_and_report


@domain_errors
async def answer_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    on = view.ON_DUTY.matches(q.data)
    emergency_id = (view.ON_DUTY if on else view.CANT).parse_id(q.data)
    lang = lang_of(update, context)
    res = await emergency.answer_call_up(core_of(context), actor_of(update), emergency_id, "on_duty" if on else "cant")
    toast, text, buttons = view.answered(lang, res, emergency_id)
    await q.answer(toast)
    await edit_or_say(update, text, buttons)


@domain_errors
async def end_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    await end_and_report(update, context, view.END.parse_id(q.data))


def build_handlers() -> list[AnyHandler]:
    return [
        emergency_start.conversation(),
        CallbackQueryHandler(answer_button, pattern=view.ON_DUTY.pattern),
        CallbackQueryHandler(answer_button, pattern=view.CANT.pattern),
        CallbackQueryHandler(end_button, pattern=view.END.pattern),
    ]
