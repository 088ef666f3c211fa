"""/care: a grid leader's care plans (关爱计划) for special households: the plans and the households to
choose; setting one up asks what (typed), how often and who (buttons): a small persistent conversation,
"care_plan". A plan's card and its changes: handlers/care_plans.py; the volunteer's "done" with its note:
handlers/care_done.py. Callback data: bot/views/care.py."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import care
from bot.services.kernel.errors import InvalidInput, NotAllowed
from bot.services.kernel.ids import parse_row_id
from bot.views import care as view
from bot.views import care_plans as plans_view
from bot.views.callbacks import StaleButton

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    ask,
    begins_at,
    core_of,
    domain_errors,
    edit_or_say,
    end_conversation,
    lang_of,
    message_of,
    press_data,
    query_of,
    say,
    stale_press,
    superseded,
    user_data,
)

WHAT, RULE, WHO = range(3)
END = ConversationHandler.END
DRAFT = "care"
PRIVATE = filters.ChatType.PRIVATE


def _draft(context: Ctx) -> dict[str, Any]:
    d: dict[str, Any] = user_data(context).get(DRAFT) or {}
    return d


async def _private(update: Update, context: Ctx) -> bool:
    if update.effective_chat is not None and update.effective_chat.type == "private":
        return True
    await say(update, t(lang_of(update, context), "care.private_only"))
    return False


@domain_errors
async def care_command(update: Update, context: Ctx) -> int | None:
    """/care: the plans and the special households; /care <household number>: set one up."""
    if not await _private(update, context):
        return END
    core, actor, lang = core_of(context), actor_of(update), lang_of(update, context)
    if context.args:
        household_id = parse_row_id(context.args[0].lstrip("#"))
        if not household_id or len(context.args) > 1:
            raise InvalidInput("care.error.bad_arg")
        return await _begin(update, context, household_id)
    try:
        plans = await care.grid_plans(core, actor)
    except NotAllowed:  # not a leader: a volunteer's own care tasks and plans
        await say(update, *view.my_care(lang, await care.my_care(core, actor)))
        return END
    households = await care.special_households(core, actor)
    await say(update, *plans_view.plans_list(lang, plans, households))
    return END


@domain_errors
async def household_button(update: Update, context: Ctx) -> int | None:
    household_id = view.HOUSEHOLD.parse_id(press_data(update))
    await query_of(update).answer()
    return await _begin(update, context, household_id)


async def _begin(update: Update, context: Ctx, household_id: int) -> int:
    setup = await care.plan_setup(core_of(context), actor_of(update), household_id)
    user_data(context)[DRAFT] = {"hh": setup.household_id}
    begins_at(user_data(context)[DRAFT], await ask(update, *view.ask_what(lang_of(update, context), setup)))
    return WHAT


@domain_errors
async def what_text(update: Update, context: Ctx) -> int | None:
    d = _draft(context)
    if not d.get("hh"):
        return await _lost(update, context)
    d["what"] = care.check_what(message_of(update).text)
    await say(update, *view.ask_rule(lang_of(update, context), int(d["hh"]), d["what"]))
    return RULE


async def _pressed(update: Update, context: Ctx, codec: Any) -> tuple[Any, ...] | None:
    """The parts of a press of this step for the household being set up; None (a stale press) otherwise."""
    d = _draft(context)
    if await superseded(update, context, d):
        return None
    try:
        parts = codec.parse(press_data(update))
    except StaleButton:
        parts = None
    if parts is None or str(parts[0]) != str(d.get("hh")) or not d.get("what"):
        await stale_press(update, context)
        return None
    return tuple(parts)


@domain_errors
async def rule_button(update: Update, context: Ctx) -> int | None:
    pressed = await _pressed(update, context, view.RULE)
    if pressed is None:
        return None
    weekday, every = view.parse_rule(pressed[1])
    d = _draft(context)
    d["weekday"], d["every"] = weekday, every
    setup = await care.plan_setup(core_of(context), actor_of(update), int(d["hh"]))
    await query_of(update).answer()
    await edit_or_say(update, *view.ask_who(lang_of(update, context), setup))
    return WHO


@domain_errors
async def who_button(update: Update, context: Ctx) -> int | None:
    pressed = await _pressed(update, context, view.WHO)
    if pressed is None:
        return None
    d = _draft(context)
    if "weekday" not in d:
        return await _lost(update, context)
    plan = await care.create_plan(
        core_of(context),
        actor_of(update),
        int(d["hh"]),
        str(d["what"]),
        weekday=d.get("weekday"),
        every_days=d.get("every"),
        volunteer_id=int(pressed[1]) or None,
    )
    user_data(context).pop(DRAFT, None)
    await query_of(update).answer()
    await edit_or_say(update, view.saved(lang_of(update, context), plan))
    return END


async def _lost(update: Update, context: Ctx) -> int:
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "care.lost"))
    return END


async def cancel(update: Update, context: Ctx) -> int:
    return await end_conversation(update, context, DRAFT, "care.cancelled")


def build_handlers() -> list[AnyHandler]:
    text = filters.TEXT & ~filters.COMMAND & PRIVATE
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        plan = ConversationHandler(
            name="care_plan",
            persistent=True,
            allow_reentry=True,
            entry_points=[
                CommandHandler("care", care_command),
                CallbackQueryHandler(household_button, pattern=view.HOUSEHOLD.pattern),
            ],
            states={
                WHAT: [MessageHandler(text, what_text)],
                RULE: [CallbackQueryHandler(rule_button, pattern=view.RULE.pattern)],
                WHO: [CallbackQueryHandler(who_button, pattern=view.WHO.pattern)],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=view.CANCEL.pattern)],
        )
    return [plan]
