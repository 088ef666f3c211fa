"""点单: the resident's guided request — category, what, when, where, contact, (slots), confirm.

Entry: /request, the "Ask for help" menu button, the deep link `/start req`. In a group the bot
collects nothing: it answers with a button that opens the private chat. /cancel leaves any step.
The steps themselves: request_steps.py.
"""

from __future__ import annotations

import warnings

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import t
from bot.services import requests as svc
from bot.services.kernel.errors import DomainError
from bot.transport import raw_api
from bot.views.people.callbacks import MENU_REQUEST
from bot.views.requests.callbacks import REQ_CANCEL, REQ_CATEGORY, REQ_RESTART, REQ_SEND, REQ_SLOTS, REQ_WHEN
from bot.views.requests.intake import category_buttons, no_grid_buttons, sent_buttons, when_buttons
from bot.views.requests.tasks import open_private_button

from .base import AnyHandler, Ctx, actor_of, core_of, draft, lang_of, say, user_data
from .request_steps import (
    ADDRESS,
    CAT,
    CONFIRM,
    CONTACT,
    DATE,
    DRAFT,
    SLOTS,
    SUMMARY,
    WHEN,
    address_text,
    answer_press,
    category_button,
    confirm_hint,
    contact_shared,
    contact_text,
    date_text,
    slots_input,
    summary_text,
    text_only,
    use_buttons,
    when_button,
    when_text,
)

END = ConversationHandler.END


async def request_command(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await answer_press(update)
    if update.effective_chat and update.effective_chat.type != "private":
        await say(
            update,
            t(lang, "request.group_hint"),
            open_private_button(lang, context.bot.username, "req", "request.open_private_button"),
        )
        return END
    try:
        start = await svc.begin_request(core_of(context), actor_of(update))
    except svc.NoGrid:
        await say(update, t(lang, "request.error.no_grid"), no_grid_buttons(lang))
        return END
    user_data(context)[DRAFT] = {"grid_id": start.grid_id, "leader": start.can_set_slots}
    await say(update, t(lang, "request.ask.category", grid=start.grid_name), category_buttons(lang))
    return CAT


async def send_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await answer_press(update)
    d = draft(context, DRAFT)
    request_draft = svc.RequestDraft(
        d.get("category", ""),
        d.get("summary", ""),
        d.get("when_kind", ""),
        d.get("when_date"),
        d.get("address"),
        d.get("phone"),
        int(d.get("slots", 1)),
    )
    try:
        req = await svc.create_request(
            core_of(context),
            actor_of(update),
            request_draft,
            grid_id=d.get("grid_id"),
            source="leader" if d.get("leader") else "resident",
        )
    except DomainError as e:
        await say(update, t(lang, e.key, **e.params))
        if e.key.startswith("request.error.date"):
            await say(update, t(lang, "request.ask.when"), when_buttons(lang))
            return WHEN
        return CONFIRM
    user_data(context).pop(DRAFT, None)
    await _strip_buttons(update)
    await say(update, t(lang, "request.sent", code=req.code or ""), sent_buttons(lang))
    return END


async def _strip_buttons(update: Update) -> None:
    q = update.callback_query
    if q is not None and q.message is not None:
        try:
            await raw_api.call(
                q.get_bot(), "editMessageReplyMarkup", chat_id=q.message.chat.id, message_id=q.message.message_id
            )
        except Exception:
            pass


async def restart_button(update: Update, context: Ctx) -> object:
    await _strip_buttons(update)
    return await request_command(update, context)


async def cancel(update: Update, context: Ctx) -> object:
    await answer_press(update)
    await _strip_buttons(update)
    user_data(context).pop(DRAFT, None)
    await say(update, t(lang_of(update, context), "request.cancelled"), reply_markup=ReplyKeyboardRemove())
    return END


def build_handlers() -> list[AnyHandler]:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        conv = ConversationHandler(
            name="request",
            persistent=True,
            allow_reentry=True,
            entry_points=[
                CommandHandler("request", request_command),
                CommandHandler("start", request_command, filters=filters.Regex(r"^/start req")),
                CallbackQueryHandler(request_command, pattern=MENU_REQUEST.pattern),
            ],
            states={
                CAT: [
                    CallbackQueryHandler(category_button, pattern=REQ_CATEGORY.pattern),
                    MessageHandler(text | other, use_buttons),
                ],
                SUMMARY: [MessageHandler(text, summary_text), MessageHandler(other, text_only)],
                WHEN: [
                    CallbackQueryHandler(when_button, pattern=REQ_WHEN.pattern),
                    MessageHandler(text, when_text),
                    MessageHandler(other, use_buttons),
                ],
                DATE: [MessageHandler(text, date_text), MessageHandler(other, text_only)],
                ADDRESS: [MessageHandler(text, address_text), MessageHandler(other, text_only)],
                CONTACT: [
                    MessageHandler(filters.CONTACT, contact_shared),
                    MessageHandler(text, contact_text),
                    MessageHandler(other, contact_text),
                ],
                SLOTS: [
                    CallbackQueryHandler(slots_input, pattern=REQ_SLOTS.pattern),
                    MessageHandler(text, slots_input),
                    MessageHandler(other, text_only),
                ],
                CONFIRM: [
                    CallbackQueryHandler(send_button, pattern=REQ_SEND.pattern),
                    CallbackQueryHandler(restart_button, pattern=REQ_RESTART.pattern),
                    CallbackQueryHandler(cancel, pattern=REQ_CANCEL.pattern),
                    MessageHandler(text | other, confirm_hint),
                ],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    return [conv]
