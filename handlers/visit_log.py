"""Logging a door visit from buttons: outcome, a note (or skip), red flags and "turn into a request".

Entry: the button `visit:log:<household_id>` (on /visits and on the scheduler's Friday list).
The draft lives in user_data["visit"]; every press carries the household id and must match it,
so an old keyboard changes nothing. Nothing is stored until the last step calls the service.
"""
from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.i18n import Raw, t, tp
from bot.services.visits import door_visits as visits
from bot.services.kernel.errors import DomainError
from bot.services.kernel.notifier import Button
from bot.services.visits.door_visits import FLAG_KEYS, NOTE_MAX, OUTCOME_KEYS
from storage.enums import Category, RedFlag, VisitOutcome

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say, end_conversation

OUTCOME, NOTE, FLAGS, ASK_REQUEST, REQUEST_TEXT = range(5)
SKIP_WORDS = {"skip", "跳过", "-", "无", "没有", "no"}
CATEGORY_KEYS = {Category.micro_wish: "visit.category.micro_wish", Category.elder_care: "visit.category.elder_care",
                 Category.repairs: "visit.category.repairs", Category.errands: "visit.category.errands",
                 Category.health: "visit.category.health", Category.paperwork: "visit.category.paperwork",
                 Category.moving: "visit.category.moving", Category.other: "visit.category.other"}


def _draft(context: Ctx) -> dict:
    return context.user_data.setdefault("visit", {}) if context.user_data is not None else {}


def _matches(context: Ctx, household_id: str) -> bool:
    d = _draft(context)
    return str(d.get("hh")) == household_id


async def _lost(update: Update, context: Ctx) -> bool:
    """A typed step whose draft is gone (e.g. the log was restarted elsewhere): say so and end."""
    d = _draft(context)
    if d.get("hh") and d.get("outcome") in VisitOutcome.__members__:
        return False
    context.user_data.pop("visit", None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "visit.stale"))
    return True


async def _stale(update: Update, context: Ctx) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(tp(lang_of(update, context), "visit.stale"), show_alert=True)


def _outcome_buttons(lang: str, hh: int) -> list[list[Button]]:
    return [[Button(tp(lang, OUTCOME_KEYS[o]), data=f"visit:out:{hh}:{o.value}")] for o in VisitOutcome] + \
        [[Button(tp(lang, "visit.button.cancel"), data="visit:cancel")]]


@domain_errors
async def start_log(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await q.answer(tp(lang, "visit.private_only"), show_alert=True)
        return ConversationHandler.END
    hh = int(q.data.split(":")[2])
    week = await visits.check_can_log(core_of(context), actor_of(update), hh)
    context.user_data["visit"] = {"hh": hh, "week": week, "outcome": None, "note": "", "flags": [], "cat": None}  # type: ignore[index]
    await q.answer()
    # a new message: the list the button came from (e.g. the Friday list) stays as it is
    await say(update, t(lang, "visit.ask.outcome", id=hh, week=week), _outcome_buttons(lang, hh))
    return OUTCOME


async def choose_outcome(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, _, hh, outcome = q.data.split(":")
    if not _matches(context, hh):
        await _stale(update, context)
        return None
    lang = lang_of(update, context)
    _draft(context)["outcome"] = outcome
    await q.answer()
    await edit_or_say(update, t(lang, "visit.ask.note", outcome=tp(lang, OUTCOME_KEYS[VisitOutcome(outcome)]), max=NOTE_MAX),
                      [[Button(tp(lang, "visit.button.skip"), data=f"visit:skip:{hh}")],
                       [Button(tp(lang, "visit.button.cancel"), data="visit:cancel")]])
    return NOTE


@domain_errors
async def note_text(update: Update, context: Ctx) -> int | None:
    assert update.message is not None
    if await _lost(update, context):
        return ConversationHandler.END
    text = update.message.text or ""
    d = _draft(context)
    d["note"] = "" if text.strip().lower() in SKIP_WORDS else visits.check_note(text)
    return await _after_note(update, context)


async def skip_note(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if not _matches(context, q.data.split(":")[2]):
        await _stale(update, context)
        return None
    await q.answer()
    _draft(context)["note"] = ""
    return await _after_note(update, context)


async def _after_note(update: Update, context: Ctx) -> int:
    d = _draft(context)
    if d.get("outcome") != VisitOutcome.needs_help.value:
        return await _finish(update, context)
    await _show_flags(update, context, new_message=update.callback_query is None)
    return FLAGS


def _flag_buttons(lang: str, hh: int, chosen: list[str]) -> list[list[Button]]:
    rows = [[Button(("☑️ " if f.value in chosen else "⬜ ") + tp(lang, FLAG_KEYS[f]), data=f"visit:flag:{hh}:{f.value}")]
            for f in RedFlag]
    return rows + [[Button(tp(lang, "visit.button.flags_done"), data=f"visit:flagsok:{hh}")]]


async def _show_flags(update: Update, context: Ctx, *, new_message: bool) -> None:
    lang, d = lang_of(update, context), _draft(context)
    text, buttons = t(lang, "visit.ask.flags"), _flag_buttons(lang, d["hh"], d.get("flags") or [])
    await (say(update, text, buttons) if new_message else edit_or_say(update, text, buttons))


async def toggle_flag(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, _, hh, flag = q.data.split(":")
    if not _matches(context, hh):
        await _stale(update, context)
        return None
    flags: list[str] = _draft(context).setdefault("flags", [])
    flags.remove(flag) if flag in flags else flags.append(flag)
    await q.answer()
    await _show_flags(update, context, new_message=False)
    return None


async def flags_done(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    hh = q.data.split(":")[2]
    if not _matches(context, hh):
        await _stale(update, context)
        return None
    await q.answer()
    lang = lang_of(update, context)
    rows = [[Button(tp(lang, CATEGORY_KEYS[c]), data=f"visit:req:{hh}:{c.value}")] for c in Category]
    rows.append([Button(tp(lang, "visit.button.no_request"), data=f"visit:req:{hh}:no")])
    await edit_or_say(update, t(lang, "visit.ask.request"), rows)
    return ASK_REQUEST


async def choose_request(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    _, _, hh, cat = q.data.split(":")
    if not _matches(context, hh) or (cat != "no" and cat not in Category.__members__):
        await _stale(update, context)
        return None
    await q.answer()
    d = _draft(context)
    d["cat"] = None if cat == "no" else cat
    if d["cat"] and not d.get("note"):
        await edit_or_say(update, t(lang_of(update, context), "visit.ask.request_text", max=NOTE_MAX))
        return REQUEST_TEXT
    return await _finish(update, context)


@domain_errors
async def request_text(update: Update, context: Ctx) -> int | None:
    assert update.message is not None
    if await _lost(update, context):
        return ConversationHandler.END
    _draft(context)["note"] = visits.check_note(update.message.text, required=True)
    return await _finish(update, context)


async def _finish(update: Update, context: Ctx) -> int:
    lang, d = lang_of(update, context), _draft(context)
    context.user_data.pop("visit", None)  # type: ignore[union-attr]
    try:
        done = await visits.record_visit(core_of(context), actor_of(update), int(d["hh"]), d.get("outcome") or "", d.get("note", ""),
                                         d.get("flags") or [], d.get("cat"))
    except DomainError as e:
        await say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    parts = [t(lang, "visit.logged", id=done.visit.household_id, week=done.visit.week,
               outcome=tp(lang, OUTCOME_KEYS[VisitOutcome(done.visit.outcome)]))]
    if done.points:
        parts.append(t(lang, "visit.logged.points", points=done.points))
    if done.visit.red_flags:
        parts.append(t(lang, "visit.logged.alerted", n=done.alerted))
    if done.request_code:
        parts.append(t(lang, "visit.logged.request", code=done.request_code))
    if done.request_error:
        parts.append(t(lang, "visit.logged.request_failed", reason=Raw(t(lang, done.request_error, **done.request_error_params))))
    await say(update, "\n".join(parts))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await end_conversation(update, context, "visit", "visit.cancelled")


def conversation() -> BaseHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # mixed message/button steps: per_message=False is what we want
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(start_log, pattern=r"^visit:log:\d{1,9}$")],
            states={
                OUTCOME: [CallbackQueryHandler(choose_outcome, pattern=r"^visit:out:\d{1,9}:(met|not_home|needs_help)$")],
                NOTE: [MessageHandler(text, note_text), CallbackQueryHandler(skip_note, pattern=r"^visit:skip:\d{1,9}$")],
                FLAGS: [CallbackQueryHandler(toggle_flag, pattern=r"^visit:flag:\d{1,9}:(fall|no_food|no_heating|safety)$"),
                        CallbackQueryHandler(flags_done, pattern=r"^visit:flagsok:\d{1,9}$")],
                ASK_REQUEST: [CallbackQueryHandler(choose_request, pattern=r"^visit:req:\d{1,9}:[a-z_]{1,20}$")],
                REQUEST_TEXT: [MessageHandler(text, request_text)],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=r"^visit:cancel$")],
            name="visit_log", persistent=True, allow_reentry=True)
