"""/notice (grid leaders and admins, private chat): the notice's text, where (a grid, or the whole
community for admins), to whom (residents, volunteers or both), a preview with the urgent flag,
then Send or Cancel. `/notice <text>` skips the first question. The draft lives in user_data["notice"]."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import loudspeaker
from bot.services.kernel.errors import DomainError
from bot.views import loudspeaker as view

from . import notice_mute
from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    begins_at,
    core_of,
    current_run,
    domain_errors,
    draft,
    draft_lost,
    edit_or_say,
    end_conversation,
    lang_of,
    message_of,
    query_of,
    say,
    user_data,
)

TEXT, PLACE, AUDIENCE, CONFIRM = range(4)
DRAFT = "notice"


@domain_errors
async def start(update: Update, context: Ctx) -> int | None:
    lang = lang_of(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await say(update, t(lang, "notice.private_only"))
        return ConversationHandler.END
    places = await loudspeaker.notice_places(core_of(context), actor_of(update))
    if not places:
        await say(update, t(lang, "notice.error.not_leader"))
        return ConversationHandler.END
    user_data(context)[DRAFT] = {"places": {view.PLACE.data(p.kind, p.id): [p.kind, p.id, p.name] for p in places}}
    begins_at(draft(context, DRAFT), message_of(update).message_id)  # an earlier run's buttons are stale
    typed = " ".join(context.args or [])
    if typed.strip():
        draft(context, DRAFT)["text"] = loudspeaker.check_text(typed)
        return await _ask_place(update, context)
    await say(update, *view.ask_text(lang, loudspeaker.TEXT_MAX))
    return TEXT


@domain_errors
async def got_text(update: Update, context: Ctx) -> int | None:
    if await draft_lost(update, context, DRAFT, "notice.stale", "places"):
        return ConversationHandler.END
    draft(context, DRAFT)["text"] = loudspeaker.check_text(message_of(update).text)
    return await _ask_place(update, context)


async def _ask_place(update: Update, context: Ctx) -> int:
    d, lang = draft(context, DRAFT), lang_of(update, context)
    if len(d["places"]) == 1:
        (only,) = d["places"].values()
        d["place"] = only
        await say(update, *view.ask_audience(lang, only[2]))
        return AUDIENCE
    places = [loudspeaker.NoticePlace(kind, pid, name, 0) for kind, pid, name in d["places"].values()]
    await say(update, *view.ask_place(lang, places))
    return PLACE


@current_run(DRAFT)
@domain_errors
async def choose_place(update: Update, context: Ctx) -> int | None:
    q = query_of(update)
    view.PLACE.parse(q.data)
    if await draft_lost(update, context, DRAFT, "notice.stale", "places", "text"):
        return ConversationHandler.END
    chosen = draft(context, DRAFT)["places"].get(q.data)
    if chosen is None:
        await q.answer(t(lang_of(update, context), "notice.stale")[:200], show_alert=True)
        return None
    draft(context, DRAFT)["place"] = chosen
    await q.answer()
    await edit_or_say(update, *view.ask_audience(lang_of(update, context), chosen[2]))
    return AUDIENCE


async def _preview(update: Update, context: Ctx) -> None:
    d = draft(context, DRAFT)
    kind, pid, _ = d["place"]
    p = await loudspeaker.preview(core_of(context), actor_of(update), kind, pid, d["audience"], d["urgent"])
    await edit_or_say(update, *view.preview(lang_of(update, context), p, d["text"]))


@current_run(DRAFT)
@domain_errors
async def choose_audience(update: Update, context: Ctx) -> int | None:
    q = query_of(update)
    (audience,) = view.AUDIENCE.parse(q.data)
    if await draft_lost(update, context, DRAFT, "notice.stale", "place", "text"):
        return ConversationHandler.END
    draft(context, DRAFT).update(audience=audience, urgent=False)
    await q.answer()
    await _preview(update, context)
    return CONFIRM


@current_run(DRAFT)
@domain_errors
async def toggle_urgent(update: Update, context: Ctx) -> int | None:
    q = query_of(update)
    (flag,) = view.URGENT.parse(q.data)
    if await draft_lost(update, context, DRAFT, "notice.stale", "place", "text", "audience"):
        return ConversationHandler.END
    draft(context, DRAFT)["urgent"] = flag == "on"
    await q.answer()
    await _preview(update, context)
    return CONFIRM


@current_run(DRAFT)
async def send(update: Update, context: Ctx) -> int | None:
    q = query_of(update)
    d, lang = dict(draft(context, DRAFT)), lang_of(update, context)
    user_data(context).pop(DRAFT, None)  # a second press finds no draft: nothing is sent twice
    await q.answer()
    if not all(k in d for k in ("place", "text", "audience")):
        await edit_or_say(update, t(lang, "notice.stale"))
        return ConversationHandler.END
    kind, pid, _ = d["place"]
    try:
        done = await loudspeaker.send_announcement(
            core_of(context),
            actor_of(update),
            kind=kind,
            place_id=pid,
            audience=d["audience"],
            urgent=bool(d.get("urgent")),
            text=d["text"],
        )
    except DomainError as e:
        await edit_or_say(update, t(lang, e.key, **e.params))
        return ConversationHandler.END
    await edit_or_say(update, view.sent(lang, done.place, done.recipients))
    return ConversationHandler.END


@current_run(DRAFT)
async def cancel(update: Update, context: Ctx) -> int | None:
    return await end_conversation(update, context, DRAFT, "notice.cancelled")


def conversation() -> AnyHandler:
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # message and button steps mixed: per_message=False is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("notice", start)],
            states={
                TEXT: [MessageHandler(text, got_text)],
                PLACE: [CallbackQueryHandler(choose_place, pattern=view.PLACE.pattern)],
                AUDIENCE: [CallbackQueryHandler(choose_audience, pattern=view.AUDIENCE.pattern)],
                CONFIRM: [
                    CallbackQueryHandler(send, pattern=view.SEND.pattern),
                    CallbackQueryHandler(toggle_urgent, pattern=view.URGENT.pattern),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel), CallbackQueryHandler(cancel, pattern=view.CANCEL.pattern)],
            name="notice",
            persistent=True,
            allow_reentry=True,
        )


def build_handlers() -> list[AnyHandler]:
    return [conversation(), *notice_mute.build_handlers()]
