"""/newevent: a leader or admin creates an event — where (grid or community), title, time, place,
slots, confirm (as an event or as a red service day). The draft lives in user_data["newevent"]."""
from __future__ import annotations

import warnings
from datetime import datetime

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.events import planning as events
from bot.services.kernel.errors import DomainError
from bot.services.kernel.notifier import Button

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say, end_conversation

SCOPE, TITLE, TIME, PLACE, SLOTS, CONFIRM = range(6)
DRAFT = "newevent"


def _draft(context: Ctx) -> dict:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


async def _lost(update: Update, context: Ctx, *keys: str) -> bool:
    """The draft lost a step (e.g. restarted elsewhere): say so and end, instead of guessing."""
    if all(k in _draft(context) for k in keys):
        return False
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, t(lang_of(update, context), "events.stale"))
    return True


def _cancel_row(lang: str) -> list[Button]:
    return [Button(tp(lang, "events.button.cancel"), data="event:new_cancel")]


@domain_errors
async def start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, t(lang, "events.private_only"))
        return ConversationHandler.END
    scopes = await events.event_scopes(core_of(context), actor_of(update))
    if not scopes:
        await say(update, t(lang, "events.error.not_leader"))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"scopes": {f"{s.kind}:{s.id}": [s.name, s.timezone] for s in scopes}}  # type: ignore[index]
    if len(scopes) == 1:
        return await _chosen(update, context, f"{scopes[0].kind}:{scopes[0].id}")
    rows = [[Button(tp(lang, "events.scope.community" if s.kind == "community" else "events.scope.grid", name=s.name),
                    data=f"event:scope:{s.kind}:{s.id}")] for s in scopes[:40]]
    await say(update, t(lang, "events.ask.scope"), rows + [_cancel_row(lang)])
    return SCOPE


async def choose_scope(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    key = q.data.split(":", 2)[2]
    if key not in _draft(context).get("scopes", {}):
        await q.answer(tp(lang_of(update, context), "events.stale"), show_alert=True)
        return None
    await q.answer()
    return await _chosen(update, context, key)


async def _chosen(update: Update, context: Ctx, key: str) -> int:
    d, lang = _draft(context), lang_of(update, context)
    name, tz = d["scopes"][key]
    d.update(scope=key, place_name=name, tz=tz)
    await say(update, t(lang, "events.ask.title", place=name), [_cancel_row(lang)])
    return TITLE


@domain_errors
async def got_title(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "tz", "scope"):
        return ConversationHandler.END
    _draft(context)["title"] = events.check_title(update.message.text)
    lang, tz = lang_of(update, context), _draft(context)["tz"]
    await say(update, t(lang, "events.ask.time", tz=tz), [_cancel_row(lang)])
    return TIME


@domain_errors
async def got_time(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "tz", "title"):
        return ConversationHandler.END
    d = _draft(context)
    when = events.parse_event_time(update.message.text, d["tz"], core_of(context).clock.now())
    d["starts_at"] = when.isoformat()
    await say(update, t(lang_of(update, context), "events.ask.place"), [_cancel_row(lang_of(update, context))])
    return PLACE


@domain_errors
async def got_place(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "starts_at"):
        return ConversationHandler.END
    _draft(context)["place"] = events.check_place(update.message.text)
    await say(update, t(lang_of(update, context), "events.ask.slots", max=events.SLOTS_MAX),
              [_cancel_row(lang_of(update, context))])
    return SLOTS


@domain_errors
async def got_slots(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await _lost(update, context, "place", "starts_at", "tz", "title", "place_name"):
        return ConversationHandler.END
    d, lang = _draft(context), lang_of(update, context)
    d["slots"] = events.clean_slots(update.message.text)
    when = events.local_time(datetime.fromisoformat(d["starts_at"]), d["tz"])
    text = t(lang, "events.confirm", where=d["place_name"], title=d["title"], when=when, place=d["place"], slots=d["slots"])
    await say(update, text, [[Button(tp(lang, "events.button.publish"), data="event:publish:event")],
                             [Button(tp(lang, "events.button.publish_service_day"), data="event:publish:service_day")],
                             _cancel_row(lang)])
    return CONFIRM


async def publish(update: Update, context: Ctx) -> int:
    q = update.callback_query
    assert q is not None and q.data is not None
    d, lang = dict(_draft(context)), lang_of(update, context)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    if not all(k in d for k in ("slots", "scope", "title", "starts_at", "place")):
        await q.answer(tp(lang, "events.stale"), show_alert=True)
        return ConversationHandler.END
    kind, (scope, sid) = q.data.split(":")[2], d["scope"].split(":")
    try:
        created = await events.create_event(
            core_of(context), actor_of(update), title=d["title"], starts_at=datetime.fromisoformat(d["starts_at"]),
            place=d["place"], slots=int(d["slots"]), kind=kind,
            grid_id=int(sid) if scope == "grid" else None, community_id=int(sid) if scope == "community" else None)
    except DomainError as e:
        await q.answer()
        await edit_or_say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    await q.answer()
    key = "events.created" if created.groups else "events.created_no_group"
    await edit_or_say(update, t(lang, key, title=created.event.title, groups=created.groups))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int:
    return await end_conversation(update, context, DRAFT, "events.cancelled")


def conversation() -> BaseHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # message and button steps mixed: per_message=False is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("newevent", start)],
            states={
                SCOPE: [CallbackQueryHandler(choose_scope, pattern=r"^event:scope:(grid|community):\d{1,9}$")],
                TITLE: [MessageHandler(text, got_title)],
                TIME: [MessageHandler(text, got_time)],
                PLACE: [MessageHandler(text, got_place)],
                SLOTS: [MessageHandler(text, got_slots)],
                CONFIRM: [CallbackQueryHandler(publish, pattern=r"^event:publish:(event|service_day)$")],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=r"^event:new_cancel$")],
            name="new_event", persistent=True, allow_reentry=True)
