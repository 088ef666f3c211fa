"""Leaving a guided conversation the gate ended before the handlers ran (bot/gate/expiry.py): a
command typed inside it, or no answer for `bot.conversation_idle_minutes`. Registered in a group of
its own before every other handler: it drops the conversation's drafts, says in one line what was
dropped, and the update then goes on to the handlers as usual (the command runs)."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.gate.expiry import LEAVES_NOTHING, Why, command_of, ended_now
from bot.views.leaving import dropped_note

from . import (
    board,
    emergency_start,
    event_new,
    households,
    loudspeaker,
    places,
    relay,
    request_steps,
    tasks,
    volunteer_questions,
)
from .base import AnyHandler, Ctx, core_of, lang_of, say

GROUP = -1  # before the conversations and commands (group 0)

# each conversation's drafts in the person's user data (ConversationHandler name: keys)
DRAFTS: dict[str, tuple[str, ...]] = {
    "request": (request_steps.DRAFT,),
    "volunteer_signup": (volunteer_questions.DRAFT,),
    "volunteer_profile": ("profile_field",),
    "household_add": (households.DRAFT,),
    "places": (places.DRAFT,),
    "new_event": (event_new.DRAFT,),
    "emergency_start": (emergency_start.DRAFT,),
    "notice": (loudspeaker.DRAFT,),
    "visit_log": ("visit",),
    "board_reason": (board.PENDING,),
    "relay": (relay.PENDING,),
    "task_report": (tasks.PENDING,),
    "rating": ("rating",),
    "meeting_decision": ("meeting_decision",),
    "care_plan": ("care",),
    "care_done": ("care_done",),
    "referral_answer": ("referral_answer",),
    "building_name": ("building_name",),
    "department_edit": ("department_edit",),
}


async def leave(update: Update, context: Ctx) -> None:
    ended = ended_now()
    drafts = context.user_data
    if drafts is not None:
        for e in ended:
            for key in DRAFTS.get(e.name, ()):
                drafts.pop(key, None)
    chat = update.effective_chat
    if chat is None:
        return
    lang, minutes = lang_of(update, context), core_of(context).cfg.bot.conversation_idle_minutes
    text = "\n".join(dropped_note(lang, e.name, minutes if e.why is Why.idle else None) for e in ended)
    # a step's reply keyboard (share my phone...) goes with it
    await say(update, text, reply_markup=ReplyKeyboardRemove() if chat.type == "private" else None)
    if command_of(update, context.bot.username) in LEAVES_NOTHING:
        raise ApplicationHandlerStop  # /cancel: it is over already, the note said so


class _WhenEnded(TypeHandler[Update, Ctx, None]):
    """Every update for which the gate ended a conversation, and no other."""

    def check_update(self, update: object) -> bool:
        return bool(ended_now()) and super().check_update(update)


def build_handler() -> AnyHandler:
    return _WhenEnded(Update, leave)
