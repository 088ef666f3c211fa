"""/newevent: a leader or admin creates an event — where (grid or community), title, time, place,
slots, confirm (as an event or as a red service day). The draft lives in user_data["newevent"]."""

from __future__ import annotations

import warnings
from datetime import datetime

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services import events
from bot.services.kernel.errors import DomainError
from bot.views import events as view

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    begins_at,
    core_of,
    domain_errors,
    draft,
    draft_lost,
    edit_or_say,
    end_conversation,
    lang_of,
    message_of,
    say,
    superseded,
    user_data,
)

SCOPE, TITLE, TIME, PLACE, SLOTS, CONFIRM = range(6)
DRAFT = "newevent"


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
    user_data(context)[DRAFT] = {"scopes": {view.scope_key(s): [s.name, s.timezone] for s in scopes}}
    begins_at(draft(context, DRAFT), message_of(update).message_id)  # an earlier run's buttons are stale
    if len(scopes) == 1:
        return await _chosen(update, context, view.scope_key(scopes[0]))
    await say(update, *view.ask_scope(lang, scopes))
    return SCOPE


@domain_errors
async def choose_scope(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    view.SCOPE.parse(q.data)
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    key = q.data
    if key not in draft(context, DRAFT).get("scopes", {}):
        await q.answer(tp(lang_of(update, context), "events.stale"), show_alert=True)
        return None
    await q.answer()
    return await _chosen(update, context, key)


async def _chosen(update: Update, context: Ctx, key: str) -> int:
    d, lang = draft(context, DRAFT), lang_of(update, context)
    name, tz = d["scopes"][key]
    d.update(scope=key, place_name=name, tz=tz)
    await say(update, *view.ask_title(lang, name))
    return TITLE


@domain_errors
async def got_title(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await draft_lost(update, context, DRAFT, "events.stale", "tz", "scope"):
        return ConversationHandler.END
    draft(context, DRAFT)["title"] = events.check_title(update.message.text)
    lang, tz = lang_of(update, context), draft(context, DRAFT)["tz"]
    await say(update, *view.ask_time(lang, tz))
    return TIME


@domain_errors
async def got_time(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await draft_lost(update, context, DRAFT, "events.stale", "tz", "title"):
        return ConversationHandler.END
    d = draft(context, DRAFT)
    when = events.parse_event_time(update.message.text, d["tz"], core_of(context).clock.now())
    d["starts_at"] = when.isoformat()
    await say(update, *view.ask_place(lang_of(update, context)))
    return PLACE


@domain_errors
async def got_place(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await draft_lost(update, context, DRAFT, "events.stale", "starts_at"):
        return ConversationHandler.END
    draft(context, DRAFT)["place"] = events.check_place(update.message.text)
    await say(update, *view.ask_slots(lang_of(update, context), events.SLOTS_MAX))
    return SLOTS


@domain_errors
async def got_slots(update: Update, context: Ctx) -> int:
    assert update.message is not None
    if await draft_lost(update, context, DRAFT, "events.stale", "place", "starts_at", "tz", "title", "place_name"):
        return ConversationHandler.END
    d, lang = draft(context, DRAFT), lang_of(update, context)
    d["slots"] = events.clean_slots(update.message.text)
    await say(
        update,
        *view.confirm(
            lang,
            where=d["place_name"],
            title=d["title"],
            starts_at=datetime.fromisoformat(d["starts_at"]),
            tz=d["tz"],
            place=d["place"],
            slots=d["slots"],
        ),
    )
    return CONFIRM


async def publish(update: Update, context: Ctx) -> int | None:
    q = update.callback_query
    assert q is not None and q.data is not None
    if await superseded(update, context, draft(context, DRAFT)):  # an earlier run's confirmation
        return None
    d, lang = dict(draft(context, DRAFT)), lang_of(update, context)
    user_data(context).pop(DRAFT, None)
    if not all(k in d for k in ("slots", "scope", "title", "starts_at", "place")):
        await q.answer(tp(lang, "events.stale"), show_alert=True)
        return ConversationHandler.END
    try:
        (kind,), (scope, sid) = view.PUBLISH.parse(q.data), view.SCOPE.parse(d["scope"])
        created = await events.create_event(
            core_of(context),
            actor_of(update),
            title=d["title"],
            starts_at=datetime.fromisoformat(d["starts_at"]),
            place=d["place"],
            slots=int(d["slots"]),
            kind=kind,
            grid_id=sid if scope == "grid" else None,
            community_id=sid if scope == "community" else None,
        )
    except DomainError as e:
        await q.answer()
        await edit_or_say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    await q.answer()
    await edit_or_say(update, view.created(lang, created.event.title, created.groups))
    return ConversationHandler.END


async def cancel(update: Update, context: Ctx) -> int | None:
    if await superseded(update, context, draft(context, DRAFT)):
        return None
    return await end_conversation(update, context, DRAFT, "events.cancelled")


def conversation() -> AnyHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # message and button steps mixed: per_message=False is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("newevent", start)],
            states={
                SCOPE: [CallbackQueryHandler(choose_scope, pattern=view.SCOPE.pattern)],
                TITLE: [MessageHandler(text, got_title)],
                TIME: [MessageHandler(text, got_time)],
                PLACE: [MessageHandler(text, got_place)],
                SLOTS: [MessageHandler(text, got_slots)],
                CONFIRM: [CallbackQueryHandler(publish, pattern=view.PUBLISH.pattern)],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=view.NEW_CANCEL.pattern)],
            name="new_event",
            persistent=True,
            allow_reentry=True,
        )
