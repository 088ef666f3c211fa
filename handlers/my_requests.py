"""/my for residents: their requests and status, cancel their own, confirm done and rate (评单).

The optional comment after the stars is a small persistent conversation ("rating").
"""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services.kernel.text import MESSAGE_MAX
from bot.services.requests import (
    cancel_request,
    comment_rating,
    confirm_outcome,
    my_requests,
    rate_request,
    request_of,
    require_status,
)
from bot.transport import raw_api
from bot.views.callbacks import StaleButton
from bot.views.requests.callbacks import MY_CANCEL, MY_CANCEL_YES, MY_LIST, MY_SHOW, RATE_OUTCOME, RATE_SKIP, RATE_STARS
from bot.views.requests.mine import cancel_confirm_buttons, my_detail, my_list
from bot.views.requests.ratings import answered, skip_comment_buttons, stars, stars_buttons
from storage.enums import RequestStatus

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    edit_or_say,
    lang_of,
    message_of,
    press_data,
    say,
    text_only,
    user_data,
)
from .tasks import expired, group_hint, in_group, join_lines, last_step, remember, take_pending

COMMENT = "comment"
END = ConversationHandler.END


async def _answer(update: Update, text: str | None = None) -> None:
    if update.callback_query:
        await update.callback_query.answer(text)


async def my_command(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    await _answer(update)
    if in_group(update):
        await group_hint(update, context)
        return
    views = await my_requests(core_of(context), actor_of(update))
    if not views:
        await say(update, t(lang, "request.my.empty"))
        return
    lines, rows = my_list(lang, views)
    await say(update, join_lines(lines), rows)


@domain_errors
async def show_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await request_of(core_of(context), actor_of(update), MY_SHOW.parse_id(press_data(update)))
    await _answer(update)
    await edit_or_say(update, *my_detail(lang, view))


@domain_errors
async def cancel_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    view = await request_of(core_of(context), actor_of(update), MY_CANCEL.parse_id(press_data(update)))
    require_status(view.request, RequestStatus.open.value, RequestStatus.filled.value)  # as cancel_request
    await _answer(update)
    await edit_or_say(
        update,
        t(lang, "request.my.cancel_confirm", code=view.request.code or ""),
        cancel_confirm_buttons(lang, view.request.id or 0),
    )


@domain_errors
async def cancel_yes_button(update: Update, context: Ctx) -> None:
    lang = lang_of(update, context)
    req = await cancel_request(core_of(context), actor_of(update), MY_CANCEL_YES.parse_id(press_data(update)))
    await _answer(update)
    await edit_or_say(update, t(lang, "request.my.cancelled", code=req.code or ""))


async def _keep_text(update: Update, answer: str) -> None:
    """Keep the pressed message's text (the volunteer's note) and, instead of its buttons, the answer given;
    if the text cannot take the answer (too long), just take the buttons off."""
    q = update.callback_query
    msg = update.effective_message
    if q is None or msg is None:
        return
    where = dict(chat_id=msg.chat.id, message_id=msg.message_id)
    body = msg.text_html if msg.text else ""
    if body and len(body) + len(answer) + 2 <= MESSAGE_MAX:  # (the HTML is longer than the text it shows)
        try:
            await raw_api.call(
                q.get_bot(), "editMessageText", text=body + "\n\n" + answer, parse_mode=ParseMode.HTML, **where
            )
            return
        except BadRequest:
            pass
    try:
        await raw_api.call(q.get_bot(), "editMessageReplyMarkup", **where)
    except BadRequest:  # no buttons left to take off
        pass


@domain_errors
async def outcome_button(update: Update, context: Ctx) -> None:
    """The volunteer's "done" message (with their note) stays in the chat; the answer is a new message."""
    lang = lang_of(update, context)
    rid, outcome = RATE_OUTCOME.parse(press_data(update))
    req = await confirm_outcome(core_of(context), actor_of(update), rid, outcome)
    await _answer(update)
    await _keep_text(update, answered(lang, outcome))
    if outcome == "not":
        await say(update, t(lang, "rating.reopened.to_resident", code=req.code or ""))
    else:
        await say(update, t(lang, "rating.ask_stars", code=req.code or ""), stars_buttons(lang, req.id or 0))


@domain_errors
async def stars_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    rid, n = RATE_STARS.parse(press_data(update))
    rating = await rate_request(core_of(context), actor_of(update), rid, n)
    await _answer(update)
    remember(context, "rating", id=rid)
    await edit_or_say(
        update, t(lang, "rating.ask_comment", stars=stars(rating.stars or 0)), skip_comment_buttons(lang, rid)
    )
    return COMMENT


@last_step
async def comment_text(update: Update, context: Ctx) -> object:
    pending = take_pending(context, "rating")
    if pending is None:
        return await expired(update, context)
    await comment_rating(core_of(context), actor_of(update), int(pending.get("id", 0)), message_of(update).text or "")
    user_data(context).pop("rating", None)
    await say(update, t(lang_of(update, context), "rating.thanks_comment"))
    return END


@domain_errors
async def skip_button(update: Update, context: Ctx) -> object:
    pending = user_data(context).get("rating") or {}
    if pending.get("id") != RATE_SKIP.parse_id(press_data(update)):  # the comment was written or skipped
        raise StaleButton()
    await _answer(update)
    user_data(context).pop("rating", None)
    await edit_or_say(update, t(lang_of(update, context), "rating.thanks"))
    return END


async def cancel(update: Update, context: Ctx) -> object:
    user_data(context).pop("rating", None)
    await say(update, t(lang_of(update, context), "rating.thanks"))
    return END


def build_handlers() -> list[AnyHandler]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        comment = ConversationHandler(
            name="rating",
            persistent=True,
            allow_reentry=True,
            entry_points=[CallbackQueryHandler(stars_button, pattern=RATE_STARS.pattern)],
            states={
                COMMENT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, comment_text),
                    CallbackQueryHandler(skip_button, pattern=RATE_SKIP.pattern),
                    MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, text_only),
                ]
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [
        comment,
        CommandHandler("my", my_command),
        CallbackQueryHandler(my_command, pattern=MY_LIST.pattern),
        CallbackQueryHandler(show_button, pattern=MY_SHOW.pattern),
        CallbackQueryHandler(cancel_button, pattern=MY_CANCEL.pattern),
        CallbackQueryHandler(cancel_yes_button, pattern=MY_CANCEL_YES.pattern),
        CallbackQueryHandler(outcome_button, pattern=RATE_OUTCOME.pattern),
        CallbackQueryHandler(skip_button, pattern=RATE_SKIP.pattern),
    ]
