"""Emergency call-up buttons and /emergency end.

Callback data: `emg:on:<id>` / `emg:cant:<id>` (a shock-team volunteer answers the call-up),
`emg:end:<id>` (an admin switches back). Starting one is the conversation in emergency_start.py.
"""
from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.i18n import t, tp
from bot.services.emergency import callups as emergency
from bot.services.emergency.callups import callup_buttons

from . import emergency_start
from .emergency_start import end_and_report
from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of

ANSWER_KEYS = {"on_duty": "emergency.answer.on_duty", "cant": "emergency.answer.cant"}


@domain_errors
async def answer_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, action, emergency_id = q.data.split(":")
    answer = "on_duty" if action == "on" else "cant"
    lang = lang_of(update, context)
    res = await emergency.answer_call_up(core_of(context), actor_of(update), int(emergency_id), answer)
    label = tp(lang, ANSWER_KEYS[res.answer])
    await q.answer(tp(lang, "emergency.answered" if res.changed else "emergency.answered_same", answer=label))
    em = res.emergency
    text = t(lang, "emergency.callup", place=res.place, reason=em.reason, target=em.target) + "\n\n" + \
        t(lang, "emergency.your_answer", answer=label)
    await edit_or_say(update, text, callup_buttons(lang, em.id))  # type: ignore[arg-type]


@domain_errors
async def end_button(update: Update, context: Ctx) -> None:
    q = update.callback_query
    assert q is not None and q.data is not None
    await end_and_report(update, context, int(q.data.split(":")[2]))


def build_handlers() -> list[BaseHandler]:
    return [
        emergency_start.conversation(),
        CallbackQueryHandler(answer_button, pattern=r"^emg:(on|cant):\d{1,9}$"),
        CallbackQueryHandler(end_button, pattern=r"^emg:end:\d{1,9}$"),
    ]
