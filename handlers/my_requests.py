"""/my for residents: their requests and status, cancel their own, confirm done and rate (评单).

The optional comment after the stars is a small persistent conversation ("rating").
"""
from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler,
                          filters)
from telegram.warnings import PTBUserWarning

from bot.i18n import t, tp
from bot.services.requests import ratings
from bot.services.requests import intake as svc
from bot.services.requests.cards import category_label, status_label, when_label
from bot.services.kernel.notifier import Button
from bot.services.requests.ratings import stars_buttons
from bot.services.requests.task_texts import outcome_buttons, relay_button
from storage.enums import RequestStatus

from .base import Ctx, actor_of, core_of, domain_errors, edit_or_say, lang_of, say
from .tasks import cb_args, cb_int, expired, in_group, join_lines, last_step, remember, take_pending

COMMENT = "comment"
END = ConversationHandler.END
OPEN = (RequestStatus.open.value, RequestStatus.filled.value)


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query:
        await update.callback_query.answer(text)


async def my_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await _answer(update)
    if in_group(update):
        url = f"https://t.me/{context.bot.username}?start=menu"
        await say(update, t(lang, "task.group_hint"), [[Button(tp(lang, "task.open_private_button"), url=url)]])
        return
    views = await svc.my_requests(core_of(context), actor_of(update))
    if not views:
        await say(update, t(lang, "request.my.empty"))
        return
    lines, rows = [t(lang, "request.my.head")], []
    for v in views:
        r = v.request
        lines.append(t(lang, "request.my.item", code=r.code or "", category=category_label(lang, r.category),
                       status=status_label(lang, r.status), summary=r.summary[:40]))
        rows.append([Button(tp(lang, "request.my.open_button", code=r.code or "", status=status_label(lang, r.status)),
                            data=f"my:show:{r.id}")])
    await say(update, join_lines(lines), rows)


def _detail(lang: str, v: svc.RequestView) -> tuple[str, list[list[Button]]]:
    r = v.request
    lines = [t(lang, "request.my.detail_head", code=r.code or "", category=category_label(lang, r.category)),
             t(lang, "request.confirm.summary", summary=r.summary),
             t(lang, "request.confirm.when", when=when_label(lang, r.when_kind, r.when_date)),
             t(lang, "request.my.status", status=status_label(lang, r.status))]
    if v.takers:
        lines.append(t(lang, "request.my.takers", names=", ".join(v.takers)))
    if v.rating and v.rating.stars:
        lines.append(t(lang, "request.my.rated", stars="⭐" * v.rating.stars))
    rows: list[list[Button]] = []
    if r.status == RequestStatus.done_reported.value:
        rows += outcome_buttons(lang, r.id or 0)
    if r.status == RequestStatus.completed.value and v.rating and v.rating.stars is None and v.rating.outcome != "not_done":
        rows += stars_buttons(lang, r.id or 0)
    if r.status in OPEN + (RequestStatus.done_reported.value,):
        rows += [[relay_button(lang, r.id or 0, p)] for p in v.volunteers]
    if r.status in OPEN:
        rows.append([Button(tp(lang, "request.my.cancel_button"), data=f"my:cancel:{r.id}")])
    rows.append([Button(tp(lang, "request.my.back_button"), data="my:list")])
    return "\n".join(lines), rows


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await svc.request_of(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    await edit_or_say(update, *_detail(lang, view))


@domain_errors
async def cancel_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await svc.request_of(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    rid = view.request.id
    await edit_or_say(update, t(lang, "request.my.cancel_confirm", code=view.request.code or ""),
                      [[Button(tp(lang, "request.my.cancel_yes_button"), data=f"my:cancel_yes:{rid}"),
                        Button(tp(lang, "request.my.cancel_no_button"), data=f"my:show:{rid}")]])


@domain_errors
async def cancel_yes_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await svc.cancel_request(core_of(context), actor_of(update), cb_int(update, 2))
    await _answer(update)
    await edit_or_say(update, t(lang, "request.my.cancelled", code=req.code or ""))


@domain_errors
async def outcome_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    outcome = cb_args(update)[-1]
    req = await ratings.confirm_outcome(core_of(context), actor_of(update), cb_int(update, 2), outcome)
    await _answer(update)
    if outcome == "not":
        await edit_or_say(update, t(lang, "rating.reopened.to_resident", code=req.code or ""))
    else:
        await edit_or_say(update, t(lang, "rating.ask_stars", code=req.code or ""), stars_buttons(lang, req.id or 0))


@domain_errors
async def stars_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    rid = cb_int(update, 2)
    rating = await ratings.rate_request(core_of(context), actor_of(update), rid, cb_int(update, 3))
    await _answer(update)
    remember(context, "rating", id=rid)
    await edit_or_say(update, t(lang, "rating.ask_comment", stars="⭐" * (rating.stars or 0)),
                      [[Button(tp(lang, "rating.skip_comment_button"), data=f"rate:skip:{rid}")]])
    return COMMENT


@last_step
async def comment_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, "rating")
    if pending is None:
        return await expired(update, context)
    await ratings.comment_rating(core_of(context), actor_of(update), int(pending.get("id", 0)),
                                 update.effective_message.text or "")  # type: ignore[union-attr]
    context.user_data.pop("rating", None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "rating.thanks_comment"))
    return END


async def skip_button(update: Update, context: Ctx) -> object:
    await _answer(update)
    context.user_data.pop("rating", None)  # type: ignore[union-attr]
    await edit_or_say(update, t(lang_of(update, context), "rating.thanks"))
    return END


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


async def cancel(update: Update, context: Ctx) -> object:
    context.user_data.pop("rating", None)  # type: ignore[union-attr]
    await say(update, t(lang_of(update, context), "rating.thanks"))
    return END


def build_handlers() -> list[BaseHandler]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        comment = ConversationHandler(
            name="rating", persistent=True, allow_reentry=True,
            entry_points=[CallbackQueryHandler(stars_button, pattern=r"^rate:stars:")],
            states={COMMENT: [MessageHandler(filters.TEXT & ~filters.COMMAND, comment_text),
                              CallbackQueryHandler(skip_button, pattern=r"^rate:skip:"),
                              MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only)]},
            fallbacks=[CommandHandler("cancel", cancel)])
    return [comment,
            CommandHandler("my", my_command),
            CallbackQueryHandler(my_command, pattern=r"^my:list$"),
            CallbackQueryHandler(show_button, pattern=r"^my:show:"),
            CallbackQueryHandler(cancel_button, pattern=r"^my:cancel:"),
            CallbackQueryHandler(cancel_yes_button, pattern=r"^my:cancel_yes:"),
            CallbackQueryHandler(outcome_button, pattern=r"^rate:out:"),
            CallbackQueryHandler(skip_button, pattern=r"^rate:skip:")]
