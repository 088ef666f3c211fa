"""/emergency (admins, private chat): choose the community or a grid, the reason, the headcount
target, confirm; /emergency end switches back. The draft lives in user_data["emergency"]."""
from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.emergency import callups as emergency
from bot.services.kernel.errors import DomainError, InvalidInput
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say, end_conversation

SCOPE, REASON, TARGET, CONFIRM = range(4)
DRAFT = "emergency"


def _draft(context: Ctx) -> dict:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


async def _lost(update: Update, context: Ctx, *keys: str) -> bool:
    """The draft lost a step: say so and end, instead of guessing."""
    if all(k in _draft(context) for k in keys):
        return False
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "emergency.stale"))
    return True


def _cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "emergency.button.cancel"), data="emg:cancel")]


async def end_and_report(update: Update, context: Ctx, emergency_id: int) -> None:
    lang = lang_of(update, context)
    res = await emergency.end_emergency(core_of(context), actor_of(update), emergency_id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, t(lang, "emergency.ended", on_duty=res.on_duty, awarded=res.awarded))


async def _end_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    choice = await emergency.end_active(core_of(context), actor_of(update))
    if choice.ended is not None:
        await say(update, t(lang, "emergency.ended", on_duty=choice.ended.on_duty, awarded=choice.ended.awarded))
    elif not choice.choices:
        await say(update, t(lang, "emergency.none_active"))
    else:
        await say(update, t(lang, "emergency.pick_end"), [[Button(tp(lang, "emergency.button.end_place", place=place),
                                                                  data=f"emg:end:{em.id}")] for em, place in choice.choices])


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
    scopes, active = menu.scopes, menu.active
    rows: list[list[Button]] = []
    allowed: dict[str, str] = {}
    for sc in scopes:
        allowed[f"community:{sc.community_id}"] = sc.community
        rows.append([Button(tp(lang, "emergency.scope.community", name=sc.community), data=f"emg:scope:community:{sc.community_id}")])
        for gid, name in sc.grids[:30]:
            allowed[f"grid:{gid}"] = name
            rows.append([Button(tp(lang, "emergency.scope.grid", name=name), data=f"emg:scope:grid:{gid}")])
    context.user_data[DRAFT] = {"allowed": allowed}  # type: ignore[index]
    text = t(lang, "emergency.ask.scope")
    if active:
        text = t(lang, "emergency.active_list", places="、".join(p for _, p in active)) + "\n\n" + text
        rows = [[Button(tp(lang, "emergency.button.end_place", place=p), data=f"emg:end:{em.id}")] for em, p in active] + rows
    await say(update, text, rows[:60] + [_cancel_row(lang)])
    return SCOPE


async def choose_scope(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    key, lang = q.data.split(":", 2)[2], lang_of(update, context)
    name = _draft(context).get("allowed", {}).get(key)
    if name is None:
        await q.answer(tp(lang, "emergency.stale"), show_alert=True)
        return None
    _draft(context).update(scope=key, place=name)
    await q.answer()
    await edit_or_say(update, t(lang, "emergency.ask.reason", place=name), [_cancel_row(lang)])
    return REASON


@domain_errors
async def got_reason(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "scope", "place"):
        return ConversationHandler.END
    _draft(context)["reason"] = emergency.check_reason(update.message.text)
    await say(update, t(lang_of(update, context), "emergency.ask.target", max=emergency.TARGET_MAX),
              [_cancel_row(lang_of(update, context))])
    return TARGET


@domain_errors
async def got_target(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "scope", "place", "reason"):
        return ConversationHandler.END
    d, lang = _draft(context), lang_of(update, context)
    d["target"] = emergency.check_target(update.message.text)
    await say(update, t(lang, "emergency.confirm", place=d["place"], reason=d["reason"], target=d["target"]),
              [[Button(tp(lang, "emergency.button.start"), data="emg:go")], _cancel_row(lang)])
    return CONFIRM


async def go(update: Update, context: Ctx) -> int:
    q = update.callback_query
    assert q is not None
    d, lang = dict(_draft(context)), lang_of(update, context)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    await q.answer()
    if not all(k in d for k in ("target", "scope", "reason", "place")):
        await edit_or_say(update, t(lang, "emergency.stale"))
        return ConversationHandler.END
    kind, sid = d["scope"].split(":")
    try:
        started = await emergency.start_emergency(
            core_of(context), actor_of(update), community_id=int(sid) if kind == "community" else None,
            grid_id=int(sid) if kind == "grid" else None, reason=d["reason"], target=int(d["target"]))
    except DomainError as e:
        await edit_or_say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    key = "emergency.started" if started.called else "emergency.started_nobody"
    await edit_or_say(update, t(lang, key, place=d["place"], called=started.called))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await end_conversation(update, context, DRAFT, "emergency.cancelled")


def conversation() -> BaseHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # message and button steps mixed: per_message=False is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("emergency", start)],
            states={
                SCOPE: [CallbackQueryHandler(choose_scope, pattern=r"^emg:scope:(community|grid):\d{1,9}$")],
                REASON: [MessageHandler(text, got_reason)],
                TARGET: [MessageHandler(text, got_target)],
                CONFIRM: [CallbackQueryHandler(go, pattern=r"^emg:go$")],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=r"^emg:cancel$")],
            name="emergency_start", persistent=True, allow_reentry=True)
