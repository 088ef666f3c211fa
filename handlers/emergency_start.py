"""/emergency (admins, private chat): choose the community or a grid, the reason, the headcount
target, confirm; /emergency end switches back. The draft lives in user_data["emergency"]."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services import emergency
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.views import emergency as view

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    begins_at,
    core_of,
    domain_errors,
    draft,
    edit_or_say,
    end_conversation,
    lang_of,
    message_of,
    say,
    superseded,
    user_data,
)

SCOPE, REASON, TARGET, CONFIRM = range(4)
DRAFT = "emergency"


async def _lost(update: Update, context: Ctx, *keys: str) -> bool:
    """The draft lost a step: say so and end, instead of guessing."""
    if all(k in draft(context, DRAFT) for k in keys):
        return False
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "emergency.stale"))
    return True


async def end_and_report(update: Update, context: Ctx, emergency_id: int) -> None:
    lang = lang_of(update, context)
    res = await emergency.end_emergency(core_of(context), actor_of(update), emergency_id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, view.ended(lang, res.on_duty, res.awarded))


async def _end_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    choice = await emergency.end_active(core_of(context), actor_of(update))
    if choice.ended is not None:
        await say(update, view.ended(lang, choice.ended.on_duty, choice.ended.awarded))
    elif not choice.choices:
        await say(update, t(lang, "emergency.none_active"))
    else:
        await say(update, *view.pick_end(lang, choice.choices))


@domain_errors
async def start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, t(lang, "emergency.private_only"))
        return ConversationHandler.END
    args = [a.lower() for a in (context.args or [])]
    if args and args != ["end"]:
        raise InvalidInput("emergency.error.bad_command")
    if args == ["end"]:
        await _end_command(update, context)
        return ConversationHandler.END
    menu = await emergency.emergency_menu(core_of(context), actor_of(update))  # admins only
    text, rows, offered = view.menu(lang, menu)
    user_data(context)[DRAFT] = {"allowed": offered}
    begins_at(draft(context, DRAFT), message_of(update).message_id)  # an earlier run's buttons are stale
    await say(update, text, rows)
    return SCOPE


@domain_errors
async def choose_scope(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    lang = lang_of(update, context)
    view.SCOPE.parse(q.data)
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    name = draft(context, DRAFT).get("allowed", {}).get(q.data)
    if name is None:
        await q.answer(tp(lang, "emergency.stale"), show_alert=True)
        return None
    draft(context, DRAFT).update(scope=q.data, place=name)
    await q.answer()
    await edit_or_say(update, *view.ask_reason(lang, name))
    return REASON


@domain_errors
async def got_reason(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "scope", "place"):
        return ConversationHandler.END
    draft(context, DRAFT)["reason"] = emergency.check_reason(update.message.text)
    await say(update, *view.ask_target(lang_of(update, context), emergency.TARGET_MAX))
    return TARGET


@domain_errors
async def got_target(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "scope", "place", "reason"):
        return ConversationHandler.END
    d, lang = draft(context, DRAFT), lang_of(update, context)
    d["target"] = emergency.check_target(update.message.text)
    await say(update, *view.confirm(lang, d["place"], d["reason"], d["target"]))
    return CONFIRM


async def go(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None
    if await superseded(update, context, draft(context, DRAFT)):  # an earlier run's confirmation
        return None
    d, lang = dict(draft(context, DRAFT)), lang_of(update, context)
    user_data(context).pop(DRAFT, None)
    await q.answer()
    if not all(k in d for k in ("target", "scope", "reason", "place")):
        await edit_or_say(update, t(lang, "emergency.stale"))
        return ConversationHandler.END
    try:
        kind, sid = view.SCOPE.parse(d["scope"])
        started = await emergency.start_emergency(
            core_of(context),
            actor_of(update),
            community_id=sid if kind == "community" else None,
            grid_id=sid if kind == "grid" else None,
            reason=d["reason"],
            target=int(d["target"]),
        )
    except DomainError as e:
        await edit_or_say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    await edit_or_say(update, view.started(lang, d["place"], started.called))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int | None:
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    return await end_conversation(update, context, DRAFT, "emergency.cancelled")


def conversation() -> AnyHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # message and button steps mixed: per_message=False is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("emergency", start)],
            states={
                SCOPE: [CallbackQueryHandler(choose_scope, pattern=view.SCOPE.pattern)],
                REASON: [MessageHandler(text, got_reason)],
                TARGET: [MessageHandler(text, got_target)],
                CONFIRM: [CallbackQueryHandler(go, pattern=view.GO.pattern)],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=view.CANCEL.pattern)],
            name="emergency_start",
            persistent=True,
            allow_reentry=True,
        )
