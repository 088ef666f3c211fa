"""A care plan's card in a leader's chat (⚙️ in /care's list): pause, resume, change how often, end
(asked twice). Each press is checked again by the service (the leader's grid, the plan's state now):
an old button finds the plan moved on and changes nothing. Callback data: bot/views/care_plans.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.services import care
from bot.views import care as care_view
from bot.views import care_plans as view

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, press_data, query_of


@domain_errors
async def plan_button(update: Update, context: Ctx) -> None:
    card = await care.plan_card(core_of(context), actor_of(update), view.PLAN.parse_id(press_data(update)))
    await query_of(update).answer()
    await edit_or_say(update, *view.card(lang_of(update, context), card))


@domain_errors
async def pause_button(update: Update, context: Ctx) -> None:
    card = await care.pause_plan(core_of(context), actor_of(update), view.PAUSE.parse_id(press_data(update)))
    lang = lang_of(update, context)
    await query_of(update).answer()
    await edit_or_say(update, *view.card(lang, card, view.flash(lang, "paused", card)))


@domain_errors
async def resume_button(update: Update, context: Ctx) -> None:
    card = await care.resume_plan(core_of(context), actor_of(update), view.RESUME.parse_id(press_data(update)))
    lang = lang_of(update, context)
    await query_of(update).answer()
    await edit_or_say(update, *view.card(lang, card, view.flash(lang, "resumed", card)))


@domain_errors
async def freq_button(update: Update, context: Ctx) -> None:
    card = await care.plan_card(core_of(context), actor_of(update), view.FREQ.parse_id(press_data(update)), live=True)
    await query_of(update).answer()
    await edit_or_say(update, *view.ask_freq(lang_of(update, context), card))


@domain_errors
async def set_rule_button(update: Update, context: Ctx) -> None:
    plan_id, word = view.SET_RULE.parse(press_data(update))
    weekday, every = care_view.parse_rule(word)
    card = await care.change_rule(core_of(context), actor_of(update), plan_id, weekday=weekday, every_days=every)
    lang = lang_of(update, context)
    await query_of(update).answer()
    await edit_or_say(update, *view.card(lang, card, view.flash(lang, "rule", card)))


@domain_errors
async def end_button(update: Update, context: Ctx) -> None:
    card = await care.plan_card(
        core_of(context), actor_of(update), care_view.END.parse_id(press_data(update)), live=True
    )
    await query_of(update).answer()
    await edit_or_say(update, *view.ask_end(lang_of(update, context), card))


@domain_errors
async def end_yes_button(update: Update, context: Ctx) -> None:
    card = await care.end_plan(core_of(context), actor_of(update), view.END_YES.parse_id(press_data(update)))
    await query_of(update).answer()
    await edit_or_say(update, view.ended(lang_of(update, context), card))


def build_handlers() -> list[AnyHandler]:
    return [
        CallbackQueryHandler(plan_button, pattern=view.PLAN.pattern),
        CallbackQueryHandler(pause_button, pattern=view.PAUSE.pattern),
        CallbackQueryHandler(resume_button, pattern=view.RESUME.pattern),
        CallbackQueryHandler(freq_button, pattern=view.FREQ.pattern),
        CallbackQueryHandler(set_rule_button, pattern=view.SET_RULE.pattern),
        CallbackQueryHandler(end_button, pattern=care_view.END.pattern),
        CallbackQueryHandler(end_yes_button, pattern=view.END_YES.pattern),
    ]
