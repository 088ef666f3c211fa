"""Paired work units (包联单位): /newunit and /units (admins), the pairing buttons, /unit (a unit's
contact, a button per live claim), "claim for my unit" on a card and putting members on the unit's task.
Giving the unit's task back asks a reason in the task_report conversation (tasks.py), as a volunteer's does. Private chat only; every press is re-checked by the service. The unit steps of the sign-up
and of /profile are in volunteers.py and volunteer_profile.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.i18n import t, tp
from bot.services import requests, units
from bot.services.kernel.errors import InvalidInput
from bot.services.kernel.inputs import person_ref
from bot.views import units as views
from bot.views.requests.callbacks import TASK_UNIT_CLAIM

from .base import AnyHandler, Ctx, actor_of, core_of, domain_errors, lang_of, press_data, say
from .pickers import answer, show

PRIVATE = filters.ChatType.PRIVATE


@domain_errors
async def new_unit(update: Update, context: Ctx) -> None:
    """`/newunit NAME CONTACT`: the contact is the last word (@username or Telegram id)."""
    lang = lang_of(update, context)
    args = list(context.args or [])
    if len(args) < 2:
        await say(update, t(lang, "units.newunit_usage"))
        return
    try:
        ref = person_ref(args[-1])
    except InvalidInput:
        await say(update, t(lang, "units.newunit_usage"))
        return
    summary = await units.save_unit(core_of(context), actor_of(update), " ".join(args[:-1]), ref)
    await say(update, *views.summary(lang, summary))


@domain_errors
async def list_units(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    found = await units.admin_units(core_of(context), actor_of(update))
    if not found:
        await say(update, t(lang, "units.none_yet"))
        return
    for summary in found:
        await say(update, *views.summary(lang, summary))


@domain_errors
async def pair(update: Update, context: Ctx) -> None:
    unit_id, community_id, value = views.UNIT_PAIR.parse(press_data(update))
    summary = await units.set_pairing(core_of(context), actor_of(update), unit_id, community_id, value == 1)
    await answer(update)
    await show(update, *views.summary(lang_of(update, context), summary))


@domain_errors
async def my_unit(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    rosters = await units.my_units(core_of(context), actor_of(update))
    if not rosters:
        await say(update, t(lang, "units.not_a_contact"))
        return
    for roster in rosters:
        await say(update, *views.roster(lang, roster))


@domain_errors
async def claim(update: Update, context: Ctx) -> None:
    """ "Claim for my unit" on a group card: the contact's private chat gets the claim (outbox)."""
    view = await requests.claim_for_unit(
        core_of(context), actor_of(update), TASK_UNIT_CLAIM.parse_id(press_data(update))
    )
    await answer(update, tp(lang_of(update, context), "units.claimed_answer", unit=view.unit, code=view.code))


@domain_errors
async def assign(update: Update, context: Ctx) -> None:
    claim_id, person_id = views.UNIT_ASSIGN.parse(press_data(update))
    view = await requests.assign_member(core_of(context), actor_of(update), claim_id, person_id)
    lang = lang_of(update, context)
    await answer(update, tp(lang, "units.assigned_answer"))
    await show(update, views.claim_text(lang, view), views.claim_buttons(view, lang))


@domain_errors
async def show_claim(update: Update, context: Ctx) -> None:
    """/unit's button: the unit's task as it is now, with its buttons (members, give back)."""
    view = await requests.unit_claim(core_of(context), actor_of(update), views.UNIT_SHOW.parse_id(press_data(update)))
    lang = lang_of(update, context)
    await answer(update)
    await say(update, views.claim_text(lang, view), views.claim_buttons(view, lang))


@domain_errors
async def report(update: Update, context: Ctx) -> None:
    """📋 on /unit: the unit's report of last month (or this month so far) to the contact, now."""
    unit_id, which = views.UNIT_REPORT.parse(press_data(update))
    asked = await units.ask_unit_report(core_of(context), actor_of(update), unit_id, this_month=which == 1)
    await answer(update, views.report_asked(lang_of(update, context), asked))


def build_handlers() -> list[AnyHandler]:
    return [
        CommandHandler("newunit", new_unit, filters=PRIVATE),
        CommandHandler("units", list_units, filters=PRIVATE),
        CommandHandler("unit", my_unit, filters=PRIVATE),
        CallbackQueryHandler(pair, pattern=views.UNIT_PAIR.pattern),
        CallbackQueryHandler(claim, pattern=TASK_UNIT_CLAIM.pattern),
        CallbackQueryHandler(assign, pattern=views.UNIT_ASSIGN.pattern),
        CallbackQueryHandler(show_claim, pattern=views.UNIT_SHOW.pattern),
        CallbackQueryHandler(report, pattern=views.UNIT_REPORT.pattern),
    ]
