"""点单: the resident's guided request — category, what, when, where, contact, (slots), confirm.

Entry: /request, the "Ask for help" menu button, the deep link `/start req`. In a group the bot
collects nothing: it answers with a button that opens the private chat. /cancel leaves any step.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import LANGUAGES, t, tp
from bot.services import requests as svc
from bot.services.kernel.errors import DomainError
from bot.transport import raw_api
from bot.views.callbacks import StaleButton
from bot.views.people.callbacks import MENU_REQUEST
from bot.views.requests.callbacks import REQ_CANCEL, REQ_CATEGORY, REQ_RESTART, REQ_SEND, REQ_SLOTS, REQ_WHEN
from bot.views.requests.intake import (
    ask_slots,
    category_buttons,
    confirm_buttons,
    confirm_text,
    no_grid_buttons,
    sent_buttons,
    slots_buttons,
    when_buttons,
)
from bot.views.requests.labels import category_label
from bot.views.requests.tasks import open_private_button
from storage.enums import WhenKind

from .base import (
    AnyHandler,
    Ctx,
    actor_of,
    core_of,
    domain_errors,
    lang_of,
    message_of,
    query_of,
    say,
    user_data,
    user_of,
)

CAT, SUMMARY, WHEN, DATE, ADDRESS, CONTACT, SLOTS, CONFIRM = (
    "category",
    "summary",
    "when",
    "date",
    "address",
    "contact",
    "slots",
    "confirm",
)
END = ConversationHandler.END
DRAFT = "request_draft"


def _draft(context: Ctx) -> dict[str, Any]:
    draft: dict[str, Any] = user_data(context).setdefault(DRAFT, {})
    return draft


def contact_keyboard(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(tp(lang, "request.contact.share_button"), request_contact=True)],
            [KeyboardButton(tp(lang, "request.contact.telegram_button"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _answer(update: Update) -> None:
    if update.callback_query:
        await update.callback_query.answer()


async def request_command(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
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


async def category_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    try:
        (value,) = REQ_CATEGORY.parse(query_of(update).data)
    except StaleButton:
        await say(update, t(lang, "request.error.category"), category_buttons(lang))
        return CAT
    _draft(context)["category"] = value
    await say(update, t(lang, "request.ask.summary", category=category_label(lang, value), max=svc.SUMMARY_MAX))
    return SUMMARY


async def use_buttons(update: Update, context: Ctx) -> None:
    """Typed text where a button was expected: say so and show the buttons again."""
    lang = lang_of(update, context)
    state_buttons = category_buttons(lang) if "category" not in _draft(context) else when_buttons(lang)
    await say(update, t(lang, "request.hint.use_buttons"), state_buttons)


async def text_only(update: Update, context: Ctx) -> None:
    await say(update, t(lang_of(update, context), "request.hint.text_only"))


@domain_errors
async def summary_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    _draft(context)["summary"] = svc.check_summary(message_of(update).text)
    await say(update, t(lang, "request.ask.when"), when_buttons(lang))
    return WHEN


async def when_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    try:
        (value,) = REQ_WHEN.parse(query_of(update).data)
    except StaleButton:
        await say(update, t(lang, "request.error.when"), when_buttons(lang))
        return WHEN
    _draft(context).update(when_kind=value, when_date=None)
    if value == WhenKind.date.value:
        await say(update, t(lang, "request.ask.date"))
        return DATE
    return await _ask_address(update, context)


async def _take_date(update: Update, context: Ctx) -> object:
    d = _draft(context)
    d["when_date"] = await svc.check_date(core_of(context), d.get("grid_id", 0), message_of(update).text)
    d["when_kind"] = WhenKind.date.value
    return await _ask_address(update, context)


date_text = domain_errors(_take_date)


async def when_text(update: Update, context: Ctx) -> object:
    """A date typed instead of pressing a button is fine too."""
    try:
        return await _take_date(update, context)
    except DomainError:
        await use_buttons(update, context)
        return WHEN


async def _ask_address(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.ask.address"))
    return ADDRESS


@domain_errors
async def address_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    _draft(context)["address"] = svc.check_address(message_of(update).text)
    await say(update, t(lang, "request.ask.contact"), reply_markup=contact_keyboard(lang))
    return CONTACT


@domain_errors
async def contact_shared(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    contact = message_of(update).contact
    if contact is None or contact.user_id != user_of(update).id:
        await say(update, t(lang, "request.error.foreign_contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    _draft(context)["phone"] = svc.check_phone(contact.phone_number)
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def contact_text(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    text = (message_of(update).text or "").strip()
    if text in {tp(lg, "request.contact.telegram_button") for lg in LANGUAGES}:
        _draft(context)["phone"] = None
        await say(update, t(lang, "request.contact.noted_telegram"), reply_markup=ReplyKeyboardRemove())
        return await _after_contact(update, context)
    try:
        _draft(context)["phone"] = svc.check_phone(text)
    except DomainError:
        await say(update, t(lang, "request.error.contact"), reply_markup=contact_keyboard(lang))
        return CONTACT
    await say(update, t(lang, "request.contact.noted_phone"), reply_markup=ReplyKeyboardRemove())
    return await _after_contact(update, context)


async def _after_contact(update: Update, context: Ctx) -> object:
    d, lang = _draft(context), lang_of(update, context)
    if d.get("leader"):
        await say(update, ask_slots(lang), slots_buttons())
        return SLOTS
    d["slots"] = 1
    return await _confirm(update, context)


@domain_errors
async def slots_input(update: Update, context: Ctx) -> object:
    await _answer(update)
    if update.callback_query:
        (raw,) = REQ_SLOTS.parse(update.callback_query.data)
    else:
        raw = message_of(update).text
    _draft(context)["slots"] = svc.check_slots(raw)
    return await _confirm(update, context)


async def _confirm(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await say(update, confirm_text(lang, _draft(context)), confirm_buttons(lang))
    return CONFIRM


async def confirm_hint(update: Update, context: Ctx) -> object:
    await say(update, t(lang_of(update, context), "request.hint.confirm"))
    return await _confirm(update, context)


async def send_button(update: Update, context: Ctx) -> object:
    lang = lang_of(update, context)
    await _answer(update)
    d = _draft(context)
    draft = svc.RequestDraft(
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
            draft,
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
    await _answer(update)
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
